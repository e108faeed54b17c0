#include "providers/registry.hpp"

#include <gtest/gtest.h>

using namespace trustctl;

// docs/appliances.md section 5: MediaSense restarts every service that loads tomcat or tomcat-trust, its API service
// as well as Cisco Tomcat, after a trust change as after an identity change.
TEST(MediaSenseRules, TrustChangeRestartsTomcatAndTheApiService) {
  auto registry = providers::make_registry();
  const Provider* mediasense = registry.find(Product::mediasense);
  ASSERT_NE(mediasense, nullptr);
  std::vector<std::string> expected = {"Cisco Tomcat", "MediaSense API service"};
  EXPECT_EQ(mediasense->services_to_restart("tomcat-trust"), expected);
  EXPECT_EQ(mediasense->services_to_restart("tomcat"), expected);
}
