// The executor's own cost (issue "apply", point 3): runs graphs of 1,000, 10,000 and 50,000 trivial actions over a
// runner that does nothing, so the wall time is all scheduling: picking the next action, in-degree bookkeeping, the
// per-node busy rule, waking workers. Prints, per size, the wall and CPU time of execute() and the overhead per action.
//
// The graph looks like a real fleet's plan: UCCX-like pairs of nodes, each node with three trust changes (chained,
// issuer first) and two restarts after every change, the subscriber's restarts after the publisher's (rolling).
//
//   executor_bench                        1000, 10000 and 50000 actions, parallelism 10 (the default)
//   executor_bench 50000 --parallelism 1
//
// Not a ctest test: speed is measured here, never asserted (CONTRIBUTING.md).

#include "engine/exec/executor.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using namespace trustctl;
using Clock = std::chrono::steady_clock;

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

class NoOpRunner final : public ActionRunner {
 public:
  Result<void> run(const Action&) override { return {}; }
};

constexpr int kChangesPerNode = 3;
constexpr int kRestartsPerNode = 2;
constexpr int kActionsPerNode = kChangesPerNode + kRestartsPerNode;

// About `actions` actions (a multiple of the per-pair count), in the order a plan would add them.
ActionGraph make_graph(std::size_t actions) {
  ActionGraph graph;
  const std::size_t pairs = std::max<std::size_t>(1, actions / (2 * kActionsPerNode));
  for (std::size_t p = 0; p < pairs; ++p) {
    std::vector<ActionGraph::Index> previous_restarts;
    for (const char* role : {"a", "b"}) {
      const std::string node = "node" + std::to_string(p) + role;
      std::vector<ActionGraph::Index> changes;
      for (int c = 0; c < kChangesPerNode; ++c) {
        Action change;
        change.kind = ActionKind::delete_trust;
        change.node = node;
        change.store = "tomcat-trust";
        change.file = "cert" + std::to_string(c) + ".pem";
        changes.push_back(graph.add(std::move(change)));
        if (c > 0) graph.order(changes[c - 1], changes[c], "issuer-first");
      }
      std::vector<ActionGraph::Index> restarts;
      for (int r = 0; r < kRestartsPerNode; ++r) {
        Action restart;
        restart.kind = ActionKind::restart_service;
        restart.node = node;
        restart.service = "Service " + std::to_string(r);
        restarts.push_back(graph.add(std::move(restart)));
        for (auto change : changes) graph.order(change, restarts.back(), "restarts-last");
        if (r > 0) graph.order(restarts[r - 1], restarts[r], "restart-order");
      }
      for (auto before : previous_restarts) {
        for (auto after : restarts) graph.order(before, after, "rolling");
      }
      previous_restarts = restarts;
    }
  }
  return graph;
}

struct Figures {
  double build_s = 0;
  double wall_s = 0;
  double cpu_s = 0;
  std::size_t actions = 0;
  std::size_t done = 0;
};

Figures measure(std::size_t size, int parallelism) {
  Figures f;
  auto start = Clock::now();
  ActionGraph graph = make_graph(size);
  f.build_s = std::chrono::duration<double>(Clock::now() - start).count();
  f.actions = graph.size();

  NoOpRunner runner;
  ExecObserver observer;
  ExecOptions options;
  options.parallelism = parallelism;
  const double cpu_before = cpu_seconds();
  start = Clock::now();
  auto outcomes = execute(graph, runner, options, observer);
  f.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  f.cpu_s = cpu_seconds() - cpu_before;
  for (const auto& o : outcomes) f.done += o.status == ActionStatus::done;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  int parallelism = 10;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--parallelism") == 0 && i + 1 < argc) {
      parallelism = std::atoi(argv[++i]);
    } else {
      sizes.push_back(static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)));
    }
  }
  if (sizes.empty()) sizes = {1000, 10000, 50000};

  std::printf("executor scheduling overhead: no-op runner, parallelism %d\n", parallelism);
  std::printf("%10s %10s %12s %12s %16s %s\n", "actions", "graph s", "execute s", "cpu s", "us per action", "");
  for (auto size : sizes) {
    const Figures f = measure(size, parallelism);
    std::printf("%10zu %10.3f %12.3f %12.3f %16.2f %s\n", f.actions, f.build_s, f.wall_s, f.cpu_s,
                f.actions ? f.wall_s * 1e6 / static_cast<double>(f.actions) : 0.0,
                f.done == f.actions ? "" : "(not every action done!)");
    std::fflush(stdout);
  }
  return 0;
}
