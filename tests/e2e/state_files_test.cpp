// The state directory as trustctl finds it after crashes, kills and hand edits (journal, lock, managed record):
// damage is a clear error naming the file, line and key, never an abort; a journal cut mid-write, a killed apply's
// lock and an owed restart the site can no longer run each leave a way forward.

#include "support/lab.hpp"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Before, nlohmann's value() on a field of the wrong type aborted plan, apply, journal and unlock (exit 134).
TEST(StateFiles, DamagedStateFilesAreErrorsNamingFileLineAndKey) {
  Lab lab("state-damaged", {.subnet = 20});
  lab.start_sim();  // plan reads the journal and managed.json once the nodes are read
  const std::string journal = (lab.state() / "journal.jsonl").string();
  write_text(lab.state() / "journal.jsonl",
             "{\"event\":\"apply-start\",\"apply\":\"a1\"}\n{\"event\":\"restart-owed\",\"node\":5}\n");
  for (std::vector<std::string> args : {std::vector<std::string>{"plan"}, {"apply", "--auto-approve"}, {"journal"},
                                        {"journal", "--format", "json"}}) {
    args.insert(args.begin() + 1, lab.site().string());
    auto result = lab.trustctl(args);
    EXPECT_EQ(result.exit_code, 1) << args[0] << ": " << result.out << result.err;
    // In JSON (stdout) the quotes around "node" are escaped; the rest reads the same.
    EXPECT_TRUE(contains(result.out + result.err, journal + ":2: ")) << args[0] << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.out + result.err, "node")) << args[0] << ": " << result.out << result.err;
    EXPECT_TRUE(contains(result.out + result.err, " is a number, expected a string"))
        << args[0] << ": " << result.out << result.err;
  }
  std::filesystem::remove(lab.state() / "journal.jsonl");

  write_text(lab.state() / "managed.json", "{\"format_version\": 1, \"nodes\": {\"uccx1\": {\"tomcat-trust\": [7]}}}");
  auto plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(plan.exit_code, 1) << plan.err;
  EXPECT_TRUE(contains(plan.err, "managed.json is damaged: nodes.uccx1.tomcat-trust[0] is a number")) << plan.err;
  std::filesystem::remove(lab.state() / "managed.json");

  write_text(lab.state() / "lock", "{\"id\": \"abc\", \"host\": [\"h\"], \"pid\": 1}");
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(apply.exit_code, 1) << apply.err;
  EXPECT_TRUE(contains(apply.err, "lock: \"host\" is an array, expected a string")) << apply.err;
  auto unlock = lab.trustctl({"unlock", lab.site().string(), "--id", "abc"});
  EXPECT_EQ(unlock.exit_code, 1) << unlock.err;
  EXPECT_TRUE(contains(unlock.err, "run unlock again with --force")) << unlock.err;
  auto forced = lab.trustctl({"unlock", lab.site().string(), "--id", "abc", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_FALSE(std::filesystem::exists(lab.state() / "lock"));
}

// An apply a signal stopped ends with an apply-end record naming the signal: journal says so (no vos-sim needed).
TEST(StateFiles, AnApplyStoppedByASignalIsShownAsSuch) {
  Lab lab("state-signal", {.subnet = 20});
  write_text(lab.state() / "journal.jsonl",
             "{\"event\":\"apply-start\",\"apply\":\"s1\",\"user\":\"ops\",\"host\":\"h\"}\n"
             "{\"event\":\"apply-end\",\"apply\":\"s1\",\"done\":1,\"failed\":0,\"skipped\":3,"
             "\"interrupted_by\":\"SIGTERM\",\"ts\":\"2026-01-01T00:00:00.000Z\"}\n");
  auto text = lab.trustctl({"journal", lab.site().string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "(stopped by SIGTERM)")) << text.out;
  auto json = lab.trustctl({"journal", lab.site().string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["applies"][0]["interrupted_by"], "SIGTERM");
  EXPECT_EQ(doc["applies"][0]["interrupted"], true);
}

// The last record was cut mid-write (a kill during an append): a warning, and the next apply's records start on a
// line of their own. Before, they were glued to the cut one and every later plan stopped on that line.
TEST(StateFiles, AJournalEndingInACutRecordIsWarnedAboutAndApplyCarriesOn) {
  Lab lab("state-torn", {.subnet = 21});
  lab.start_sim();
  const std::string journal = (lab.state() / "journal.jsonl").string();
  write_text(lab.state() / "journal.jsonl",
             "{\"event\":\"apply-start\",\"apply\":\"old1\",\"user\":\"ops\",\"host\":\"h\",\"site_digest\":\"d\"}\n"
             "{\"event\":\"action-start\",\"apply\":\"old1\",\"acti");
  auto before = lab.trustctl({"journal", lab.site().string()});
  EXPECT_EQ(before.exit_code, 0) << before.out << before.err;
  EXPECT_TRUE(contains(before.err, "warning: " + journal + ":2: the last record was cut mid-write")) << before.err;
  EXPECT_TRUE(contains(before.out, "interrupted")) << before.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "No changes.")) << plan.out;
  auto after = lab.trustctl({"journal", lab.site().string()});
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_TRUE(contains(after.out, journal + ":2 holds a record cut mid-write")) << after.out;
  EXPECT_TRUE(contains(read_text(journal), "\"acti\n{\"event\":\"torn-record\"")) << "the cut bytes stay as they were";
}

