// The services each product runs (docs/appliances.md section 1) and what a restart reloads (section 5): every service
// loads the node's identities and tomcat-trust at its start, so a trust change reaches a service (the UCCX Engine that
// calls MediaSense, SocialMiner, CUCM and scripts' hosts; SocialMiner's runtime; MediaSense's API service) only when
// that service restarts.

#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using trustctl::Product;
using trustctl::Role;

bool has(const std::vector<std::string>& services, const std::string& name) {
  return std::find(services.begin(), services.end(), name) != services.end();
}

bool loaded_trusts(const SimNode& node, const std::string& service, const Certificate& certificate,
                   Clock::time_point when) {
  auto loaded = node.loaded_identity(service, when);
  if (!loaded || !loaded->trust) return false;
  return std::find(loaded->trust->begin(), loaded->trust->end(), certificate) != loaded->trust->end();
}

TEST(ServicesTest, EachProductRunsTheServicesOfTheGuides) {
  const auto uccx = services_for(Product::uccx);
  for (const char* name : {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Engine",
                           "Cisco Unified CCX Notification Service", "Cisco Unified CCX Socket.IO Service",
                           "Cisco Unified Intelligence Center Reporting Service"}) {
    EXPECT_TRUE(has(uccx, name)) << name;
  }
  EXPECT_TRUE(has(services_for(Product::socialminer), "SocialMiner Runtime"));
  EXPECT_TRUE(has(services_for(Product::mediasense), "MediaSense API service"));
  EXPECT_TRUE(has(services_for(Product::finesse), "Cisco Finesse Notification Service"));
  for (const char* name : {"Cisco UDS Tomcat", "Cisco AXL Tomcat"}) EXPECT_TRUE(has(services_for(Product::cucm), name));
}

TEST(ServicesTest, ATrustChangeReachesAServiceOnlyWhenThatServiceRestarts) {
  test::TempDir dir;
  const auto root = test::make_certificate("Services Root", true);
  for (Product product : {Product::uccx, Product::socialminer, Product::mediasense}) {
    SimNode node(NodeSpec{"n1", "n1.lab.example", "c", product, Role::publisher, "127.0.0.1", "12.5"},
                 dir.path() / trustctl::to_string(product));
    ASSERT_TRUE(node.load_or_initialize().has_value());
    const auto now = Clock::now();
    ASSERT_TRUE(node.import_trust({root.certificate}, now).front().ok());
    const std::string caller = product == Product::uccx          ? "Cisco Unified CCX Engine"
                               : product == Product::socialminer ? "SocialMiner Runtime"
                                                                 : "MediaSense API service";
    for (const auto& service : node.services()) {
      EXPECT_FALSE(loaded_trusts(node, service, root.certificate, now)) << service << ": not restarted yet";
    }
    node.begin_restart("Cisco Tomcat", now, 100ms);
    EXPECT_TRUE(loaded_trusts(node, "Cisco Tomcat", root.certificate, now + 200ms));
    EXPECT_FALSE(loaded_trusts(node, caller, root.certificate, now + 200ms)) << caller << " keeps its old trust";
    node.begin_restart(caller, now + 200ms, 100ms);
    EXPECT_FALSE(loaded_trusts(node, caller, root.certificate, now + 250ms)) << "still restarting";
    EXPECT_TRUE(loaded_trusts(node, caller, root.certificate, now + 400ms)) << caller;
  }
}

TEST(ServicesTest, ASystemRestartReloadsEveryService) {
  test::TempDir dir;
  const auto root = test::make_certificate("System Root", true);
  SimNode node(NodeSpec{"n1", "n1.lab.example", "c", Product::uccx, Role::publisher, "127.0.0.1", "12.5"},
               dir.path() / "n1");
  ASSERT_TRUE(node.load_or_initialize().has_value());
  const auto now = Clock::now();
  node.import_trust({root.certificate}, now);
  node.begin_system_restart(now, 100ms);
  for (const auto& service : node.services()) EXPECT_TRUE(loaded_trusts(node, service, root.certificate, now + 200ms)) << service;
}

}  // namespace
}  // namespace vossim
