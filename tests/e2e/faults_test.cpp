// Faults injected into a real vos-sim: each ends, after one more apply at most, in the wanted state with every
// restart done exactly as owed.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Faults, AConnectionDroppedAfterTheUploadCommittedIsRetriedAndEndsWell) {
  Lab lab("fault-drop", {.subnet = 74});
  lab.start_sim();
  auto injected = lab.fault({{"node", "uccx1"}, {"kind", "drop_after_commit"}, {"match", "set cert import trust"},
                             {"count", 1}});
  ASSERT_EQ(injected.exit_code, 0) << injected.err;
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.err, "attempt 2")) << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, lab.root.certificate)) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
}

TEST(Faults, AFailedRestartStaysOwedAndTheNextApplyRunsIt) {
  Lab lab("fault-restart", {.subnet = 75});
  lab.start_sim();
  auto injected = lab.fault({{"node", "uccx1"}, {"kind", "restart_fails"}, {"match", "Cisco Finesse Tomcat"},
                             {"count", 1}});
  ASSERT_EQ(injected.exit_code, 0) << injected.err;
  auto first = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(first.exit_code, 1) << first.out;
  EXPECT_TRUE(contains(first.out, "Apply incomplete")) << first.out;
  EXPECT_EQ(lab.count_commands("uccx2", "utils service restart Cisco Tomcat"), 0)
      << "rolling: uccx2 never went down while uccx1 was unhealthy";

  auto owed = lab.trustctl({"plan", lab.site().string()});
  EXPECT_TRUE(contains(owed.out, "owed by an earlier apply")) << owed.out;
  auto second = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(lab.count_commands("uccx1", "utils service restart Cisco Tomcat"), 1) << "done once, not repeated";
  EXPECT_EQ(lab.count_commands("uccx1", "utils service restart Cisco Finesse Tomcat"), 2) << "failed, then done";
  EXPECT_EQ(lab.count_commands("uccx2", "utils service restart Cisco Finesse Tomcat"), 1);
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 2) << "uploads are not repeated";
}

TEST(Faults, ASessionTheNodeLoggedOutWhileIdleIsReopenedWithoutFailingAnAction) {
  Lab lab("fault-idle", {.subnet = 77});
  // The CLI logs out a session idle for 1.5 s. Every command takes 0.4 s, so uccx2's session sits idle in the pool
  // while uccx1 restarts its services one by one, and is gone when uccx2's turn comes.
  lab.start_sim({"--cli-idle-timeout-ms", "1500", "--command-latency-ms", "400"});
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(lab.sim->stderr_text(), "uccx2 (" + lab.address(2) + ":2222): idle timeout"))
      << "the node must have logged out an idle session for this test to mean anything";
  EXPECT_FALSE(contains(apply.err, "attempt 2")) << "no action failed for it: " << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, lab.root.certificate)) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
}

TEST(Faults, ACrashBetweenUploadAndRestartLosesNoRestart) {
  Lab lab("fault-crash", {.subnet = 76});
  lab.start_sim();
  // Hold the first restart long enough to kill trustctl while it waits for it.
  auto injected = lab.fault({{"node", "uccx1"}, {"kind", "delay"}, {"match", "utils service restart Cisco Tomcat"},
                             {"delay_ms", 20000}, {"count", 1}});
  ASSERT_EQ(injected.exit_code, 0) << injected.err;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(TRUSTCTL_BIN, TRUSTCTL_BIN, "apply", lab.site().c_str(), "--auto-approve", static_cast<char*>(nullptr));
    _exit(127);
  }
  bool restarting = false;
  for (int i = 0; i < 300 && !restarting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto journal = read_text(lab.state() / "journal.jsonl");
    restarting = contains(journal, "\"action\":\"uccx1:restart:Cisco Tomcat\",\"apply\"") &&
                 contains(journal, "\"event\":\"action-start\",\"format_version\":1,\"kind\":\"restart\"");
  }
  ASSERT_TRUE(restarting) << read_text(lab.state() / "journal.jsonl");
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);

  auto locked = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(locked.exit_code, 1);
  EXPECT_TRUE(contains(locked.err, "stale lock")) << locked.err;
  auto at = locked.err.find("--id ");
  ASSERT_NE(at, std::string::npos);
  std::string id = locked.err.substr(at + 5, 12);
  auto unlock = lab.trustctl({"unlock", lab.site().string(), "--id", id});
  ASSERT_EQ(unlock.exit_code, 0) << unlock.err;

  auto journal = lab.trustctl({"journal", lab.site().string()});
  EXPECT_TRUE(contains(journal.out, "interrupted")) << journal.out;
  EXPECT_TRUE(contains(journal.out, "Restarts still owed")) << journal.out;

  auto resumed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_TRUE(contains(resumed.out, "owed by an earlier apply")) << resumed.out;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, lab.issuing.certificate)) << node;
    EXPECT_GE(lab.count_commands(node, "utils service restart Cisco Unified CCX Socket.IO Service"), 1) << node;
  }
  auto done = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(done.exit_code, 0) << done.out;
}

}  // namespace
}  // namespace trustctl::testing
