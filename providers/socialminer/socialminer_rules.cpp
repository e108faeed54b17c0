#include "providers/socialminer/socialminer_rules.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: restart the application; its web tier is Cisco Tomcat.
ProductRules socialminer_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat"};
  return ProductRules{
      .product = Product::socialminer,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{443, "SocialMiner Runtime", "web and chat"}, {7443, "SocialMiner Runtime", "notification", true}},  // section 10: Openfire
  };
}

}  // namespace trustctl::providers
