#include "engine/exec/executor.hpp"

#include "engine/base/log.hpp"

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

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

using Index = ActionGraph::Index;

// Picks in O(log n): an action is *ready* once every predecessor is done (in-degree counting); ready actions wait in
// their lane's queue, lowest index first (a lane is what runs one action at a time: a node, or one of its restarts,
// Action::lane); an idle lane with ready work is *available*, keyed by its lowest ready index. Available lanes of
// nodes already at work (`m_open`) may always start; those of other nodes (`m_closed`) only while fewer than
// `parallelism` nodes are at work, so parallelism counts nodes, however many restarts of one node run at once. The next
// pick is the smallest startable key: the lowest index among ready actions on idle lanes, so runs stay reproducible,
// at 50,000 actions as at 5.
class Scheduler {
 public:
  Scheduler(const ActionGraph& graph, ActionRunner& runner, const ExecOptions& options, ExecObserver& observer)
      : m_graph(graph), m_runner(runner), m_options(options), m_observer(observer), m_outcomes(graph.size()),
        m_waiting_on(graph.size(), 0), m_started(graph.size(), 0), m_lane_of(graph.size(), 0) {
    std::unordered_map<std::string, std::size_t> lane_ids, node_ids;
    for (Index i = 0; i < graph.size(); ++i) {
      const Action& action = graph.action(i);
      auto [lane, new_lane] = lane_ids.try_emplace(action.lane(), lane_ids.size());
      m_lane_of[i] = lane->second;
      if (new_lane) {
        auto [node, new_node] = node_ids.try_emplace(action.node, node_ids.size());
        if (new_node) m_node_lanes.emplace_back();
        m_node_lanes[node->second].push_back(lane->second);
        m_node_of_lane.push_back(node->second);
      }
      m_waiting_on[i] = graph.predecessors(i).size();
    }
    m_ready.resize(lane_ids.size());
    m_busy.assign(lane_ids.size(), 0);
    m_node_running.assign(m_node_lanes.size(), 0);
    for (Index i = 0; i < graph.size(); ++i) {
      if (m_waiting_on[i] == 0) make_ready(i);
    }
  }

  std::vector<ActionOutcome> run() {
    // Enough threads for `parallelism` nodes with every lane of each at work.
    std::size_t most_lanes = 1;
    for (const auto& lanes : m_node_lanes) most_lanes = std::max(most_lanes, lanes.size());
    const std::size_t wanted = static_cast<std::size_t>(std::max(1, m_options.parallelism)) * most_lanes;
    const int workers = static_cast<int>(std::max<std::size_t>(1, std::min(wanted, m_graph.size())));
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back([this, w] { work(static_cast<unsigned>(w)); });
    for (auto& t : threads) t.join();
    return std::move(m_outcomes);
  }

 private:
  using ReadyQueue = std::priority_queue<Index, std::vector<Index>, std::greater<>>;
  using Available = std::set<std::pair<Index, std::size_t>>;  // (lowest ready index, lane)

  bool finished_all() const { return m_resolved == m_graph.size(); }

  // Whether the run was asked to stop (a signal); remembers the first reason. Called with the lock held.
  bool interrupt_now() {
    if (m_interrupt) return true;
    if (m_options.interrupted) m_interrupt = m_options.interrupted();
    return m_interrupt.has_value();
  }

  Available& available_of(std::size_t lane) { return m_node_running[m_node_of_lane[lane]] > 0 ? m_open : m_closed; }
  bool can_start_new_node() const {
    return m_busy_nodes < static_cast<std::size_t>(std::max(1, m_options.parallelism));
  }
  bool anything_startable() const { return !m_open.empty() || (!m_closed.empty() && can_start_new_node()); }

  // Every predecessor is done: the action joins its lane's queue, and the lane's key may drop.
  void make_ready(Index i) {
    const std::size_t lane = m_lane_of[i];
    ReadyQueue& queue = m_ready[lane];
    if (!m_busy[lane] && !queue.empty()) available_of(lane).erase({queue.top(), lane});
    queue.push(i);
    if (!m_busy[lane]) available_of(lane).insert({queue.top(), lane});
  }

  // A node starts or stops being at work: its idle lanes with ready work move between m_closed and m_open. Called
  // after m_node_running changed, so available_of already answers for the new state.
  void move_lanes_of(std::size_t node, std::size_t except) {
    for (auto lane : m_node_lanes[node]) {
      if (lane == except || m_busy[lane] || m_ready[lane].empty()) continue;
      const auto key = std::make_pair(m_ready[lane].top(), lane);
      (&available_of(lane) == &m_open ? m_closed : m_open).erase(key);
      available_of(lane).insert(key);
    }
  }

  // The lowest-index ready action on an idle lane that may start, its lane marked busy; nothing when none may.
  std::optional<Index> pick() {
    while (anything_startable()) {
      Available* from = &m_open;
      if (m_open.empty() || (!m_closed.empty() && can_start_new_node() && *m_closed.begin() < *m_open.begin())) {
        from = &m_closed;
      }
      auto [i, lane] = *from->begin();
      from->erase(from->begin());
      m_ready[lane].pop();
      // A ready action that --fail-fast skipped meanwhile is dropped here, not started.
      if (m_outcomes[i].status != ActionStatus::pending) {
        if (!m_ready[lane].empty()) available_of(lane).insert({m_ready[lane].top(), lane});
        continue;
      }
      m_busy[lane] = 1;
      m_started[i] = 1;
      const std::size_t node = m_node_of_lane[lane];
      if (m_node_running[node]++ == 0) {
        ++m_busy_nodes;
        move_lanes_of(node, lane);
      }
      return i;
    }
    return std::nullopt;
  }

