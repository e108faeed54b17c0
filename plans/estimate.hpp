#pragma once
// The change window a plan needs, from the site's [timing] (docs/site-format.md): how long apply will take (the
// critical path, plans/critical_path.hpp) and, per node that restarts, how long its agent-facing services are down
// (its restart chain, one restart after another). Text, Markdown and JSON print the same figures; apply --deadline
// uses node_restart_seconds to decide whether a node's restarts can still finish in time.

#include "plans/plan.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl::plans {

struct NodeDowntime {
  std::string node;
  std::string cluster;
  double down_s = 0;  // its restarts back to back, each until its ports answer again
  int restarts = 0;   // service restarts, or 1 for a system restart
};

// The plan's duration had the site chosen the other restart_services ([policy], docs/site-format.md): together
// where some node restarts several services one by one, else one by one.
struct OtherRestartChoice {
  ServiceRestarts restart_services = ServiceRestarts::together;
  double duration_s = 0;
};

struct Estimate {
  double duration_s = 0;              // the critical path
  std::vector<NodeDowntime> per_node;  // nodes that restart, cluster by cluster in run order (plans/restart_waves)
  std::optional<OtherRestartChoice> other;  // none when no node restarts two services or more
};

// Deterministic: the same plan and timing give the same figures, to a tenth of a second, so the saved plan compares
// equal with the one recomputed at apply (plans/plan_compare.hpp).
Estimate estimate(const Plan& plan);

// Seconds the node's restarts take, all of them (what apply --deadline weighs before the node's first restart): their
// sum one by one, the longest of them together (the longest chain of the node's restarts in the graph).
double node_restart_seconds(const Plan& plan, const std::string& node);

// "12m 30s", "6m", "1h 5m", "45s", "2.5s": whole seconds from 10 s up, tenths below.
std::string format_duration(double seconds);

// "Estimated duration: 12m 30s (critical path; 7m 10s with restart_services = \"together\")", then "; services
// down per node: uccx: uccx1 6m, uccx2 6m; sm: sm1 4m" when nodes restart.
std::string estimate_line(const Estimate& estimate);

}  // namespace trustctl::plans
