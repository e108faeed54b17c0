#include "providers/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace trustctl;

namespace {

const Provider& uccx() {
  static const auto registry = providers::make_registry();
  return *registry.find(Product::uccx);
}

}  // namespace

// docs/appliances.md section 5: the guides restart the whole UCCX server after a tomcat or tomcat-trust change; the
// CCX Engine makes UCCX's outgoing calls, so it must reload tomcat-trust too, not only for script integrations.
TEST(UccxRules, TrustAndIdentityChangesRestartTheCcxEngine) {
  for (const char* store : {"tomcat-trust", "tomcat", "tomcat-ECDSA"}) {
    auto services = uccx().services_to_restart(store);
    EXPECT_NE(std::find(services.begin(), services.end(), "Cisco Unified CCX Engine"), services.end()) << store;
  }
}

TEST(UccxRules, TrustChangeRestartsEveryServiceThatLoadsTomcatTrustInOrder) {
  std::vector<std::string> expected = {"Cisco Tomcat",
                                       "Cisco Unified CCX Engine",
                                       "Cisco Finesse Tomcat",
                                       "Cisco Unified CCX Notification Service",
                                       "Cisco Unified CCX Socket.IO Service",
                                       "Cisco Unified Intelligence Center Reporting Service"};
  EXPECT_EQ(uccx().services_to_restart("tomcat-trust"), expected);
  EXPECT_EQ(uccx().services(), expected);  // restarts owed by several changes run in this order
}
