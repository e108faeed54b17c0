#include "engine/exec/executor.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

namespace trustctl {
namespace {

Action restart(const std::string& node, const std::string& service = "Cisco Tomcat") {
  Action a;
  a.kind = ActionKind::restart_service;
  a.node = node;
  a.service = service;
  return a;
}

// A small world: records the order and the concurrency it saw, fails actions by assignment.
class RecordingRunner : public ActionRunner {
 public:
  std::map<std::string, std::vector<Error>> failures;  // action id -> errors to return, one per attempt
  std::vector<std::string> ran;
  int max_parallel_on_one_node = 0;

  Result<void> run(const Action& action) override {
    {
      std::lock_guard lock(m_mutex);
      ran.push_back(action.id());
      int& busy = m_busy[action.node];
      max_parallel_on_one_node = std::max(max_parallel_on_one_node, ++busy);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard lock(m_mutex);
    --m_busy[action.node];
    auto it = failures.find(action.id());
    if (it != failures.end() && !it->second.empty()) {
      Error e = it->second.front();
      it->second.erase(it->second.begin());
      return tl::unexpected(e);
    }
    return {};
  }

 private:
  std::mutex m_mutex;
  std::map<std::string, int> m_busy;
};

ExecOptions fast() {
  ExecOptions o;
  o.parallelism = 4;
  o.backoff_base = std::chrono::milliseconds(1);
  o.backoff_cap = std::chrono::milliseconds(2);
  return o;
}

TEST(Executor, RunsEverythingInDependencyOrderAndOneActionPerNodeAtATime) {
  ActionGraph g;
  auto a1 = g.add(restart("n1", "A"));
  auto a2 = g.add(restart("n1", "B"));
  auto b1 = g.add(restart("n2", "A"));
  g.order(a1, b1, "test");
  RecordingRunner runner;
  ExecObserver observer;
  auto outcomes = execute(g, runner, fast(), observer);
  for (auto i : {a1, a2, b1}) EXPECT_EQ(outcomes[i].status, ActionStatus::done);
  EXPECT_EQ(runner.max_parallel_on_one_node, 1);
  auto pos = [&](const std::string& id) { return std::find(runner.ran.begin(), runner.ran.end(), id); };
  EXPECT_LT(pos(g.action(a1).id()), pos(g.action(b1).id()));
}

TEST(Executor, TransientFailuresAreRetried) {
  ActionGraph g;
  auto a = g.add(restart("n1"));
  RecordingRunner runner;
  runner.failures[g.action(a).id()] = {Error(ErrorCode::connection, "reset"), Error(ErrorCode::timeout, "slow")};
  ExecObserver observer;
  auto outcomes = execute(g, runner, fast(), observer);
  EXPECT_EQ(outcomes[a].status, ActionStatus::done);
  EXPECT_EQ(outcomes[a].attempts, 3);
}

TEST(Executor, PermanentFailureStopsItsBranchAndIndependentBranchesFinish) {
  ActionGraph g;
  auto a = g.add(restart("n1"));
  auto dependent = g.add(restart("n2"));
  auto transitively = g.add(restart("n3"));
  auto independent = g.add(restart("n4"));
  g.order(a, dependent, "test");
  g.order(dependent, transitively, "test");
  RecordingRunner runner;
  runner.failures[g.action(a).id()] = {Error(ErrorCode::appliance_refused, "no")};
  ExecObserver observer;
  auto outcomes = execute(g, runner, fast(), observer);
  EXPECT_EQ(outcomes[a].status, ActionStatus::failed);
  EXPECT_EQ(outcomes[a].attempts, 1) << "permanent errors are not retried";
  EXPECT_EQ(outcomes[dependent].status, ActionStatus::skipped);
  EXPECT_EQ(outcomes[transitively].status, ActionStatus::skipped);
  EXPECT_EQ(outcomes[transitively].skipped_because, g.action(a).id());
  EXPECT_EQ(outcomes[independent].status, ActionStatus::done);
}

TEST(Executor, FailFastStartsNothingAfterAFailure) {
  ActionGraph g;
  auto a = g.add(restart("n1"));
  auto later = g.add(restart("n1", "B"));
  RecordingRunner runner;
  runner.failures[g.action(a).id()] = {Error(ErrorCode::appliance_refused, "no")};
  ExecOptions options = fast();
  options.parallelism = 1;
  options.fail_fast = true;
  ExecObserver observer;
  auto outcomes = execute(g, runner, options, observer);
  EXPECT_EQ(outcomes[a].status, ActionStatus::failed);
  EXPECT_EQ(outcomes[later].status, ActionStatus::skipped);
  EXPECT_EQ(runner.ran.size(), 1u);
}

}  // namespace
}  // namespace trustctl
