#pragma once
// CUCM 14 and later are driven through their certificate-management REST API (docs/appliances.md section 8) for
// reads, trust uploads and identities; the admin CLI stays for what the API lacks (delete, regenerate, restart, the
// pending CSR). This is CUCM's part of the VOS provider: the shared VOS code reaches it through ProductExtensions.

#include "providers/vos/product_extensions.hpp"

namespace trustctl::providers {

class CucmCertificateApi final : public ProductExtensions {
 public:
  bool uses_api(const Cluster& cluster) const override;
  Result<NodeState> read_over_api(transport::HttpClient& http, const Node& node) const override;
  bool runs_over_api(ActionKind kind) const override;
  Result<std::string> run_over_api(transport::HttpClient& http, const Node& node, const Action& action,
                                   const std::string& key_spec, const Signer& sign) const override;
};

}  // namespace trustctl::providers
