// trustctl against a real vos-sim process over real SSH: plan, apply, plan again; and the ways it must refuse.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlanApply, UccxPairReachesTheDescribedTrustStateWithOneRestartPerService) {
  Lab lab("plan-apply", {.subnet = 61});
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "Plan: 2 to add, 0 to change, 0 to remove, 12 restarts.")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "wait for Corp Root CA")) << plan.out;
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 0) << "plan never writes";

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "Apply complete")) << apply.out;
  // Off a terminal (stderr is a pipe here) progress is one timestamped line per event, never a redrawn block.
  EXPECT_FALSE(contains(apply.err, "\033")) << apply.err;
  EXPECT_TRUE(std::regex_search(
      apply.err, std::regex(R"((^|\n)\d\d:\d\d:\d\d uccx1: upload Corp Root CA \([0-9a-f]{8}\) to tomcat-trust \.\.\.\n)")))
      << apply.err;
  EXPECT_TRUE(std::regex_search(
      apply.err, std::regex(R"((^|\n)\d\d:\d\d:\d\d uccx2: restart Cisco Tomcat done \(\d+\.\d s\)\n)")))
      << apply.err;

  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, lab.root.certificate)) << node;
    EXPECT_TRUE(lab.store_holds(node, lab.issuing.certificate)) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Finesse Tomcat"), 1) << node;
  }
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 2);
  EXPECT_EQ(lab.count_commands("uccx2", "set cert import trust tomcat"), 0) << "replicated, never written on uccx2";

  // Order on the publisher: the root before the intermediate, every import before the first restart.
  auto log = lab.commands("uccx1");
  std::vector<std::string> imported;
  std::size_t last_import = 0, first_restart = log.size();
  for (std::size_t k = 0; k < log.size(); ++k) {
    std::string command = log[k].value("command", "");
    if (command == "set cert import trust tomcat") {
      last_import = k;
      for (const auto& f : log[k].value("files", nlohmann::json::array())) imported.push_back(f);
    }
    if (command.rfind("utils service restart", 0) == 0 && first_restart == log.size()) first_restart = k;
  }
  ASSERT_EQ(imported.size(), 2u);
  EXPECT_TRUE(contains(imported[0], "Corp_Root_CA")) << imported[0];
  EXPECT_LT(last_import, first_restart);
  // Each restart's health check asks the CLI whether the service is still STARTED before anything else happens.
  for (std::size_t k = 0; k < log.size(); ++k) {
    if (log[k].value("command", "").rfind("utils service restart", 0) != 0) continue;
    ASSERT_LT(k + 1, log.size());
    EXPECT_EQ(log[k + 1].value("command", ""), "utils service list") << "after " << log[k].value("command", "");
  }

  // Rolling: uccx2 started restarting only after uccx1's last restart finished.
  auto last_ts = [](const std::vector<nlohmann::json>& l, bool first) {
    long long ts = first ? LLONG_MAX : 0;
    for (const auto& c : l) {
      if (c.value("command", "").rfind("utils service restart", 0) != 0) continue;
      long long t = c.value("ts_ms", 0LL);
      ts = first ? std::min(ts, t) : std::max(ts, t);
    }
    return ts;
  };
  EXPECT_LE(last_ts(lab.commands("uccx1"), false), last_ts(lab.commands("uccx2"), true));

  // Rolling means healthy first: Finesse reported IN_SERVICE on uccx1 before uccx2 began restarting.
  long long health_checked = 0;
  for (const auto& c : lab.commands("uccx1")) {
    if (c.value("channel", "") == "rest" && contains(c.value("command", ""), "/finesse/api/SystemInfo")) {
      health_checked = std::max(health_checked, c.value("ts_ms", 0LL));
    }
  }
  EXPECT_GT(health_checked, 0) << "the Finesse health check ran";
  EXPECT_LE(health_checked, last_ts(lab.commands("uccx2"), true));

  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "No changes.")) << again.out;

  auto journal = read_text(lab.state() / "journal.jsonl");
  EXPECT_TRUE(contains(journal, "\"event\":\"apply-start\"")) << journal;
  EXPECT_FALSE(contains(journal, "lab-secret-1")) << "secrets never reach the journal";
  EXPECT_EQ(lab.sim->stop(), 0) << "vos-sim exits cleanly on SIGTERM";
}

