#include "cli/stages/deadline_runner.hpp"

#include "plans/estimate.hpp"

#include <algorithm>

namespace trustctl::cli {

DeadlineRunner::DeadlineRunner(ActionRunner& inner, const plans::Plan& plan, WallClock::time_point deadline, Now now)
    : m_inner(inner), m_plan(plan), m_deadline(deadline), m_now(now) {}

Result<void> DeadlineRunner::run(const Action& action) {
  if (action.restarts()) {
    std::lock_guard lock(m_mutex);
    // Only a node's first restart opens its wave; a retry of it, or its later restarts, belong to the wave. Restarts
    // together start at once: the first one decides for the node, the others follow that decision.
    if (m_refused_nodes.count(action.node)) {
      return fail(Error(ErrorCode::cancelled, "not started: " + action.node + "'s restart wave was refused before the "
                                              "--deadline; this restart stays owed in the journal and the next apply "
                                              "runs it")
                      .on(action.node, action.describe()));
    }
    if (!m_started.count(action.node)) {
      const double needs = plans::node_restart_seconds(m_plan, action.node);
      const double left = std::chrono::duration<double>(m_deadline - m_now()).count();
      if (needs > left) {
        m_refused.push_back({action.node, needs, std::max(0.0, left)});
        m_refused_nodes.insert(action.node);
        return fail(Error(ErrorCode::cancelled,
                          "not started: " + action.node + "'s restarts need about " + plans::format_duration(needs) +
                              " (the plan's estimate from [timing]) and " +
                              (left > 0 ? "only " + plans::format_duration(left) + " is left" : "no time is left") +
                              " before the --deadline; they stay owed in the journal and the next apply runs them")
                        .on(action.node, action.describe()));
      }
      m_started.insert(action.node);
    }
  }
  return m_inner.run(action);
}

std::vector<RefusedWave> DeadlineRunner::refused() const {
  std::lock_guard lock(m_mutex);
  return m_refused;
}

}  // namespace trustctl::cli
