#include "providers/cucm/cucm_certificate_api.hpp"

#include "providers/cucm/cucm_rest.hpp"
#include "providers/cucm/cucm_rules.hpp"

namespace trustctl::providers {

bool CucmCertificateApi::uses_api(const Cluster& cluster) const { return has_certificate_rest(cluster); }

Result<NodeState> CucmCertificateApi::read_over_api(transport::HttpClient& http, const Node& node) const {
  auto snapshot = cucm::read_snapshot(http);
  if (!snapshot) return fail(snapshot.error());
  return cucm::to_node_state(node.name, *snapshot);
}

bool CucmCertificateApi::runs_over_api(ActionKind kind) const {
  return kind == ActionKind::upload_trust || kind == ActionKind::renew_identity ||
         kind == ActionKind::install_identity;
}

Result<std::string> CucmCertificateApi::run_over_api(transport::HttpClient& http, const Node& node,
                                                     const Action& action, const std::string& key_spec,
                                                     const Signer& sign) const {
  if (!action.certificate && action.kind != ActionKind::renew_identity) {
    return fail(Error(ErrorCode::internal, "an action without its certificate").on(node.name, action.describe()));
  }
  if (action.kind == ActionKind::upload_trust) {
    if (auto ok = cucm::upload_trust(http, {*action.certificate}, "trustctl: " + action.reason.substr(0, 120)); !ok) {
      return fail(ok.error());
    }
    return std::string();
  }
  if (action.kind == ActionKind::install_identity) {
    if (auto ok = cucm::upload_identity(http, {*action.certificate}, action.store); !ok) return fail(ok.error());
    return action.certificate->fingerprint();
  }
  // renew_identity: the CSR is made on the node (its key never leaves it) with the key the policy asks for, which
  // the REST API, unlike the CLI, takes.
  cucm::CsrParameters parameters;
  parameters.common_name = node.fqdn;
  parameters.service = action.store;
  if (action.multi_server) parameters.distribution = std::string(cucm::certmgr::multi_server);
  parameters.key_type = key_spec.starts_with("ec-") ? "ec" : "rsa";
  parameters.key_length = std::stoi(key_spec.substr(key_spec.find('-') + 1));
  auto csr = cucm::generate_csr(http, parameters);
  if (!csr) return fail(csr.error());
  auto chain = sign(*csr);
  if (!chain) return fail(chain.error());
  if (auto ok = cucm::upload_identity(http, *chain, action.store); !ok) return fail(ok.error());
  return chain->front().fingerprint();
}

}  // namespace trustctl::providers
