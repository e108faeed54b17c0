#pragma once
// The lower bound on how long a plan can take: the longest path through the DAG, with each action's expected
// duration, and no node doing two things at once (one CLI session per node). Apply's speed is judged against it.

#include "plans/plan.hpp"

namespace trustctl::plans {

struct DurationModel {
  double command_s = 0.2;      // one CLI command round trip (the appliance's latency)
  double restart_s = 5.0;      // one service restart
  double system_restart_s = 15.0;  // one `utils system restart` until the node answers again
  double replication_s = 2.0;  // publisher -> subscriber
};

double action_seconds(const Action& action, const DurationModel& model);

// max(longest weighted path, busiest node's total work).
double critical_path_seconds(const Plan& plan, const DurationModel& model);

}  // namespace trustctl::plans
