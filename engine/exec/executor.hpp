#pragma once
// Runs an action DAG: parallel across nodes, at most one action per node at a time (per lane: a restart has its own,
// Action::lane), transient failures retried with
// capped jittered backoff, a permanent failure stops its branch (dependents are skipped), independent branches finish.

#include "engine/exec/action_runner.hpp"
#include "engine/graph/action_graph.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trustctl {

struct ExecOptions {
  int parallelism = 10;  // nodes at work at once (a node restarting several services together counts once)
  int max_attempts = 4;
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_cap{8000};
  bool fail_fast = false;  // a failure stops everything not yet started
  // Polled between actions: a reason ("interrupted by SIGTERM") stops everything not yet started, as --fail-fast
  // does; a running action finishes (or times out) and is not retried. Unset: never interrupted.
  std::function<std::optional<std::string>()> interrupted;
};

enum class ActionStatus { pending, done, failed, skipped };
const char* to_string(ActionStatus status);

struct ActionOutcome {
  ActionStatus status = ActionStatus::pending;
  std::optional<Error> error;
  int attempts = 0;
  double seconds = 0;
  std::string skipped_because;  // id of the failed action that blocked it
};

// Hooks for the journal and progress. Called from worker threads, one call at a time (the executor serialises them).
class ExecObserver {
 public:
  virtual ~ExecObserver() = default;
  virtual void started(ActionGraph::Index, const Action&, int /*attempt*/) {}
  virtual void finished(ActionGraph::Index, const Action&, const ActionOutcome&) {}
};

std::vector<ActionOutcome> execute(const ActionGraph& graph, ActionRunner& runner, const ExecOptions& options,
                                   ExecObserver& observer);

}  // namespace trustctl
