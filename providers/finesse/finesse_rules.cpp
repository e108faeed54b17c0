#include "providers/finesse/finesse_rules.hpp"

#include "providers/finesse/finesse_health.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: Notification first, then Finesse Tomcat; primary, then secondary.
ProductRules finesse_rules() {
  std::vector<std::string> restarts = {"Cisco Finesse Notification Service", "Cisco Finesse Tomcat"};
  return ProductRules{
      .product = Product::finesse,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{8445, "Cisco Finesse Tomcat", "Finesse desktop and /cfadmin"},
                {7443, "Cisco Finesse Notification Service", "Notification"}},
      .multi_server = true,  // one SAN certificate on the publisher for every node (docs/appliances.md section 3)

      .extensions = std::make_shared<FinesseHealth>(),
  };
}

}  // namespace trustctl::providers
