// The planner's stages one at a time (plans/plan_stages.hpp): what each adds to the draft, and what it leaves to the
// stages after it. make_plan as a whole is tested in diff_test.cpp.

#include "plans/plan_stages.hpp"

#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

struct UccxPair {
  testing::TestCa root = testing::make_root("Corp Root");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  UccxPair() {
    site.name = "lab";
    site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    site.trust.push_back(testing::trust_cluster("uccx", {root.certificate}));
    live.nodes["uccx1"].node = "uccx1";
    live.nodes["uccx2"].node = "uccx2";
  }
  std::size_t count(const Plan& plan, ActionKind kind) const {
    std::size_t n = 0;
    for (const auto& a : plan.graph.actions()) n += a.kind == kind ? 1 : 0;
    return n;
  }
};

TEST(PlanStages, ResolveTurnsRulesIntoRequirementsAndAddsNoAction) {
  UccxPair t;
  PlanDraft draft(t.site, t.live, t.registry);
  ASSERT_TRUE(resolve(draft, now_utc()));
  EXPECT_EQ(draft.requirements.size(), 2u) << "one per node of the cluster";
  EXPECT_EQ(draft.plan.graph.size(), 0u);
  EXPECT_EQ(draft.plan.observed.size(), 2u) << "what the plan was computed from is recorded from the start";
}

TEST(PlanStages, DiffWritesThePublisherWaitsOnTheSubscriberAndOwesRestartsWithoutPlanningThem) {
  UccxPair t;
  PlanDraft draft(t.site, t.live, t.registry);
  ASSERT_TRUE(resolve(draft, now_utc()));
  ASSERT_TRUE(diff_trust(draft));
  EXPECT_EQ(t.count(draft.plan, ActionKind::upload_trust), 1u);
  EXPECT_EQ(t.count(draft.plan, ActionKind::wait_replication), 1u);
  EXPECT_EQ(t.count(draft.plan, ActionKind::restart_service), 0u) << "restarts are the restart stage's";
  EXPECT_FALSE(draft.restarts.items().empty()) << "but the change already owes them";
}

TEST(PlanStages, RestartsBecomeActionsEachOnceAndTheWritesCarryWhatTheyOwe) {
  UccxPair t;
  PlanDraft draft(t.site, t.live, t.registry);
  ASSERT_TRUE(resolve(draft, now_utc()));
  ASSERT_TRUE(diff_trust(draft));
  plan_restarts(draft, {});
  auto restarts = t.count(draft.plan, ActionKind::restart_service);
  EXPECT_EQ(restarts, draft.restarts.items().size());
  for (const auto& a : draft.plan.graph.actions()) {
    if (a.kind == ActionKind::upload_trust) {
      EXPECT_EQ(a.owes.size(), restarts) << "the publisher's upload owes its own and the subscriber's restarts";
    }
  }
  EXPECT_TRUE(draft.plan.order.empty()) << "ordering is the last stage's";
  ASSERT_TRUE(order(draft));
  EXPECT_EQ(draft.plan.order.size(), draft.plan.graph.size());
}

TEST(PlanStages, NothingToDoLeavesEveryStageEmpty) {
  UccxPair t;
  for (const char* node : {"uccx1", "uccx2"}) {
    t.live.nodes[node].stores["tomcat-trust"].push_back(
        {"tomcat-trust/" + t.root.certificate.trust_file_name(), t.root.certificate});
  }
  PlanDraft draft(t.site, t.live, t.registry);
  ASSERT_TRUE(resolve(draft, now_utc()));
  ASSERT_TRUE(diff_trust(draft));
  add_identities(draft);
  prune(draft, nullptr);
  plan_restarts(draft, {});
  ASSERT_TRUE(order(draft));
  EXPECT_EQ(draft.plan.graph.size(), 0u);
}

TEST(PlanStages, AnOwedRestartFromTheJournalIsPlannedEvenWithoutAChange) {
  UccxPair t;
  for (const char* node : {"uccx1", "uccx2"}) {
    t.live.nodes[node].stores["tomcat-trust"].push_back(
        {"tomcat-trust/" + t.root.certificate.trust_file_name(), t.root.certificate});
  }
  PlanDraft draft(t.site, t.live, t.registry);
  ASSERT_TRUE(resolve(draft, now_utc()));
  ASSERT_TRUE(diff_trust(draft));
  PendingRestart owed;
  owed.node = "uccx2";
  owed.service = "Cisco Tomcat";
  owed.owed_by = "uccx1:upload-trust:tomcat-trust:abc";
  plan_restarts(draft, {owed});
  ASSERT_EQ(t.count(draft.plan, ActionKind::restart_service), 1u);
  EXPECT_TRUE(draft.plan.graph.actions().front().pending_from_journal);
}

}  // namespace
}  // namespace trustctl::plans
