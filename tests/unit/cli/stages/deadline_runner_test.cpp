#include "cli/stages/deadline_runner.hpp"

#include <gtest/gtest.h>

namespace trustctl::cli {
namespace {

using namespace std::chrono_literals;

// The clock the runner reads: tests move it.
WallClock::time_point g_now = WallClock::from_time_t(1'800'000'000);
WallClock::time_point fake_now() { return g_now; }

class Recorder final : public ActionRunner {
 public:
  Result<void> run(const Action& action) override {
    ran.push_back(action.id());
    return {};
  }
  std::vector<std::string> ran;
};

Action restart(const std::string& node, const std::string& service) {
  Action a;
  a.kind = ActionKind::restart_service;
  a.node = node;
  a.cluster = "uccx";
  a.service = service;
  return a;
}

// uccx1 and uccx2 restart two services each, one after the other (together: at once); a restart costs 1 + 100 + 1 s
// with these timings.
plans::Plan plan_of_two_nodes(bool together = false) {
  plans::Plan plan;
  plan.timing.command_s = 1;
  plan.timing.restart_s = 100;
  for (const char* node : {"uccx1", "uccx2"}) {
    auto tomcat = plan.graph.add(restart(node, "Cisco Tomcat"));
    auto engine = plan.graph.add(restart(node, "Cisco Unified CCX Engine"));
    if (!together) plan.graph.order(tomcat, engine, "restarts-last");
  }
  Action upload;
  upload.kind = ActionKind::upload_trust;
  upload.node = "uccx1";
  plan.graph.add(upload);
  plan.order = *plan.graph.topological_order();
  return plan;
}

TEST(DeadlineRunner, StartsAWaveThatEndsInTimeAndFinishesItWhateverTheClock) {
  plans::Plan plan = plan_of_two_nodes();
  Recorder inner;
  DeadlineRunner runner(inner, plan, g_now + 205s, &fake_now);  // uccx1's wave needs 204 s
  ASSERT_TRUE(runner.run(plan.graph.action(0)));
  g_now += 200s;  // the wave is under way: its second restart runs although the deadline is near
  ASSERT_TRUE(runner.run(plan.graph.action(1)));
  g_now -= 200s;
  EXPECT_EQ(inner.ran.size(), 2u);
  EXPECT_TRUE(runner.refused().empty());
}

TEST(DeadlineRunner, RefusesAWaveThatWouldEndAfterTheDeadlineBeforeSendingAnything) {
  plans::Plan plan = plan_of_two_nodes();
  Recorder inner;
  DeadlineRunner runner(inner, plan, g_now + 203s, &fake_now);  // one second short
  ASSERT_TRUE(runner.run(plan.graph.action(4)));  // not a restart: never held back
  auto refused = runner.run(plan.graph.action(0));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::cancelled);
  EXPECT_EQ(refused.error().node, "uccx1");
  EXPECT_NE(refused.error().message.find("uccx1's restarts need about 3m 24s"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("stay owed in the journal"), std::string::npos) << refused.error().message;
  EXPECT_EQ(inner.ran.size(), 1u) << "the refused restart reached the appliance";
  ASSERT_EQ(runner.refused().size(), 1u);
  EXPECT_EQ(runner.refused()[0].node, "uccx1");
  EXPECT_DOUBLE_EQ(runner.refused()[0].needs_s, 204);
  EXPECT_DOUBLE_EQ(runner.refused()[0].left_s, 203);
}

TEST(DeadlineRunner, APassedDeadlineLeavesNoTime) {
  plans::Plan plan = plan_of_two_nodes();
  Recorder inner;
  DeadlineRunner runner(inner, plan, g_now - 10s, &fake_now);
  auto refused = runner.run(plan.graph.action(2));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("no time is left"), std::string::npos) << refused.error().message;
  EXPECT_DOUBLE_EQ(runner.refused()[0].left_s, 0);
}

TEST(DeadlineRunner, RestartsTogetherAreOneWaveAsLongAsTheLongestAndRefusedOnce) {
  plans::Plan plan = plan_of_two_nodes(true);
  Recorder inner;
  DeadlineRunner runner(inner, plan, g_now + 101s, &fake_now);  // together, uccx1's wave needs 102 s
  auto first = runner.run(plan.graph.action(0));
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("need about 1m 42s"), std::string::npos) << first.error().message;
  auto second = runner.run(plan.graph.action(1));  // started beside the first: the same wave
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::cancelled);
  EXPECT_TRUE(inner.ran.empty());
  ASSERT_EQ(runner.refused().size(), 1u) << "one wave, refused once";

  DeadlineRunner in_time(inner, plan, g_now + 103s, &fake_now);
  EXPECT_TRUE(in_time.run(plan.graph.action(2)));
  EXPECT_TRUE(in_time.run(plan.graph.action(3)));
  EXPECT_TRUE(in_time.refused().empty());
}

}  // namespace
}  // namespace trustctl::cli
