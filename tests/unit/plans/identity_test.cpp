#include "plans/diff.hpp"
#include "plans/identity.hpp"

#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using testing::make_cluster;
using testing::make_leaf;
using testing::make_root;

struct LabCa {
  testing::TestCa ca = make_root("Lab CA");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  LabCa() {
    CaEntry entry;
    entry.name = "lab-ca";
    entry.certificates = {ca.certificate};
    entry.local_key = "/nonexistent/lab-ca.key";  // the planner never reads the key; the runner does
    site.cas.push_back(entry);
    site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    IdentityPolicy policy;
    policy.unit = "tomcat";
    policy.issuer = "lab-ca";
    policy.region.line = 20;
    site.clusters[0].identities.push_back(policy);
    for (const char* n : {"uccx1", "uccx2"}) {
      live.nodes[n].node = n;
      live.nodes[n].identities["tomcat"] = {make_root(std::string(n) + ".lab.example").certificate};
    }
  }
};

TEST(Identity, RenewalWindowDefaultsToTheLastThirdAndAtLeast30Days) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto long_lived = *pki::self_signed({.common_name = "a", .days = 900}, key);
  auto short_lived = *pki::self_signed({.common_name = "b", .days = 60}, key);
  EXPECT_EQ(renewal_window_days(long_lived, std::nullopt), 300);
  EXPECT_EQ(renewal_window_days(short_lived, std::nullopt), 30);
  EXPECT_EQ(renewal_window_days(long_lived, 45), 45);
}

TEST(Identity, SelfSignedNodesUnderALocalCaPolicyAreRenewedAfterTheCaIsTrusted) {
  LabCa t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::map<std::string, std::size_t> renew_at, trust_at;
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind == ActionKind::renew_identity) renew_at[a.node] = k;
    if ((a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) && a.certificate &&
        *a.certificate == t.ca.certificate) {
      trust_at[a.node] = k;
    }
  }
  ASSERT_EQ(renew_at.size(), 2u);
  ASSERT_EQ(trust_at.size(), 2u);
  EXPECT_LT(trust_at["uccx1"], renew_at["uccx1"]) << "rule 2: trust before identity";
  EXPECT_LT(trust_at["uccx2"], renew_at["uccx2"]);
  EXPECT_LT(renew_at["uccx1"], renew_at["uccx2"]) << "rule 5: publisher first";
  EXPECT_EQ(plan->summary().change, 2);
}

TEST(Identity, AnIdentityAlreadySignedByThePolicyCaNeedsNothing) {
  LabCa t;
  for (const char* n : {"uccx1", "uccx2"}) {
    t.live.nodes[n].identities["tomcat"] = {make_leaf(std::string(n) + ".lab.example", t.ca)};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  EXPECT_TRUE(plan->empty());
}

TEST(Identity, AnIdentityInsideItsRenewalWindowIsRenewed) {
  LabCa t;
  auto key = *pki::KeyPair::generate("ec-256");
  for (const char* n : {"uccx1", "uccx2"}) {
    std::string fqdn = std::string(n) + ".lab.example";
    t.live.nodes[n].identities["tomcat"] = {*pki::issue_certificate(
        {.common_name = fqdn, .dns_names = {fqdn}, .days = 100, .not_before_offset_days = -90}, key,
        &t.ca.certificate, t.ca.key)};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto changes = plan_identities(t.site, t.live, std::chrono::system_clock::now());
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->actions.size(), 2u);
  EXPECT_NE(changes->actions[0].reason.find("TC006"), std::string::npos) << changes->actions[0].reason;
}

TEST(Identity, SelfPolicyRegeneratesACaSignedIdentityAndSaysPeersFollowLater) {
  LabCa t;
  t.site.clusters[0].identities[0].issuer = "self";
  t.live.nodes["uccx1"].identities["tomcat"] = {make_leaf("uccx1.lab.example", t.ca)};
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  ASSERT_EQ(plan->graph.size() > 0, true);
  bool regen = false;
  for (const auto& a : plan->graph.actions()) regen = regen || (a.kind == ActionKind::regenerate_identity && a.node == "uccx1");
  EXPECT_TRUE(regen);
  ASSERT_EQ(plan->notes.size(), 1u);
  EXPECT_NE(plan->notes[0].find("run plan again"), std::string::npos);
}

TEST(Identity, ACaWithoutLocalKeyIsAClearErrorAtThePolicy) {
  LabCa t;
  t.site.cas[0].local_key.reset();
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().region->line, 20);
  EXPECT_NE(plan.error().message.find("local_key"), std::string::npos);
}

}  // namespace
}  // namespace trustctl::plans
