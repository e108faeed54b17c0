#include "engine/exec/executor.hpp"

#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace trustctl {

const char* to_string(ActionStatus status) {
  switch (status) {
    case ActionStatus::pending: return "pending";
    case ActionStatus::done: return "done";
    case ActionStatus::failed: return "failed";
    case ActionStatus::skipped: return "skipped";
  }
  return "pending";
}

namespace {

class Scheduler {
 public:
  Scheduler(const ActionGraph& graph, ActionRunner& runner, const ExecOptions& options, ExecObserver& observer)
      : m_graph(graph), m_runner(runner), m_options(options), m_observer(observer), m_outcomes(graph.size()),
        m_waiting_on(graph.size(), 0) {
    for (ActionGraph::Index i = 0; i < graph.size(); ++i) m_waiting_on[i] = graph.predecessors(i).size();
  }

  std::vector<ActionOutcome> run() {
    int workers = std::max(1, std::min<int>(m_options.parallelism, static_cast<int>(m_graph.size())));
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back([this, w] { work(static_cast<unsigned>(w)); });
    for (auto& t : threads) t.join();
    return std::move(m_outcomes);
  }

 private:
  bool finished_all() const { return m_resolved == m_graph.size(); }

  // Next runnable action: all predecessors done and its node idle. Lowest index first keeps runs reproducible.
  std::optional<ActionGraph::Index> pick() {
    for (ActionGraph::Index i = 0; i < m_graph.size(); ++i) {
      if (m_outcomes[i].status != ActionStatus::pending || m_started.count(i) || m_waiting_on[i] != 0) continue;
      if (m_busy_nodes.count(m_graph.action(i).node)) continue;
      return i;
    }
    return std::nullopt;
  }

  void work(unsigned seed) {
    std::mt19937 rng(seed * 7919u + 17u);
    std::unique_lock lock(m_mutex);
    while (true) {
      m_cv.wait(lock, [&] { return finished_all() || m_stop || pick().has_value(); });
      if (m_stop) skip_rest("--fail-fast: an earlier action failed");
      if (finished_all() || m_stop) {
        // Actions still running on other threads resolve themselves; nothing new starts.
        m_cv.notify_all();
        return;
      }
      ActionGraph::Index i = *pick();
      const Action& action = m_graph.action(i);
      m_started.insert(i);
      m_busy_nodes.insert(action.node);

      ActionOutcome outcome;
      auto begin = std::chrono::steady_clock::now();
      for (int attempt = 1; attempt <= m_options.max_attempts; ++attempt) {
        outcome.attempts = attempt;
        m_observer.started(i, action, attempt);
        lock.unlock();
        Result<void> result = m_runner.run(action);
        lock.lock();
        if (result) {
          outcome.status = ActionStatus::done;
          outcome.error.reset();
          break;
        }
        outcome.status = ActionStatus::failed;
        outcome.error = result.error();
        if (!is_transient(result.error().code) || attempt == m_options.max_attempts) break;
        // Capped exponential backoff with full jitter, so many nodes retrying do not stampede one appliance.
        auto cap = std::min(m_options.backoff_cap, m_options.backoff_base * (1 << (attempt - 1)));
        std::uniform_int_distribution<long> jitter(cap.count() / 2, std::max<long>(cap.count(), 1));
        auto pause = std::chrono::milliseconds(jitter(rng));
        lock.unlock();
        std::this_thread::sleep_for(pause);
        lock.lock();
      }
      outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      m_busy_nodes.erase(action.node);
      resolve(i, std::move(outcome));
      m_cv.notify_all();
    }
  }

  void resolve(ActionGraph::Index i, ActionOutcome outcome) {
    m_outcomes[i] = std::move(outcome);
    ++m_resolved;
    m_observer.finished(i, m_graph.action(i), m_outcomes[i]);
    if (m_outcomes[i].status == ActionStatus::done) {
      for (auto next : m_graph.successors(i)) --m_waiting_on[next];
      return;
    }
    if (m_outcomes[i].status == ActionStatus::failed && m_options.fail_fast) m_stop = true;
    // A failed or skipped action skips everything that depends on it.
    for (auto next : m_graph.successors(i)) {
      if (m_outcomes[next].status != ActionStatus::pending) continue;
      ActionOutcome skipped;
      skipped.status = ActionStatus::skipped;
      skipped.skipped_because = m_outcomes[i].skipped_because.empty() ? m_graph.action(i).id()
                                                                       : m_outcomes[i].skipped_because;
      resolve(next, std::move(skipped));
    }
  }

  void skip_rest(const std::string& why) {
    for (ActionGraph::Index i = 0; i < m_graph.size(); ++i) {
      if (m_outcomes[i].status != ActionStatus::pending || m_started.count(i)) continue;
      ActionOutcome skipped;
      skipped.status = ActionStatus::skipped;
      skipped.skipped_because = why;
      resolve(i, std::move(skipped));
    }
  }

  const ActionGraph& m_graph;
  ActionRunner& m_runner;
  const ExecOptions& m_options;
  ExecObserver& m_observer;
  std::vector<ActionOutcome> m_outcomes;
  std::vector<std::size_t> m_waiting_on;
  std::set<ActionGraph::Index> m_started;
  std::set<std::string> m_busy_nodes;
  std::size_t m_resolved = 0;
  bool m_stop = false;
  std::mutex m_mutex;
  std::condition_variable m_cv;
};

}  // namespace

std::vector<ActionOutcome> execute(const ActionGraph& graph, ActionRunner& runner, const ExecOptions& options,
                                   ExecObserver& observer) {
  if (graph.size() == 0) return {};
  Scheduler scheduler(graph, runner, options, observer);
  return scheduler.run();
}

}  // namespace trustctl
