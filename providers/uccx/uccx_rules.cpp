#include "providers/uccx/uccx_rules.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: the guides restart the UCCX node one at a time; these are the Tomcat-based services
// that load tomcat and tomcat-trust (Cisco Tomcat first: the platform pages come back before the agent-facing ones).
ProductRules uccx_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Notification Service",
                                       "Cisco Unified CCX Socket.IO Service",
                                       "Cisco Unified Intelligence Center Reporting Service"};
  return ProductRules{
      .product = Product::uccx,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{8445, "Cisco Finesse Tomcat", "Finesse desktop"},
                {8444, "Cisco Unified Intelligence Center Reporting Service", "CUIC"},
                {7443, "Cisco Unified CCX Notification Service", "Notification (XMPP)"},
                {12015, "Cisco Unified CCX Socket.IO Service", "Live Data (Socket.IO)"}},
      .multi_server = true,  // one SAN certificate on the publisher for every node (docs/appliances.md section 3)
  };
}

}  // namespace trustctl::providers
