#include "engine/graph/action.hpp"

namespace trustctl {

const char* to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::upload_trust: return "upload-trust";
    case ActionKind::delete_trust: return "delete-trust";
    case ActionKind::wait_replication: return "wait-replication";
    case ActionKind::restart_service: return "restart";
    case ActionKind::restart_system: return "restart-system";
    case ActionKind::renew_identity: return "renew-identity";
    case ActionKind::regenerate_identity: return "regenerate-identity";
    case ActionKind::install_identity: return "install-identity";
    case ActionKind::wait_identity: return "wait-identity";
    case ActionKind::export_csr: return "export-csr";
  }
  return "unknown";
}

const char* action_mark(ActionKind kind) {
  switch (kind) {
    case ActionKind::upload_trust: return "+";
    case ActionKind::delete_trust: return "-";
    case ActionKind::wait_replication:
    case ActionKind::wait_identity: return "⏳";
    case ActionKind::restart_service:
    case ActionKind::restart_system: return "↻";
    case ActionKind::renew_identity:
    case ActionKind::regenerate_identity:
    case ActionKind::install_identity:
    case ActionKind::export_csr: return "~";
  }
  return "?";
}

std::string Action::id() const {
  std::string out = node + ":" + to_string(kind);
  if (!store.empty()) out += ":" + store;
  if (certificate) out += ":" + certificate->short_fingerprint();
  if (!identity_node.empty()) out += ":identity-of:" + identity_node + "/" + identity_unit;
  if (!service.empty()) out += ":" + service;
  return out;
}

std::string Action::describe() const {
  auto cert_label = [&]() {
    if (!certificate && !identity_node.empty()) {
      return "the new " + identity_unit + " identity of " + identity_node + " (known after apply)";
    }
    if (!certificate) return file;
    std::string cn = certificate->common_name();
    return (cn.empty() ? certificate->subject() : cn) + " (" + certificate->fingerprint().substr(0, 8) + ")";
  };
  switch (kind) {
    case ActionKind::upload_trust: return "upload " + cert_label() + " to " + store;
    case ActionKind::delete_trust: return "delete " + cert_label() + " from " + store + " (" + file + ")";
    case ActionKind::wait_replication:
      return "wait for " + cert_label() + " to replicate from " + source_node + " into " + store;
    case ActionKind::restart_service: return "restart " + service;
    case ActionKind::restart_system:
      return "restart the whole node (utils system restart): SSH and every port down until it is back";
    case ActionKind::renew_identity:
      return "renew " + store + (multi_server ? " multi-server (SAN) identity for the cluster" : " identity") +
             ": CSR on the node, signed by " + issuer_ca + ", imported (new certificate known after apply)";
    case ActionKind::regenerate_identity:
      return "regenerate " + store + " as a new self-signed identity (new certificate known after apply)";
    case ActionKind::install_identity:
      return "install " + cert_label() + " as the " + store + (multi_server ? " multi-server (SAN)" : "") +
             " identity, signed by " + issuer_ca;
    case ActionKind::wait_identity:
      return "wait for the multi-server " + store + " identity to reach this node from " + source_node;
    case ActionKind::export_csr:
      return "make a " + store + (multi_server ? " multi-server (SAN)" : "") + " CSR on the node for " + issuer_ca +
             " and write it to " + file;
  }
  return "unknown action";
}

}  // namespace trustctl
