#pragma once
// apply --deadline: a restart wave (a node's restarts, from its first) is started only if the plan's estimate says it
// ends before the deadline (plans/estimate.hpp, from the site's [timing]). A wave that would not is refused before
// anything is sent, so its restarts stay owed in the journal (JournaledRun journaled them before the writes that owe
// them) and the next plan runs them; the node's later restarts and the nodes rolling after it are skipped as
// depending on it. A wave already started finishes: stopping a node half restarted would leave it worse.

#include "engine/base/deadline.hpp"
#include "engine/exec/action_runner.hpp"
#include "plans/plan.hpp"

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace trustctl::cli {

struct RefusedWave {
  std::string node;
  double needs_s = 0;  // the node's restarts, as estimated
  double left_s = 0;   // time left before the deadline when the wave was due
};

class DeadlineRunner final : public ActionRunner {
 public:
  using Now = WallClock::time_point (*)();
  DeadlineRunner(ActionRunner& inner, const plans::Plan& plan, WallClock::time_point deadline,
                 Now now = &WallClock::now);

  Result<void> run(const Action& action) override;

  // The waves refused, in the order they were due.
  std::vector<RefusedWave> refused() const;

 private:
  ActionRunner& m_inner;
  const plans::Plan& m_plan;
  WallClock::time_point m_deadline;
  Now m_now;
  mutable std::mutex m_mutex;       // run() is called from several worker threads
  std::set<std::string> m_started;  // nodes whose wave was started
  std::set<std::string> m_refused_nodes;  // nodes whose wave was refused
  std::vector<RefusedWave> m_refused;
};

}  // namespace trustctl::cli
