// What trustctl promises in a change window, proven against a real vos-sim: a committed change never loses its
// restarts (a dropped session, a SIGKILL at any moment, a SIGTERM), verify never passes a service that missed one,
// a saved plan runs only exactly as reviewed, and a failed restart is recovered by the next apply.

#include "engine/state/journal.hpp"
#include "support/forged_pem.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <random>
#include <thread>

namespace trustctl::testing {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The lab's site with only the root in UCCX's trust: one upload on the publisher, replicated to the subscriber.
void one_upload_site(Lab& lab) {
  std::string text = read_text(lab.site());
  auto at = text.find("certificates = [\"corp-root\", \"corp-issuing\"]");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("certificates = [\"corp-root\", \"corp-issuing\"]").size(),
               "certificates = [\"corp-root\"]");
  write_text(lab.site(), text);
}

RunResult clear_faults(const Lab& lab, const std::string& control) {
  std::string token = read_text(lab.sim_state() / "control.token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return run({"/usr/bin/curl", "-sS", "-f", "-X", "DELETE", "-H", "Authorization: Bearer " + token,
              "http://" + control + "/faults"});
}

std::string control_address(const Lab& lab) {
  const std::string& ready = lab.sim->ready_output();
  auto at = ready.find("control=");
  auto end = ready.find_first_of(" \n", at);
  return ready.substr(at + 8, end - at - 8);
}

// The time (ms) of the last successful trust import on a node, 0 when none.
long long last_import(const Lab& lab, const std::string& node) {
  long long t = 0;
  for (const auto& c : lab.commands(node)) {
    if (c.value("command", "") == "set cert import trust tomcat" && c.value("result", "") == "ok") {
      t = c.value("ts_ms", 0LL);
    }
  }
  return t;
}

// Every service UCCX restarts after a trust change ran to completion on the node after `since` (ms).
void expect_restarted_after(const Lab& lab, const std::string& node, long long since) {
  for (const char* service : {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Notification Service",
                              "Cisco Unified CCX Socket.IO Service",
                              "Cisco Unified Intelligence Center Reporting Service"}) {
    bool after = false;
    for (const auto& c : lab.commands(node)) {
      after = after || (c.value("command", "") == std::string("utils service restart ") + service &&
                        c.value("result", "") == "ok" && c.value("ts_ms", 0LL) >= since);
    }
    EXPECT_TRUE(after) << node << ": " << service << " was not restarted after the last trust change";
  }
}

TEST(Reliability, ADroppedSessionAfterACommittedImportLeavesItsRestartsOwedAndVerifyFails) {
  Lab lab("owed-drop", {.subnet = 182});
  one_upload_site(lab);
  lab.start_sim();
  ASSERT_EQ(lab.fault({{"node", "uccx1"}, {"kind", "drop_after_commit"}, {"match", "set cert import trust"},
                       {"count", 0}})
                .exit_code,
            0);
  auto failed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  ASSERT_TRUE(lab.store_holds("uccx1", lab.root.certificate)) << "the appliance committed the import";
  ASSERT_EQ(clear_faults(lab, control_address(lab)).exit_code, 0);

  // The store holds the root now, but no service has loaded it: the restarts are owed, not lost.
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out;
  EXPECT_TRUE(contains(plan.out, "restart Cisco Tomcat")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "owed by an earlier apply")) << plan.out;
  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 1) << verify.out;
  EXPECT_TRUE(contains(verify.out, "has not been restarted since")) << verify.out;

  auto fixed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  for (const char* node : {"uccx1", "uccx2"}) expect_restarted_after(lab, node, last_import(lab, "uccx1"));
  EXPECT_EQ(lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"}).exit_code, 0);
  EXPECT_EQ(lab.trustctl({"verify", lab.site().string()}).exit_code, 0);
}

// ---- saved plans: applied exactly as reviewed, or not at all ----

json read_json(const std::filesystem::path& path) { return json::parse(read_text(path)); }

