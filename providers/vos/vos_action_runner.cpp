#include "providers/vos/vos_action_runner.hpp"

#include "providers/cucm/cucm_rest.hpp"
#include "providers/cucm/cucm_rules.hpp"
#include "providers/finesse/system_info.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/transport/http_client.hpp"
#include "providers/transport/tls_pins.hpp"
#include "providers/vos/vos_cli.hpp"

#include <thread>

namespace trustctl::providers {

Result<void> VosActionRunner::run(const Action& action) {
  const Node* node = m_site.find_node(action.node);
  if (!node) return fail(Error(ErrorCode::internal, "the plan names an unknown node").on(action.node, action.describe()));
  if (action.kind == ActionKind::wait_replication) return wait_replication(*node, action);
  const Cluster* cluster = m_site.find_cluster(node->cluster);
  if (cluster && has_certificate_rest(*cluster) &&
      (action.kind == ActionKind::upload_trust || action.kind == ActionKind::renew_identity)) {
    return label(run_rest(*node, action), action);
  }

  auto result = m_pool.with_session(*node, [&](transport::CliSession& session) -> Result<void> {
    switch (action.kind) {
      case ActionKind::upload_trust: return vos::import_trust(session, {*action.certificate});
      case ActionKind::delete_trust: return vos::delete_trust(session, action.file);
      case ActionKind::restart_service: return vos::restart_service(session, action.service);
      case ActionKind::regenerate_identity: return vos::regenerate_identity(session, action.store);
      case ActionKind::renew_identity: return renew_identity(session, action);
      case ActionKind::wait_replication: break;
    }
    return fail(ErrorCode::internal, "unhandled action kind");
  });
  if (!result) return label(std::move(result), action);
  if (action.changes_identity()) return pin_new_identity(*node, action);
  if (action.kind == ActionKind::restart_service && cluster && serves_finesse(*cluster, action.service)) {
    return label(wait_finesse_in_service(*node), action);
  }
  return {};
}

// Restarting a Finesse service interrupts agents until Finesse reports IN_SERVICE again; the next node of a rolling
// restart must not go down before that (an HA pair never loses both nodes).
bool VosActionRunner::serves_finesse(const Cluster& cluster, const std::string& service) {
  bool finesse_product = cluster.product == Product::uccx || cluster.product == Product::finesse;
  return finesse_product && (service == "Cisco Finesse Tomcat" || service == "Cisco Finesse Notification Service");
}

Result<void> VosActionRunner::wait_finesse_in_service(const Node& node) {
  auto secret = m_pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, m_site, *secret);
  if (!http) return fail(http.error());
  auto status = finesse::wait_in_service(**http, std::chrono::seconds(node.connection.timeout_s),
                                         m_settings.health_poll);
  if (!status) return fail(status.error());
  return {};
}

Result<void> VosActionRunner::label(Result<void> result, const Action& action) {
  if (result) return result;
  Error e = result.error();
  e.node = action.node;
  e.operation = action.describe();
  if (!e.region && action.region) e.region = action.region;
  return fail(std::move(e));
}

// CUCM 14+: trust uploads and identities over the certificate REST API (the CLI stays for what REST lacks).
Result<void> VosActionRunner::run_rest(const Node& node, const Action& action) {
  auto secret = m_pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, m_site, *secret);
  if (!http) return fail(http.error());
  if (action.kind == ActionKind::upload_trust) {
    return cucm::upload_trust(**http, {*action.certificate}, "trustctl: " + action.reason.substr(0, 120));
  }
  const CaEntry* ca = m_site.find_ca(action.issuer_ca);
  if (!ca || !ca->local_key || ca->certificates.empty()) {
    return fail(ErrorCode::invalid_site, "CA '" + action.issuer_ca + "' has no local_key: trustctl cannot sign for it");
  }
  auto key = pki::KeyPair::load_file(ca->local_key->string());
  if (!key) return fail(key.error());
  cucm::CsrParameters parameters;
  parameters.common_name = node.fqdn;
  auto csr = cucm::generate_csr(**http, parameters);
  if (!csr) return fail(csr.error());
  auto leaf = pki::sign_csr(*csr, ca->certificates.front(), *key);
  if (!leaf) return fail(leaf.error());
  if (auto ok = cucm::upload_identity(**http, {*leaf, ca->certificates.front()}); !ok) return ok;
  return pin_fingerprint(node, leaf->fingerprint());
}

