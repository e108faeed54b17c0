#include "plans/presented.hpp"

#include "plans/diff.hpp"

#include "plan_fixtures.hpp"
#include "providers/vos/vos_units.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using trustctl::testing::fixed_certificate;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A UCCX pair whose nodes store `current` identities; each test says what the ports present.
struct Ports {
  trustctl::testing::PlanScenario s;
  Certificate uccx1 = fixed_certificate("uccx1-tomcat");
  Certificate uccx2 = fixed_certificate("uccx2-tomcat");
  Certificate uccx2_old = fixed_certificate("uccx2-tomcat-old");

  Ports() {
    s.live.nodes["uccx1"].identities["tomcat"] = {uccx1};
    s.live.nodes["uccx2"].identities["tomcat"] = {uccx2};
    present_everywhere("uccx1", uccx1);
    present_everywhere("uccx2", uccx2);
  }

  // Every port the provider lists, presenting `leaf`.
  void present_everywhere(const std::string& node, const Certificate& leaf) {
    const Node* n = s.site.find_node(node);
    auto& presented = s.live.nodes[node].presented;
    presented.clear();
    for (const auto& port : s.registry.find(Product::uccx)->service_ports(*n)) presented.push_back({port, {leaf}, ""});
  }

  PresentedPort& port(const std::string& node, int number) {
    for (auto& p : s.live.nodes[node].presented) {
      if (p.port.port == number) return p;
    }
    throw std::runtime_error("no port " + std::to_string(number));
  }
};

TEST(Presented, PortsPresentingTheStoredIdentityOweNothing) {
  Ports t;
  auto found = stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units());
  EXPECT_TRUE(found.restarts.empty());
  EXPECT_TRUE(found.notes.empty());
}

TEST(Presented, APortStillPresentingTheOldIdentityOwesItsServiceARestart) {
  Ports t;
  t.port("uccx2", 8445).chain = {t.uccx2_old};
  auto found = stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units());
  ASSERT_EQ(found.restarts.size(), 1u);
  EXPECT_EQ(found.restarts[0].node, "uccx2");
  EXPECT_EQ(found.restarts[0].service, "Cisco Finesse Tomcat") << "the ServicePort record names the service";
  EXPECT_EQ(found.restarts[0].reason, "port 8445 presents " + t.uccx2_old.short_fingerprint() +
                                          ", the node's tomcat identity is " + t.uccx2.short_fingerprint() +
                                          ": Cisco Finesse Tomcat was not restarted since the identity changed");
}

TEST(Presented, EveryStalePortOfOneServiceIsOneRestart) {
  Ports t;
  t.s.add_cluster("sm", Product::socialminer, {"sm1"});
  Certificate stored = fixed_certificate("fin1-tomcat"), old = fixed_certificate("uccx2-tomcat-old");
  t.s.live.nodes["sm1"].identities["tomcat"] = {stored};
  const Node* sm1 = t.s.site.find_node("sm1");
  for (const auto& port : t.s.registry.find(Product::socialminer)->service_ports(*sm1)) {
    t.s.live.nodes["sm1"].presented.push_back({port, {port.port == 8443 ? stored : old}, ""});
  }
  auto found = stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units());
  ASSERT_EQ(found.restarts.size(), 1u) << "443 and 7443 both belong to one service";
  EXPECT_EQ(found.restarts[0].node, "sm1");
  EXPECT_TRUE(contains(found.restarts[0].reason, "port 443 presents " + old.short_fingerprint() + ", port 7443 presents " +
                                                     old.short_fingerprint()))
      << found.restarts[0].reason;
}

TEST(Presented, APortThatDoesNotAnswerIsANoteNotARestart) {
  Ports t;
  auto& port = t.port("uccx1", 7443);
  port.chain.clear();
  port.error = "cannot probe 127.0.0.1:7443: Connection refused";
  auto found = stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units());
  EXPECT_TRUE(found.restarts.empty());
  ASSERT_EQ(found.notes.size(), 1u);
  EXPECT_TRUE(contains(found.notes[0], "uccx1:7443 (Cisco Unified CCX Notification Service) did not answer"))
      << found.notes[0];
  EXPECT_TRUE(contains(found.notes[0], "Connection refused")) << found.notes[0];
}