TEST(PlanApply, RestartsOwedByAnEarlierApplyStayPendingUntilTheyRun) {
  Lab lab("pending-restarts", {.subnet = 67});
  lab.write_site("\n[policy]\nrestart = \"manual\"\n");
  lab.start_sim();
  auto manual = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  // The writes are done, but no service has loaded them: verify (which ends apply) says so until the restarts run.
  EXPECT_EQ(manual.exit_code, 1) << manual.out << manual.err;
  EXPECT_TRUE(contains(manual.out, "pending for the operator")) << manual.out;
  EXPECT_TRUE(contains(manual.out, "Cisco Tomcat on uccx1 has not been restarted since")) << manual.out;
  EXPECT_EQ(lab.count_commands("uccx1", "utils service restart Cisco Tomcat"), 0);

  // The certificates are in place, but the restarts are still owed: the next plan says so.
  auto owed = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(owed.exit_code, 2) << owed.out << owed.err;
  EXPECT_TRUE(contains(owed.out, "owed by an earlier apply")) << owed.out;

  lab.write_site();  // back to rolling restarts
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 2) << "nothing uploaded twice";
  auto done = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(done.exit_code, 0) << done.out;
}

TEST(PlanApply, WrongPasswordIsOneClearErrorAndChangesNothing) {
  Lab lab("wrong-password", {.subnet = 62});
  lab.start_sim();
  write_text(lab.dir() / "secrets/os-admin", "not-the-password\n");
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_TRUE(contains(apply.err, "uccx1")) << apply.err;
  EXPECT_TRUE(contains(apply.err, "os-admin")) << apply.err;
  EXPECT_FALSE(contains(apply.err + apply.out, "not-the-password"));
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 0);
  EXPECT_FALSE(std::filesystem::exists(lab.state() / "journal.jsonl")) << "nothing started, nothing journaled";
}

TEST(PlanApply, UnknownHostKeyIsRefusedUnlessTrustOnFirstUse) {
  Lab lab("host-key", {.subnet = 63});
  lab.start_sim();
  std::filesystem::remove(lab.state() / "known_hosts");
  auto plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_TRUE(contains(plan.err, "known_hosts")) << plan.err;
  EXPECT_TRUE(contains(plan.err, "--trust-on-first-use")) << plan.err;
  EXPECT_TRUE(contains(plan.err, "SHA256:")) << plan.err;

  auto tofu = lab.trustctl({"plan", lab.site().string(), "--trust-on-first-use"});
  EXPECT_EQ(tofu.exit_code, 0) << tofu.out << tofu.err;
  auto recorded = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(recorded.exit_code, 0) << "the key was recorded: " << recorded.err;
}

TEST(PlanApply, ChangedHostKeyIsRefused) {
  Lab lab("changed-key", {.subnet = 64});
  lab.start_sim();
  // Replace uccx1's recorded key with another real key: what a man in the middle would present.
  auto keygen = run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (lab.dir() / "other").string()});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  std::istringstream pub(read_text(lab.dir() / "other.pub"));
  std::string key_type, key_blob;
  pub >> key_type >> key_blob;
  std::istringstream lines(read_text(lab.state() / "known_hosts"));
  std::string line, rewritten;
  while (std::getline(lines, line)) {
    if (contains(line, lab.address(1))) line = line.substr(0, line.find(' ')) + " " + key_type + " " + key_blob;
    rewritten += line + "\n";
  }
  write_text(lab.state() / "known_hosts", rewritten);
  auto plan = lab.trustctl({"plan", lab.site().string(), "--trust-on-first-use"});
  EXPECT_EQ(plan.exit_code, 1) << plan.out;
  EXPECT_TRUE(contains(plan.err, "uccx1")) << plan.err;
  EXPECT_TRUE(contains(plan.err, "changed") || contains(plan.err, "CHANGED") || contains(plan.err, "does not match"))
      << plan.err;
}

TEST(PlanApply, MalformedSiteIsOneClearErrorWithItsPosition) {
  Lab lab("malformed", {.subnet = 65});
  lab.write_site("\n[policy]\nrestart = \"sometimes\"\n");
  auto validate = lab.trustctl({"validate", lab.site().string()});
  EXPECT_EQ(validate.exit_code, 1);
  EXPECT_TRUE(contains(validate.err, lab.site().string() + ":")) << validate.err;
  EXPECT_TRUE(contains(validate.err, "restart")) << validate.err;

  auto plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(lab.state() / "journal.jsonl"));
}

TEST(PlanApply, ValidSiteValidates) {
  Lab lab("valid", {.subnet = 66});
  auto validate = lab.trustctl({"validate", lab.site().string()});
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_TRUE(contains(validate.out, "valid")) << validate.out;
}

}  // namespace
}  // namespace trustctl::testing