// After an identity change the platform port will present a new certificate at its next restart: the pins file
// gets the new fingerprint beside the old one, so HTTPS keeps verifying before and after the restart.
Result<void> VosActionRunner::pin_new_identity(const Node& node, const Action& action) {
  std::string fingerprint;
  auto read = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
    auto now = vos::read_own_certificate(session, action.store);
    if (!now) return fail(now.error());
    if (!now->empty()) fingerprint = now->front().fingerprint();
    return {};
  });
  if (!read) return label(std::move(read), action);
  return fingerprint.empty() ? Result<void>{} : pin_fingerprint(node, fingerprint);
}

Result<void> VosActionRunner::pin_fingerprint(const Node& node, const std::string& fingerprint) {
  if (node.connection.tls_pins.empty()) return {};
  return transport::update_pins(node.connection.tls_pins,
                                {transport::pin_key(node.fqdn, node.connection.https_port),
                                 transport::pin_key(node.address, node.connection.https_port)},
                                fingerprint, /*keep_existing=*/true);
}

// CSR on the node (its key never leaves it), signed here with the CA key the site names, imported, then read back:
// the node must now hold exactly the certificate we signed.
Result<void> VosActionRunner::renew_identity(transport::CliSession& session, const Action& action) {
  const CaEntry* ca = m_site.find_ca(action.issuer_ca);
  if (!ca || !ca->local_key || ca->certificates.empty()) {
    return fail(ErrorCode::invalid_site, "CA '" + action.issuer_ca + "' has no local_key: trustctl cannot sign for it");
  }
  auto key = pki::KeyPair::load_file(ca->local_key->string());
  if (!key) return fail(key.error());
  if (auto ok = vos::generate_csr(session, action.store); !ok) return ok;
  auto csr = vos::read_csr(session, action.store);
  if (!csr) return fail(csr.error());
  auto signed_leaf = pki::sign_csr(*csr, ca->certificates.front(), *key);
  if (!signed_leaf) return fail(signed_leaf.error());
  if (auto ok = vos::import_own(session, {*signed_leaf}, action.store); !ok) return ok;
  auto now = vos::read_own_certificate(session, action.store);
  if (!now) return fail(now.error());
  if (now->empty() || !(now->front() == *signed_leaf)) {
    return fail(ErrorCode::protocol, "the node reported success but does not hold the certificate trustctl signed");
  }
  return {};
}

// Replication is never assumed: the subscriber is read until the certificate is there (by fingerprint), within the
// node's operation timeout.
Result<void> VosActionRunner::wait_replication(const Node& node, const Action& action) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(node.connection.timeout_s);
  const std::string& wanted = action.certificate->fingerprint();
  const std::string expected_file = action.certificate->trust_file_name();
  while (true) {
    bool present = false;
    auto read = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
      auto list = vos::list_trust(session);
      if (!list) return fail(list.error());
      for (const auto& entry : *list) {
        if (entry.unit != action.store) continue;
        // 12.x/14.x name a trust file <CN>_<serial>.pem, so only that file can hold it; its content is still
        // compared by fingerprint.
        if (entry.file != expected_file) continue;
        auto certs = vos::read_trust_certificate(session, entry.path());
        if (!certs) return fail(certs.error());
        for (const auto& c : *certs) present = present || c.fingerprint() == wanted;
      }
      return {};
    });
    if (!read) {
      Error e = read.error();
      e.node = node.name;
      e.operation = action.describe();
      return fail(std::move(e));
    }
    if (present) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error(ErrorCode::timeout, "the certificate did not replicate from " + action.source_node +
                                                " within " + std::to_string(node.connection.timeout_s) +
                                                " s; check database replication (utils dbreplication runtimestate) "
                                                "and run apply again")
                      .on(node.name, action.describe()));
    }
    std::this_thread::sleep_for(m_settings.replication_poll);
  }
}

}  // namespace trustctl::providers
