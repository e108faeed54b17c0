#include "providers/uccx/uccx_rules.hpp"

#include "providers/finesse/finesse_health.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: the guides restart the whole UCCX server, one node at a time; service by service that
// is every service that loads tomcat and tomcat-trust, the CCX Engine included (it makes UCCX's outgoing calls to
// MediaSense, SocialMiner, CUCM and scripts' hosts, so it must reload what they are trusted by). Cisco Tomcat first:
// the platform pages come back before the agent-facing ones; the Engine before Finesse, whose agents it serves.
ProductRules uccx_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat",
                                       "Cisco Unified CCX Engine",
                                       "Cisco Finesse Tomcat",
                                       "Cisco Unified CCX Notification Service",
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
                {12015, "Cisco Unified CCX Socket.IO Service", "Live Data (Socket.IO)", true}},  // section 10
      .multi_server = true,  // one SAN certificate on the publisher for every node (docs/appliances.md section 3)
      // docs/appliances.md section 10: multi-server (SAN) certificates from 11.6, naming only the two UCCX nodes.
      .multi_server_since = config::ProductVersion{11, 6},
      .multi_server_max_nodes = 2,
      // Section 2: tomcat-ECDSA from 11.5 and later; whether the suite presents it from 11.6 is uncertain (TC013).
      .ecdsa_uncertain_since = config::ProductVersion{11, 6},
      .rsa_key_bits = {1024, 2048},  // section 4: UCCX accepts only 1024 and 2048

      .extensions = std::make_shared<FinesseHealth>(),  // Finesse is co-resident on UCCX
  };
}

}  // namespace trustctl::providers