TEST(Presented, AnEcLeafIsComparedWithTomcatEcdsaOnlyWhenThatWasRead) {
  Ports t;
  Certificate ec = fixed_certificate("fin1-tomcat-ecdsa");
  t.port("uccx1", 8443).chain = {ec};
  EXPECT_TRUE(stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units()).restarts.empty())
      << "nothing read to compare an EC leaf with";
  t.s.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {ec};
  EXPECT_TRUE(stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units()).restarts.empty())
      << "it is the stored EC identity";
  t.s.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {t.uccx1};  // a stand-in for a newer stored EC identity
  auto found = stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units());
  ASSERT_EQ(found.restarts.size(), 1u);
  EXPECT_TRUE(contains(found.restarts[0].reason, "the node's tomcat-ECDSA identity is")) << found.restarts[0].reason;
}

TEST(Presented, ExternalHostsAndNodesWithoutAStoredIdentityAreNotJudged) {
  Ports t;
  t.s.add_cluster("gadgets", Product::external, {"gadget1"});
  t.s.live.nodes["gadget1"].identities["presented"] = {fixed_certificate("gadgets")};
  t.s.live.nodes["uccx2"].identities.clear();
  t.port("uccx2", 8445).chain = {t.uccx2_old};
  EXPECT_TRUE(stale_presented(t.s.site, t.s.live, trustctl::providers::vos_units()).restarts.empty());
}

TEST(Presented, PlanListsTheMissedRestartWithItsReason) {
  Ports t;
  t.s.site.clusters[0].nodes[1].region = SourceRegion{t.s.file, 12, 5};
  t.port("uccx2", 8445).chain = {t.uccx2_old};
  auto plan = t.s.plan();
  ASSERT_EQ(plan.graph.size(), 1u);
  const Action& restart = plan.graph.action(plan.order.front());
  EXPECT_EQ(restart.kind, ActionKind::restart_service);
  EXPECT_EQ(restart.node, "uccx2");
  EXPECT_EQ(restart.cluster, "uccx");
  EXPECT_EQ(restart.service, "Cisco Finesse Tomcat");
  EXPECT_TRUE(contains(restart.reason, "port 8445 presents " + t.uccx2_old.short_fingerprint())) << restart.reason;
  EXPECT_EQ(plan.summary().restarts, 1);
  ASSERT_TRUE(restart.region.has_value()) << "no rule asked for it: it names the node's entry in the site";
  EXPECT_EQ(restart.region->describe(), "sites/lab.toml:12:5");
}

TEST(Presented, ARestartAlreadyOwedKeepsItsOwnReasonAndIsNotDoubled) {
  Ports t;
  t.port("uccx2", 8445).chain = {t.uccx2_old};
  t.s.pending.push_back({"uccx2", "Cisco Finesse Tomcat", "uccx2:upload-trust:tomcat-trust:0123456789abcdef"});
  auto plan = t.s.plan();
  ASSERT_EQ(plan.graph.size(), 1u);
  const Action& restart = plan.graph.action(plan.order.front());
  EXPECT_TRUE(restart.pending_from_journal);
  EXPECT_TRUE(contains(restart.reason, "(journal)")) << restart.reason;
}

TEST(Presented, ManualRestartPolicyListsItForTheOperator) {
  Ports t;
  t.s.site.policy.restart = RestartPolicy::manual;
  t.port("uccx1", 8443).chain = {t.uccx2_old};
  auto plan = t.s.plan();
  EXPECT_EQ(plan.graph.size(), 0u);
  ASSERT_EQ(plan.manual_restarts.size(), 1u);
  EXPECT_EQ(plan.manual_restarts[0].service, "Cisco Tomcat");
}

TEST(Presented, APortThatDoesNotAnswerLeavesANoteInThePlan) {
  Ports t;
  t.port("uccx1", 12015).chain.clear();
  t.port("uccx1", 12015).error = "connection timed out after 30000 ms";
  auto plan = t.s.plan();
  EXPECT_TRUE(plan.empty());
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_TRUE(contains(plan.notes[0], "uccx1:12015")) << plan.notes[0];
}

}  // namespace
}  // namespace trustctl::plans