  // The lane's action ended: its next ready action, if any, can be picked again.
  void release(std::size_t lane) {
    m_busy[lane] = 0;
    const std::size_t node = m_node_of_lane[lane];
    if (--m_node_running[node] == 0) {
      --m_busy_nodes;
      move_lanes_of(node, lane);
    }
    if (!m_ready[lane].empty()) available_of(lane).insert({m_ready[lane].top(), lane});
  }

  void work(unsigned seed) {
    std::mt19937 rng(seed * 7919u + 17u);
    std::unique_lock lock(m_mutex);
    while (true) {
      // A signal cannot wake the condition variable, so an interruptible run polls.
      auto ready = [&] { return finished_all() || m_stop || anything_startable() || interrupt_now(); };
      if (m_options.interrupted) {
        m_cv.wait_for(lock, std::chrono::milliseconds(100), ready);
      } else {
        m_cv.wait(lock, ready);
      }
      if (interrupt_now() && !m_stop) {
        m_stop = true;
        m_stop_reason = *m_interrupt;
      }
      if (m_stop) skip_rest(m_stop_reason);
      if (finished_all() || m_stop) {
        // Actions still running on other threads resolve themselves; nothing new starts.
        m_cv.notify_all();
        return;
      }
      std::optional<Index> picked = pick();
      if (!picked) continue;
      const Index i = *picked;
      const Action& action = m_graph.action(i);

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
        if (!is_transient(result.error().code) || attempt == m_options.max_attempts || interrupt_now()) break;
        // Capped exponential backoff with full jitter, so many nodes retrying do not stampede one appliance.
        auto cap = std::min(m_options.backoff_cap, m_options.backoff_base * (1 << (attempt - 1)));
        std::uniform_int_distribution<long> jitter(cap.count() / 2, std::max<long>(cap.count(), 1));
        auto pause = std::chrono::milliseconds(jitter(rng));
        log::debug("retry", action.id() + ": attempt " + std::to_string(attempt) + " failed (" +
                                result.error().describe() + "); attempt " + std::to_string(attempt + 1) + " in " +
                                std::to_string(pause.count()) + " ms");
        lock.unlock();
        std::this_thread::sleep_for(pause);
        lock.lock();
      }
      outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      release(m_lane_of[i]);
      resolve(i, std::move(outcome));
      m_cv.notify_all();
    }
  }

  // Records an outcome and tells the observer.
  void settle(Index i, ActionOutcome outcome) {
    m_outcomes[i] = std::move(outcome);
    ++m_resolved;
    m_observer.finished(i, m_graph.action(i), m_outcomes[i]);
  }

  void resolve(Index i, ActionOutcome outcome) {
    settle(i, std::move(outcome));
    if (m_outcomes[i].status == ActionStatus::done) {
      for (auto next : m_graph.successors(i)) {
        if (--m_waiting_on[next] == 0 && m_outcomes[next].status == ActionStatus::pending) make_ready(next);
      }
      return;
    }
    if (m_outcomes[i].status == ActionStatus::failed && m_options.fail_fast && !m_stop) {
      m_stop = true;
      m_stop_reason = "--fail-fast: an earlier action failed";
    }
    // A failed or skipped action skips everything that depends on it, each naming the action that failed first.
    // Depth first, successors in graph order (the order the observer has always seen), with an explicit stack: a
    // chain of thousands of actions must not exhaust the thread's stack.
    struct Frame {
      Index at;
      std::vector<Index> next;
      std::size_t pos = 0;
    };
    std::vector<Frame> stack;
    stack.push_back({i, m_graph.successors(i)});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.pos == frame.next.size()) {
        stack.pop_back();
        continue;
      }
      const Index next = frame.next[frame.pos++];
      if (m_outcomes[next].status != ActionStatus::pending) continue;
      const ActionOutcome& cause = m_outcomes[frame.at];
      ActionOutcome skipped;
      skipped.status = ActionStatus::skipped;
      skipped.skipped_because = cause.skipped_because.empty() ? m_graph.action(frame.at).id() : cause.skipped_because;
      settle(next, std::move(skipped));
      stack.push_back({next, m_graph.successors(next)});  // `frame` is not used after this
    }
  }

  void skip_rest(const std::string& why) {
    for (Index i = 0; i < m_graph.size(); ++i) {
      if (m_outcomes[i].status != ActionStatus::pending || m_started[i]) continue;
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
  std::vector<std::size_t> m_waiting_on;  // predecessors not yet done
  std::vector<char> m_started;
  std::vector<std::size_t> m_lane_of;     // action -> lane number
  std::vector<std::size_t> m_node_of_lane;  // lane -> node number
  std::vector<std::vector<std::size_t>> m_node_lanes;  // node -> its lanes
  std::vector<ReadyQueue> m_ready;        // per lane: actions whose predecessors are all done, not yet started
  std::vector<char> m_busy;               // per lane: an action is running there
  std::vector<std::size_t> m_node_running;  // per node: actions running on its lanes
  std::size_t m_busy_nodes = 0;           // nodes with an action running
  Available m_open;                       // idle lanes with work, of nodes at work
  Available m_closed;                     // idle lanes with work, of nodes not at work
  std::size_t m_resolved = 0;
  bool m_stop = false;
  std::string m_stop_reason;
  std::optional<std::string> m_interrupt;
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
