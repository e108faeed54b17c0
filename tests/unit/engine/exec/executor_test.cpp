#include "engine/exec/executor.hpp"

#include "support/test_actions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace trustctl {
namespace {

using testing::restart;

// A step on a node that is not a restart: one at a time per node (its admin CLI session).
Action step(const std::string& node, const std::string& name = "A") {
  Action a;
  a.kind = ActionKind::delete_trust;
  a.node = node;
  a.store = name;
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
  auto a1 = g.add(step("n1", "A"));
  auto a2 = g.add(step("n1", "B"));
  auto b1 = g.add(step("n2", "A"));
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
  auto a = g.add(step("n1"));
  RecordingRunner runner;
  runner.failures[g.action(a).id()] = {Error(ErrorCode::connection, "reset"), Error(ErrorCode::timeout, "slow")};
  ExecObserver observer;
  auto outcomes = execute(g, runner, fast(), observer);
  EXPECT_EQ(outcomes[a].status, ActionStatus::done);
  EXPECT_EQ(outcomes[a].attempts, 3);
}

TEST(Executor, PermanentFailureStopsItsBranchAndIndependentBranchesFinish) {
  ActionGraph g;
  auto a = g.add(step("n1"));
  auto dependent = g.add(step("n2"));
  auto transitively = g.add(step("n3"));
  auto independent = g.add(step("n4"));
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
  auto a = g.add(step("n1"));
  auto later = g.add(step("n1", "B"));
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

// The order the executor keeps: among the actions whose predecessors are all done and whose node is idle, the lowest
// index starts first. With one worker that makes the whole run order a pure function of the graph; this reference is
// the plain linear scan the scheduler replaced.
std::vector<ActionGraph::Index> reference_order(const ActionGraph& g) {
  std::vector<std::size_t> waiting(g.size());
  for (ActionGraph::Index i = 0; i < g.size(); ++i) waiting[i] = g.predecessors(i).size();
  std::vector<bool> ran(g.size(), false);
  std::vector<ActionGraph::Index> order;
  while (order.size() < g.size()) {
    for (ActionGraph::Index i = 0; i < g.size(); ++i) {
      if (ran[i] || waiting[i] != 0) continue;
      ran[i] = true;
      order.push_back(i);
      for (auto next : g.successors(i)) --waiting[next];
      break;
    }
  }
  return order;
}

// A random DAG: edges follow a random permutation, so indices and dependencies disagree often.
ActionGraph random_graph(unsigned seed, std::size_t size, int nodes) {
  std::mt19937 rng(seed);
  ActionGraph g;
  for (std::size_t i = 0; i < size; ++i) {
    g.add(step("n" + std::to_string(rng() % static_cast<unsigned>(nodes)), "S" + std::to_string(i)));
  }
  std::vector<ActionGraph::Index> rank(size);
  for (std::size_t i = 0; i < size; ++i) rank[i] = i;
  std::shuffle(rank.begin(), rank.end(), rng);
  for (std::size_t e = 0; e < size * 2; ++e) {
    auto a = rng() % size, b = rng() % size;
    if (a == b) continue;
    if (rank[a] > rank[b]) std::swap(a, b);
    g.order(a, b, "test");
  }
  return g;
}

TEST(Executor, WithOneWorkerTheLowestReadyIndexAlwaysStartsFirst) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    ActionGraph g = random_graph(seed, 150, 6);
    DryRunRunner runner;
    ExecOptions options = fast();
    options.parallelism = 1;
    std::vector<ActionGraph::Index> started;
    struct Order : ExecObserver {
      std::vector<ActionGraph::Index>* out;
      void started(ActionGraph::Index i, const Action&, int) override { out->push_back(i); }
    } order;
    order.out = &started;
    auto outcomes = execute(g, runner, options, order);
    for (const auto& o : outcomes) ASSERT_EQ(o.status, ActionStatus::done);
    EXPECT_EQ(started, reference_order(g)) << "seed " << seed;
  }
}

