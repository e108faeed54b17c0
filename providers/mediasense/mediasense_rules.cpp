#include "providers/mediasense/mediasense_rules.hpp"

namespace trustctl::providers {

// docs/appliances.md section 5: restart the application; its web tier is Cisco Tomcat.
ProductRules mediasense_rules() {
  std::vector<std::string> restarts = {"Cisco Tomcat"};
  return ProductRules{
      .product = Product::mediasense,
      .replicated_stores = {"tomcat-trust"},
      .restarts_by_store = {{"tomcat-trust", restarts}, {"tomcat", restarts}},
      .services = restarts,
      .ports = {{8440, "MediaSense API service", "API"}},
  };
}

}  // namespace trustctl::providers
