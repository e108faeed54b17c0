#include "providers/socialminer/socialminer_rules.hpp"

namespace trustctl::providers {

namespace {
constexpr const char* kRuntime = "SocialMiner Runtime";
}  // namespace

// docs/appliances.md section 5: the guides restart the server; service by service that is every service that loads
// tomcat or tomcat-trust: Cisco Tomcat and the product's runtime service (section 1; the name is
// uncertain: this constant is its one place).
ProductRules socialminer_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat", kRuntime};
  return ProductRules{
      .product = Product::socialminer,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{443, kRuntime, "web and chat"}, {7443, kRuntime, "notification", true}},  // section 10: Openfire
  };
}

}  // namespace trustctl::providers
