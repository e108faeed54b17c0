#include "providers/cuic/cuic_rules.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: Cisco Tomcat and the CUIC Reporting Service.
ProductRules cuic_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat", "Cisco Unified Intelligence Center Reporting Service"};
  return ProductRules{
      .product = Product::cuic,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{8444, "Cisco Unified Intelligence Center Reporting Service", "CUIC"},
                {12015, "Cisco Unified Intelligence Center Live Data", "Live Data (Socket.IO)"}},
      .multi_server = true,  // one SAN certificate on the publisher for every node (docs/appliances.md section 3)
  };
}

}  // namespace trustctl::providers