// Removes every restart action, and the edges that name one, keeping the file decodable.
void drop_restarts(json& plan) {
  json kept = json::array();
  std::vector<long long> index_of;
  for (auto& a : plan["actions"]) {
    index_of.push_back(a["kind"] == "restart" ? -1 : static_cast<long long>(kept.size()));
    if (a["kind"] != "restart") kept.push_back(a);
  }
  json edges = json::array();
  for (auto& e : plan["edges"]) {
    long long before = index_of[e["before"].get<std::size_t>()];
    long long after = index_of[e["after"].get<std::size_t>()];
    if (before >= 0 && after >= 0) edges.push_back({{"before", before}, {"after", after}, {"rule", e["rule"]}});
  }
  plan["actions"] = kept;
  plan["edges"] = edges;
}

// Adds an upload of a CA nobody reviewed, as a well-formed action with its certificate in the table.
void add_foreign_upload(json& plan, const Certificate& foreign) {
  json action = plan["actions"][0];
  action["certificate"] = {{"fingerprint_sha256", foreign.fingerprint()},
                           {"subject", foreign.subject()},
                           {"issuer", foreign.issuer()},
                           {"serial", foreign.serial_hex()}};
  action["id"] = "uccx1:upload-trust:tomcat-trust:" + foreign.short_fingerprint();
  action["reason"] = "slipped in after review";
  action["after"] = json::array();
  plan["certificates"][foreign.fingerprint()] = foreign.pem();
  plan["actions"].insert(plan["actions"].begin(), action);
  for (auto& e : plan["edges"]) {
    e["before"] = e["before"].get<long long>() + 1;
    e["after"] = e["after"].get<long long>() + 1;
  }
}

class EditedSavedPlan : public ::testing::TestWithParam<int> {};

TEST_P(EditedSavedPlan, IsRefusedWithItsDifferencesAndNothingWritten) {
  Lab lab("edited-plan-" + std::to_string(GetParam()), {.subnet = 183 + GetParam()});
  lab.start_sim();
  auto file = lab.dir() / "saved.tfplan";
  auto planned = lab.trustctl({"plan", lab.site().string(), "--out", file.string()});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  json plan = read_json(file);
  std::string expect;
  switch (GetParam()) {
    case 0:
      drop_restarts(plan);
      expect = "restart";
      break;
    case 1:
      add_foreign_upload(plan, make_root("Foreign Root CA").certificate);
      expect = "holds it but it would not run now";
      break;
    default: {
      std::string& reason = plan["actions"][0]["reason"].get_ref<std::string&>();
      reason[0] = reason[0] == 'x' ? 'y' : 'x';
      expect = "reason";
    }
  }
  write_text(file, plan.dump(2));
  auto apply = lab.trustctl({"apply", file.string()});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.err, "is stale: it is not what would be planned now")) << apply.err;
  EXPECT_TRUE(contains(apply.err, expect)) << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    for (const auto& c : lab.commands(node)) {
      std::string command = c.value("command", "");
      bool writes = (command.starts_with("set ") && !command.starts_with("set cli ")) ||
                    command.starts_with("utils service restart");
      EXPECT_FALSE(writes)
          << node << " was changed: " << command;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Edits, EditedSavedPlan, ::testing::Values(0, 1, 2),
                         [](const auto& info) {
                           return std::string(info.param == 0   ? "RestartsRemoved"
                                              : info.param == 1 ? "ForeignCaAdded"
                                                                : "OneByteOfAReason");
                         });

