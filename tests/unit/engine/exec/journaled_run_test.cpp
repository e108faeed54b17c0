#include "engine/exec/journaled_run.hpp"

#include "support/temp_dir.hpp"
#include "support/test_actions.hpp"
#include "support/test_pki.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

// An upload on the publisher that owes both nodes' restarts, then the publisher's restart.
struct Scenario {
  testing::TempDir dir;
  Certificate root = testing::make_root("Corp Root").certificate;
  ActionGraph graph;
  ActionGraph::Index upload = 0, restart = 0;
  ManagedRecord managed;

  Scenario() {
    Action a;
    a.kind = ActionKind::upload_trust;
    a.node = "uccx1";
    a.store = "tomcat-trust";
    a.certificate = root;
    a.owes = {{"uccx1", "Cisco Tomcat"}, {"uccx2", "Cisco Tomcat"}};
    upload = graph.add(a);
    restart = graph.add(testing::restart("uccx1"));
    graph.order(upload, restart, "restarts-last");
  }

  std::vector<PendingRestart> owed() const {
    auto records = Journal::read(dir.path());
    EXPECT_TRUE(records);
    return pending_restarts(*records);
  }
};

// Answers each action with what it is told to, and looks at the journal at the moment an action is sent.
class ScriptedRunner : public ActionRunner {
 public:
  ScriptedRunner(const std::filesystem::path& state_dir) : m_state_dir(state_dir) {}
  std::map<std::string, Error> fails;  // action id -> its error on every attempt
  std::vector<PendingRestart> owed_when_upload_sent;

  Result<void> run(const Action& action) override {
    if (action.kind == ActionKind::upload_trust) {
      auto records = Journal::read(m_state_dir);
      if (records) owed_when_upload_sent = pending_restarts(*records);
    }
    auto it = fails.find(action.id());
    if (it != fails.end()) return tl::unexpected(it->second);
    return {};
  }

 private:
  std::filesystem::path m_state_dir;
};

ExecOptions fast() {
  ExecOptions o;
  o.max_attempts = 2;
  o.backoff_base = std::chrono::milliseconds(1);
  o.backoff_cap = std::chrono::milliseconds(1);
  return o;
}

std::vector<ActionOutcome> run_journaled(Scenario& s, ScriptedRunner& runner) {
  auto journal = Journal::open(s.dir.path());
  EXPECT_TRUE(journal);
  JournaledRun run(*journal, "apply-1", runner, s.managed, s.dir.path());
  return execute(s.graph, run, fast(), run);
}

TEST(JournaledRun, RestartsAreOwedInTheJournalBeforeTheChangeIsSent) {
  Scenario s;
  ScriptedRunner runner(s.dir.path());
  auto outcomes = run_journaled(s, runner);
  ASSERT_EQ(runner.owed_when_upload_sent.size(), 2u) << "the journal must owe both restarts before the upload";
  EXPECT_EQ(runner.owed_when_upload_sent[0].node, "uccx1");
  EXPECT_EQ(runner.owed_when_upload_sent[1].node, "uccx2");
  EXPECT_EQ(outcomes[s.restart].status, ActionStatus::done);
  auto owed = s.owed();
  ASSERT_EQ(owed.size(), 1u) << "uccx1's restart ran and settled its own; uccx2's is still owed";
  EXPECT_EQ(owed[0].node, "uccx2");
}

TEST(JournaledRun, AChangeThatMayHaveCommittedKeepsItsRestartsOwed) {
  Scenario s;
  ScriptedRunner runner(s.dir.path());
  runner.fails[s.graph.action(s.upload).id()] = Error(ErrorCode::connection, "session dropped before the reply");
  auto outcomes = run_journaled(s, runner);
  EXPECT_EQ(outcomes[s.upload].status, ActionStatus::failed);
  EXPECT_EQ(outcomes[s.restart].status, ActionStatus::skipped);
  EXPECT_EQ(s.owed().size(), 2u) << "the appliance may hold the certificate: nothing may be released";
  EXPECT_TRUE(s.managed.contains("uccx1", "tomcat-trust", s.root.fingerprint()))
      << "trustctl may have added it, so prune may remove it later";
}

TEST(JournaledRun, AChangeTheApplianceRefusedReleasesWhatItOwed) {
  Scenario s;
  ScriptedRunner runner(s.dir.path());
  runner.fails[s.graph.action(s.upload).id()] = Error(ErrorCode::appliance_refused, "expired certificate");
  run_journaled(s, runner);
  EXPECT_TRUE(s.owed().empty());
  EXPECT_FALSE(s.managed.contains("uccx1", "tomcat-trust", s.root.fingerprint()));
}

TEST(JournaledRun, ARestartOwedByTwoChangesStaysOwedUntilBothAreSettled) {
  std::vector<nlohmann::json> records = {
      {{"event", "restart-owed"}, {"node", "n"}, {"service", "s"}, {"owed_by", "a"}},
      {{"event", "restart-owed"}, {"node", "n"}, {"service", "s"}, {"owed_by", "b"}},
      {{"event", "restart-released"}, {"node", "n"}, {"service", "s"}, {"owed_by", "a"}},
  };
  ASSERT_EQ(pending_restarts(records).size(), 1u) << "b still owes it";
  records.push_back({{"event", "action-done"}, {"kind", "restart"}, {"node", "n"}, {"service", "s"}});
  EXPECT_TRUE(pending_restarts(records).empty()) << "a completed restart settles every owner";
}

TEST(JournaledRun, AnInterruptedRunStartsNothingNewAndSaysWhy) {
  Scenario s;
  ScriptedRunner runner(s.dir.path());
  auto journal = Journal::open(s.dir.path());
  ASSERT_TRUE(journal);
  JournaledRun run(*journal, "apply-1", runner, s.managed, s.dir.path());
  ExecOptions options = fast();
  int polls = 0;
  // The signal arrives while the upload runs: the restart after it must not start.
  options.interrupted = [&]() -> std::optional<std::string> {
    if (++polls > 1) return "interrupted by SIGTERM";
    return std::nullopt;
  };
  auto outcomes = execute(s.graph, run, options, run);
  EXPECT_EQ(outcomes[s.upload].status, ActionStatus::done);
  EXPECT_EQ(outcomes[s.restart].status, ActionStatus::skipped);
  EXPECT_EQ(outcomes[s.restart].skipped_because, "interrupted by SIGTERM");
  EXPECT_EQ(s.owed().size(), 2u);
}

}  // namespace
}  // namespace trustctl
