#include "providers/cucm/cucm_rules.hpp"

#include "providers/cucm/cucm_certificate_api.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: Cisco Tomcat on each affected node, publisher first, one at a time; a multi-server
// tomcat also wants Cisco UDS Tomcat and Cisco AXL Tomcat.
ProductRules cucm_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat"};
  return ProductRules{
      .product = Product::cucm,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{443, "Cisco Tomcat", "platform REST"}},
      .multi_server = true,  // one SAN certificate on the publisher for every node (docs/appliances.md section 3)
      .multi_server_restarts = {"Cisco UDS Tomcat", "Cisco AXL Tomcat"},  // docs/appliances.md section 5
      .certificate_rest_since = config::ProductVersion{14, 0},  // the certificate REST API (docs/appliances.md section 8)
      .extensions = std::make_shared<CucmCertificateApi>(),
  };
}

bool has_certificate_rest(const Cluster& cluster) {
  if (cluster.product != Product::cucm) return false;
  static const ProductRules rules = cucm_rules();
  auto version = config::parse_version(cluster.version);  // no version: an older CUCM, driven through the CLI
  return version && version->at_least(*rules.certificate_rest_since);
}

}  // namespace trustctl::providers
