#pragma once
// The lower bound on how long a plan can take: the longest path through the DAG, with each action's expected
// duration, and no node doing two things at once (one CLI session per node). Apply's speed is judged against it, and
// the plan's estimate of the change window (plans/estimate.hpp) is computed with it.

#include "engine/model/timing.hpp"
#include "plans/plan.hpp"

#include <map>
#include <string>

namespace trustctl::plans {

struct DurationModel {
  double command_s = 0.2;      // one CLI exchange (a command, an answer to its question, a paste): the latency
  double restart_s = 5.0;      // one service restart, beyond its command's own exchange
  std::map<std::string, double> restart_by_service;  // services with their own restart_s (names case-insensitive)
  double system_restart_s = 15.0;  // one `utils system restart` until the node answers again
  double replication_s = 2.0;  // publisher -> subscriber
  std::string pinned_unit;     // the identity unit whose new certificate the runner reads back once more to pin it

  // The site's [timing] (docs/site-format.md), for a plan whose identity actions name `units`.
  static DurationModel from(const Timing& timing, const CertificateUnits& units);
  double restart_for(const std::string& service) const;
};

// How many CLI exchanges the VOS runner (providers/vos/vos_action_runner.cpp) sends for the action, its own duration
// (a restart's, a replication's) aside.
int action_exchanges(const Action& action, const std::string& pinned_unit);

double action_seconds(const Action& action, const DurationModel& model);

// max(longest weighted path, busiest node's total work).
double critical_path_seconds(const Plan& plan, const DurationModel& model);

}  // namespace trustctl::plans