// apply does not decode a saved plan's certificates (it runs the plan it recomputes, once the two are identical): bytes
// that are no certificate at all, named by their own SHA-256 in place of a reviewed one, must still be refused.
TEST(Reliability, ASavedPlanWhoseCertificateIsNoCertificateIsRefusedAsStale) {
  Lab lab("forged-certificate", {.subnet = 232});
  lab.start_sim();
  auto file = lab.dir() / "saved.tfplan";
  auto planned = lab.trustctl({"plan", lab.site().string(), "--out", file.string()});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  json plan = read_json(file);
  const ForgedPem forged = pem_block_of("not a certificate, but named by its own SHA-256");
  const std::string& fingerprint = forged.fingerprint;
  std::string reviewed;
  for (const auto& a : plan["actions"]) {
    if (a["kind"] == "upload-trust" && a.contains("certificate") && reviewed.empty()) {
      reviewed = a["certificate"]["fingerprint_sha256"];
    }
  }
  for (auto& a : plan["actions"]) {  // the upload and the waits for its replication
    if (!a.contains("certificate") || a["certificate"]["fingerprint_sha256"] != reviewed) continue;
    a["certificate"]["fingerprint_sha256"] = fingerprint;
    std::string id = a["id"];
    a["id"] = id.substr(0, id.size() - 16) + fingerprint.substr(0, 16);
  }
  ASSERT_FALSE(reviewed.empty()) << "the lab's plan uploads a certificate";
  plan["certificates"].erase(reviewed);
  plan["certificates"][fingerprint] = forged.pem;
  write_text(file, plan.dump(2));

  auto apply = lab.trustctl({"apply", file.string()});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.err, "is stale: it is not what would be planned now")) << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    for (const auto& c : lab.commands(node)) {
      std::string command = c.value("command", "");
      EXPECT_FALSE((command.starts_with("set ") && !command.starts_with("set cli ")) ||
                   command.starts_with("utils service restart"))
          << node << " was changed: " << command;
    }
  }
  // Read to be shown, the same file is refused outright: there each certificate's names are read from it.
  auto shown = lab.trustctl({"plan", "--from", file.string()});
  EXPECT_EQ(shown.exit_code, 1) << shown.out << shown.err;
  EXPECT_TRUE(contains(shown.err, "expected exactly one PEM certificate")) << shown.err;
}

TEST(Reliability, AnUneditedSavedPlanWithAnyNameIsAppliedWithoutAPrompt) {
  Lab lab("saved-any-name", {.subnet = 186});
  lab.start_sim();
  auto file = lab.dir() / "plan.out";
  auto planned = lab.trustctl({"plan", lab.site().string(), "--out", file.string()});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  EXPECT_TRUE(contains(planned.err, "trustctl apply " + file.string())) << planned.err;
  auto apply = lab.trustctl({"apply", file.string()});  // no --auto-approve, no terminal: reviewing was the approval
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(lab.store_holds("uccx2", lab.issuing.certificate));
}

// ---- signals and kills ----