// An apply that is still running keeps its lock against `unlock --id`; killed, it leaves a journal that
// `journal --format json` reads (before: exit 134 on the interrupted apply's missing end record).
TEST(StateFiles, ARunningApplyKeepsItsLockAndAKilledOneLeavesAReadableJournal) {
  Lab lab("state-killed", {.subnet = 22});
  lab.start_sim();
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
  auto holder = nlohmann::json::parse(read_text(lab.state() / "lock"));
  const std::string id = holder.at("id").get<std::string>();

  auto refused = lab.trustctl({"unlock", lab.site().string(), "--id", id});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_TRUE(contains(refused.err, "the lock's holder is still running (apply")) << refused.err;
  EXPECT_TRUE(std::filesystem::exists(lab.state() / "lock")) << "a live holder's lock stays";

  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  auto json = lab.trustctl({"journal", lab.site().string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.out << json.err;
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["applies"].size(), 1u) << json.out;
  EXPECT_EQ(doc["applies"][0]["apply"], id);
  EXPECT_EQ(doc["applies"][0]["interrupted"], true);
  EXPECT_EQ(doc["applies"][0]["finished"], "");
  EXPECT_FALSE(doc["pending_restarts"].empty()) << json.out;

  auto unlock = lab.trustctl({"unlock", lab.site().string(), "--id", id});
  EXPECT_EQ(unlock.exit_code, 0) << unlock.err;
  auto resumed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
}

// An owed restart for a node the site no longer has, or for a service its product does not have, used to become a
// restart action that failed every later apply. Plan reports it with the command that settles it; that command
// journals who forgot what.
TEST(StateFiles, AnOwedRestartTheSiteCannotRunIsReportedAndCanBeForgotten) {
  Lab lab("state-forget", {.subnet = 23});
  lab.start_sim();
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  {
    std::ofstream out(lab.state() / "journal.jsonl", std::ios::app);
    out << "{\"event\":\"restart-owed\",\"apply\":\"old\",\"node\":\"uccx9\",\"service\":\"Cisco Tomcat\","
           "\"owed_by\":\"uccx9:upload:Corp_Root_CA\"}\n"
        << "{\"event\":\"restart-owed\",\"apply\":\"old\",\"node\":\"uccx1\",\"service\":\"Cisco Retired Service\","
           "\"owed_by\":\"uccx1:upload:Corp_Root_CA\"}\n";
  }
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "No changes.")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "but the site has no node uccx9, so trustctl will not restart it")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "--forget-owed uccx9 --service 'Cisco Tomcat'")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "uccx has no service of that name")) << plan.out;
  // Nothing to run, so nothing fails; verify, which a lost restart must never pass, says how to settle these two.
  auto again = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_FALSE(contains(again.out, "Apply incomplete")) << again.out << again.err;
  EXPECT_EQ(lab.count_commands("uccx1", "utils service restart Cisco Retired Service"), 0);
  auto unsettled = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(unsettled.exit_code, 1) << unsettled.out;
  EXPECT_TRUE(contains(unsettled.out, "--forget-owed uccx1 --service 'Cisco Retired Service'")) << unsettled.out;

  auto lone = lab.trustctl({"journal", lab.site().string(), "--service", "Cisco Tomcat"});
  EXPECT_EQ(lone.exit_code, 1) << "--service needs --forget-owed";
  auto node = lab.trustctl({"journal", lab.site().string(), "--forget-owed", "uccx9"});
  EXPECT_EQ(node.exit_code, 0) << node.out << node.err;
  EXPECT_TRUE(contains(node.out, "Forgot 1 owed restart(s) on uccx9: Cisco Tomcat;")) << node.out;
  auto service = lab.trustctl(
      {"journal", lab.site().string(), "--forget-owed", "uccx1", "--service", "Cisco Retired Service"});
  EXPECT_EQ(service.exit_code, 0) << service.out << service.err;
  auto twice = lab.trustctl({"journal", lab.site().string(), "--forget-owed", "uccx9"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(contains(twice.err, "no restart is owed for uccx9")) << twice.err;

  auto listed = lab.trustctl({"journal", lab.site().string(), "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto doc = nlohmann::json::parse(listed.out);
  EXPECT_TRUE(doc["pending_restarts"].empty()) << listed.out;
  ASSERT_EQ(doc["forgotten_restarts"].size(), 2u) << listed.out;
  EXPECT_EQ(doc["forgotten_restarts"][0]["node"], "uccx9");
  EXPECT_FALSE(doc["forgotten_restarts"][0]["user"].get<std::string>().empty());
  EXPECT_FALSE(doc["forgotten_restarts"][1]["ts"].get<std::string>().empty());
  auto clean = lab.trustctl({"plan", lab.site().string()});
  EXPECT_FALSE(contains(clean.out, "uccx9")) << clean.out;
  auto verified = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
}  // namespace trustctl::testing
