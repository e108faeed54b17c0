// The change-window estimate (issue 15 point 3), trustctl against a real vos-sim whose timings the site's [timing]
// states: the estimate plan prints is checked against the apply it describes, and apply --deadline holds back a
// restart wave that cannot end in time, leaving its restarts owed for the next apply. Addresses: 127.0.176.x
// (estimate) and 127.0.177.x (deadline).

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

namespace trustctl::testing {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A model-correctness check with a generous margin (the "within 25%"), not a speed requirement: the apply is
// dominated by the restarts the simulator takes kRestartMs for, which the estimate must account for one by one.
TEST(ChangeWindow, ThePlansEstimateIsWithinAQuarterOfTheMeasuredApply) {
  constexpr int kRestartMs = 700, kLatencyMs = 20, kReplicationMs = 300;
  Lab lab("estimate", {.subnet = 176, .restart_ms = kRestartMs, .replication_delay_ms = kReplicationMs});
  lab.write_site("\n[timing]\ncommand_s = 0.02\nrestart_s = 0.7\nsystem_restart_s = 0.7\nreplication_s = 0.3\n");
  lab.start_sim({"--command-latency-ms", std::to_string(kLatencyMs)});

  auto text = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  ASSERT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_TRUE(contains(text.out, "Estimated duration: ")) << text.out;
  EXPECT_TRUE(contains(text.out, "(critical path); services down per node: uccx: uccx1 ")) << text.out;

  auto plan = lab.trustctl({"plan", lab.site().string(), "--format", "json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  json doc = json::parse(plan.out);
  const double estimate = doc["estimate"]["duration_s"].get<double>();
  ASSERT_EQ(doc["estimate"]["per_node"].size(), 2u) << doc["estimate"].dump();
  for (const auto& node : doc["estimate"]["per_node"]) {
    EXPECT_EQ(node["cluster"], "uccx");
    EXPECT_EQ(node["restarts"], 6) << node.dump();  // UCCX: six services, one after another
  }

  auto start = std::chrono::steady_clock::now();
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--no-verify"});
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  std::printf("estimate %.2f s, measured apply %.2f s (error %+.1f%%)\n", estimate, took,
              100 * (estimate - took) / took);
  EXPECT_NEAR(estimate, took, 0.25 * took) << "the estimate is off by more than 25%";
}

// A deadline the restart wave cannot meet: the uploads run, no restart starts, apply exits 1 naming the restarts it
// left owed; the next plan lists them as owed by an earlier apply, and a plain apply runs them.
TEST(ChangeWindow, ADeadlineTooShortForARestartWaveLeavesItsRestartsOwed) {
  Lab lab("deadline", {.subnet = 177});
  // The site says a restart takes a minute: each node's six need more than the two minutes the deadline leaves.
  lab.write_site("\n[timing]\ncommand_s = 1\nrestart_s = 60\n");
  lab.start_sim();

  auto bad = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--deadline", "soon"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "--deadline: 'soon' is not a deadline")) << bad.err;
  EXPECT_EQ(lab.count_commands("uccx1", "show cert list trust"), 0) << "a bad deadline is refused before any contact";

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--deadline", "2m", "--no-color"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.err, "--deadline 2m: restart waves not started")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "uccx1 needs about 6m")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "Left owed in the journal: uccx1 Cisco Tomcat")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "uccx2 Cisco Tomcat")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "run `trustctl apply " + lab.site().string())) << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 0) << node;
  }
  EXPECT_TRUE(lab.store_holds("uccx1", lab.root.certificate)) << "the writes before the wave were made";

  auto plan = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "owed by an earlier apply")) << plan.out;

  auto again = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--no-color"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
  auto settled = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  EXPECT_TRUE(contains(settled.out, "No changes.")) << settled.out;
}

}  // namespace
}  // namespace trustctl::testing
