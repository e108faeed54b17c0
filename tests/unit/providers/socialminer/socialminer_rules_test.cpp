#include "providers/registry.hpp"

#include <gtest/gtest.h>

using namespace trustctl;

// docs/appliances.md section 5: SocialMiner restarts every service that loads tomcat or tomcat-trust, its runtime
// service as well as Cisco Tomcat, after a trust change as after an identity change.
TEST(SocialMinerRules, TrustChangeRestartsTomcatAndTheRuntime) {
  auto registry = providers::make_registry();
  const Provider* socialminer = registry.find(Product::socialminer);
  ASSERT_NE(socialminer, nullptr);
  std::vector<std::string> expected = {"Cisco Tomcat", "SocialMiner Runtime"};
  EXPECT_EQ(socialminer->services_to_restart("tomcat-trust"), expected);
  EXPECT_EQ(socialminer->services_to_restart("tomcat"), expected);
  EXPECT_EQ(socialminer->services_to_restart("tomcat-ECDSA"), expected);
}
