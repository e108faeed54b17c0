#include "providers/mediasense/mediasense_rules.hpp"

namespace trustctl::providers {

namespace {
constexpr const char* kApiService = "MediaSense API service";
}  // namespace

// docs/appliances.md section 5: the guides restart the server; service by service that is every service that loads
// tomcat or tomcat-trust: Cisco Tomcat and the product's API service (section 1; the name is
// uncertain: this constant is its one place).
ProductRules mediasense_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat", kApiService};
  return ProductRules{
      .product = Product::mediasense,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{8440, kApiService, "API"}},
  };
}

}  // namespace trustctl::providers