// Holds one action until another has started, to show what runs beside what.
class GateRunner : public ActionRunner {
 public:
  std::string hold;      // this action waits ...
  std::string until;     // ... until this one has started (or a second passed)
  std::atomic<bool> overlapped{false};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};

  Result<void> run(const Action& action) override {
    int now = ++running;
    for (int seen = max_running; now > seen && !max_running.compare_exchange_weak(seen, now);) {}
    {
      std::unique_lock lock(m_mutex);
      m_started.insert(action.id());
      m_cv.notify_all();
      if (action.id() == hold) {
        overlapped = m_cv.wait_for(lock, std::chrono::seconds(1), [&] { return m_started.count(until) > 0; });
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    --running;
    return {};
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::set<std::string> m_started;
};

TEST(Executor, ABusyNodeDoesNotHoldUpReadyWorkOnOtherNodes) {
  // n1's second action is ready, and has the lower index, but n1 is busy: a free worker takes n2's instead.
  ActionGraph g;
  auto long_one = g.add(step("n1", "A"));
  g.add(step("n1", "B"));
  auto other = g.add(step("n2", "A"));
  GateRunner runner;
  runner.hold = g.action(long_one).id();
  runner.until = g.action(other).id();
  ExecOptions options = fast();
  options.parallelism = 2;
  ExecObserver observer;
  auto outcomes = execute(g, runner, options, observer);
  for (const auto& o : outcomes) EXPECT_EQ(o.status, ActionStatus::done);
  EXPECT_TRUE(runner.overlapped) << "n2's action ran while n1's first one was still running";
}

TEST(Executor, NeverRunsMoreActionsAtOnceThanTheParallelismAllows) {
  ActionGraph g;
  for (int n = 0; n < 12; ++n) {
    for (int k = 0; k < 3; ++k) g.add(step("n" + std::to_string(n), "S" + std::to_string(k)));
  }
  GateRunner runner;
  ExecOptions options = fast();
  options.parallelism = 3;
  ExecObserver observer;
  auto outcomes = execute(g, runner, options, observer);
  for (const auto& o : outcomes) EXPECT_EQ(o.status, ActionStatus::done);
  EXPECT_LE(runner.max_running.load(), 3);
  EXPECT_GE(runner.max_running.load(), 2) << "independent nodes do run side by side";
}

TEST(Executor, ALongFailedChainSkipsEveryDependentDepthFirstNamingTheFailure) {
  // 20,000 actions in one chain: the skips cascade without recursion, each naming the first failure, and the
  // observer sees them in dependency order.
  ActionGraph g;
  const std::size_t length = 20000;
  for (std::size_t i = 0; i < length; ++i) g.add(step("n" + std::to_string(i % 7), "S" + std::to_string(i)));
  for (std::size_t i = 1; i < length; ++i) g.order(i - 1, i, "test");
  RecordingRunner runner;
  runner.failures[g.action(0).id()] = {Error(ErrorCode::appliance_refused, "no")};
  struct Seen : ExecObserver {
    std::vector<ActionGraph::Index> finished_order;
    void finished(ActionGraph::Index i, const Action&, const ActionOutcome&) override { finished_order.push_back(i); }
  } seen;
  auto outcomes = execute(g, runner, fast(), seen);
  EXPECT_EQ(outcomes[0].status, ActionStatus::failed);
  for (std::size_t i = 1; i < length; ++i) {
    ASSERT_EQ(outcomes[i].status, ActionStatus::skipped) << i;
    ASSERT_EQ(outcomes[i].skipped_because, g.action(0).id()) << i;
  }
  ASSERT_EQ(seen.finished_order.size(), length);
  for (std::size_t i = 0; i < length; ++i) ASSERT_EQ(seen.finished_order[i], i);
}

TEST(Executor, FailFastSkipsReadyActionsOnOtherNodesWithTheReason) {
  ActionGraph g;
  auto a = g.add(step("n1"));
  auto b = g.add(step("n2"));
  auto c = g.add(step("n3"));
  g.order(a, b, "test");
  RecordingRunner runner;
  runner.failures[g.action(a).id()] = {Error(ErrorCode::appliance_refused, "no")};
  ExecOptions options = fast();
  options.parallelism = 1;
  options.fail_fast = true;
  ExecObserver observer;
  auto outcomes = execute(g, runner, options, observer);
  EXPECT_EQ(outcomes[a].status, ActionStatus::failed);
  EXPECT_EQ(outcomes[b].status, ActionStatus::skipped);
  EXPECT_EQ(outcomes[b].skipped_because, g.action(a).id());
  EXPECT_EQ(outcomes[c].status, ActionStatus::skipped);
  EXPECT_NE(outcomes[c].skipped_because.find("--fail-fast"), std::string::npos) << outcomes[c].skipped_because;
  EXPECT_EQ(runner.ran.size(), 1u);
}

// Restarts of one node have lanes of their own: the graph orders them (one by one) or leaves them unordered (restart
// services together), and then they run at once, while the node's other actions stay one at a time.
TEST(Executor, UnorderedRestartsOfOneNodeRunAtOnceWhileItsOtherActionsWaitTheirTurn) {
  ActionGraph g;
  auto change = g.add(step("n1", "write"));
  auto tomcat = g.add(restart("n1", "Cisco Tomcat"));
  auto engine = g.add(restart("n1", "Cisco Unified CCX Engine"));
  g.order(change, tomcat, "test");
  g.order(change, engine, "test");
  GateRunner runner;
  runner.hold = g.action(tomcat).id();
  runner.until = g.action(engine).id();
  ExecObserver observer;
  auto outcomes = execute(g, runner, fast(), observer);
  for (const auto& o : outcomes) EXPECT_EQ(o.status, ActionStatus::done);
  EXPECT_TRUE(runner.overlapped) << "the Engine's restart started while Tomcat's was running";

  // parallelism counts nodes: one node restarting its services together is one node at work.
  GateRunner alone;
  alone.hold = g.action(tomcat).id();
  alone.until = g.action(engine).id();
  ExecOptions one_node = fast();
  one_node.parallelism = 1;
  for (const auto& o : execute(g, alone, one_node, observer)) EXPECT_EQ(o.status, ActionStatus::done);
  EXPECT_TRUE(alone.overlapped) << "with parallelism 1, the node's restarts still ran at once";

  ActionGraph steps;
  steps.add(step("n1", "A"));
  steps.add(step("n1", "B"));
  RecordingRunner one_at_a_time;
  execute(steps, one_at_a_time, fast(), observer);
  EXPECT_EQ(one_at_a_time.max_parallel_on_one_node, 1);
}

}  // namespace
}  // namespace trustctl