pid_t start_apply(const Lab& lab, const std::filesystem::path& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(out, 2);
    execl(TRUSTCTL_BIN, TRUSTCTL_BIN, "apply", lab.site().c_str(), "--auto-approve", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

template <typename Condition>
bool wait_until(Condition condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(Reliability, SigtermStopsNewActionsEndsTheJournalReleasesTheLockAndLosesNoRestart) {
  Lab lab("sigterm", {.subnet = 187});
  lab.start_sim();
  ASSERT_EQ(lab.fault({{"node", "uccx1"}, {"kind", "delay"}, {"match", "utils service restart Cisco Tomcat"},
                       {"delay_ms", 3000}, {"count", 1}})
                .exit_code,
            0);
  pid_t pid = start_apply(lab, lab.dir() / "apply.log");
  ASSERT_TRUE(wait_until(
      [&] {
        auto journal = read_text(lab.state() / "journal.jsonl");
        return contains(journal, "\"action\":\"uccx1:restart:Cisco Tomcat\"") &&
               contains(journal, "\"event\":\"action-start\",\"format_version\":1,\"kind\":\"restart\"");
      },
      std::chrono::seconds(60)));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "ended by the signal instead of finishing cleanly";
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << read_text(lab.dir() / "apply.log");
  std::string journal = read_text(lab.state() / "journal.jsonl");
  EXPECT_TRUE(contains(journal, "\"interrupted_by\":\"interrupted by SIGTERM\"")) << journal;
  EXPECT_TRUE(contains(journal, "\"event\":\"action-done\",\"format_version\":1,\"kind\":\"restart\"")) << "the running restart finished";
  EXPECT_FALSE(std::filesystem::exists(lab.state() / "lock")) << "the lock was released";
  EXPECT_EQ(lab.count_commands("uccx2", "utils service restart Cisco Tomcat"), 0) << "nothing new started";

  auto plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_TRUE(contains(plan.out, "owed by an earlier apply")) << plan.out;
  auto resumed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  for (const char* node : {"uccx1", "uccx2"}) expect_restarted_after(lab, node, last_import(lab, "uccx1"));
}

// SIGKILL at seeded moments of an apply (seed 0: right after the appliance committed the first import, before
// trustctl read the reply). Whatever was committed, the next plan shows its restarts and the next apply converges
// with every service restarted after the last change.
class KillAnywhere : public ::testing::TestWithParam<int> {};

TEST_P(KillAnywhere, TheNextApplyConvergesWithNothingLost) {
  const int seed = GetParam();
  Lab lab("kill-" + std::to_string(seed), {.subnet = 188 + seed});
  // Every reply comes 400 ms after the command was carried out: a window between commit and reply.
  lab.start_sim({"--command-latency-ms", "400"});
  pid_t pid = start_apply(lab, lab.dir() / "apply.log");
  if (seed == 0) {
    ASSERT_TRUE(wait_until([&] { return last_import(lab, "uccx1") > 0; }, std::chrono::seconds(60)));
  } else {
    std::mt19937 rng(static_cast<unsigned>(seed));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(500, 12000)(rng)));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);

  std::filesystem::remove(lab.state() / "lock");  // the process is gone: what `trustctl unlock --id` would do
  // Whatever the journal owes at the moment of the kill, the next plan shows, node by node.
  auto records = Journal::read(lab.state());
  ASSERT_TRUE(records) << records.error().describe();
  auto owed = pending_restarts(*records);
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  if (!owed.empty()) {
    EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  }
  for (const auto& o : owed) {
    auto node = plan.out.find("  " + o.node + " (");
    ASSERT_NE(node, std::string::npos) << o.node << " is not in the plan:\n" << plan.out;
    EXPECT_NE(plan.out.find("restart " + o.service, node), std::string::npos) << o.node << " " << o.service;
  }
  auto resumed = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, lab.issuing.certificate)) << node;
    expect_restarted_after(lab, node, last_import(lab, "uccx1"));
  }
  EXPECT_EQ(lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Seeds, KillAnywhere, ::testing::Values(0, 1, 2, 3, 4));

TEST(Reliability, AFailedCiscoTomcatRestartIsRecoveredByTheNextApply) {
  Lab lab("tomcat-fails", {.subnet = 193});
  lab.start_sim();
  ASSERT_EQ(lab.fault({{"node", "uccx1"}, {"kind", "restart_fails"}, {"match", "utils service restart Cisco Tomcat"},
                       {"count", 1}})
                .exit_code,
            0);
  auto first = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_TRUE(contains(first.out, "Cisco Tomcat was left")) << first.out;
  EXPECT_TRUE(contains(first.out, "the next apply runs it first")) << first.out;

  auto second = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  // The owed restarts replay in the product's order: Cisco Tomcat, which Finesse's health check needs, first.
  std::vector<std::string> restarts;
  for (const auto& c : lab.commands("uccx1")) {
    std::string command = c.value("command", "");
    if (command.starts_with("utils service restart ")) restarts.push_back(command.substr(22));
  }
  ASSERT_GE(restarts.size(), 2u);
  EXPECT_EQ(restarts[0], "Cisco Tomcat");
  EXPECT_EQ(restarts[1], "Cisco Tomcat") << "the failed one first, again";
  EXPECT_EQ(lab.trustctl({"verify", lab.site().string()}).exit_code, 0);
}

}  // namespace
}  // namespace trustctl::testing
