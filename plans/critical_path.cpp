#include "plans/critical_path.hpp"

#include <algorithm>
#include <map>

namespace trustctl::plans {

double action_seconds(const Action& action, const DurationModel& model) {
  switch (action.kind) {
    case ActionKind::upload_trust: return model.command_s;       // set cert import trust (paste in the same exchange)
    case ActionKind::delete_trust: return model.command_s;
    case ActionKind::wait_replication: return model.replication_s;
    case ActionKind::restart_service: return model.restart_s + model.command_s;  // restart, then utils service list
    case ActionKind::restart_system: return model.system_restart_s + model.command_s;
    case ActionKind::renew_identity: return 4 * model.command_s;  // csr gen, show csr, import own, show cert own
    case ActionKind::regenerate_identity: return 2 * model.command_s;
    case ActionKind::install_identity: return 2 * model.command_s;  // import own, show cert own
    case ActionKind::wait_identity: return model.replication_s;
    case ActionKind::export_csr: return 2 * model.command_s;  // csr gen, show csr
  }
  return 0;
}

double critical_path_seconds(const Plan& plan, const DurationModel& model) {
  std::vector<double> finish(plan.graph.size(), 0.0);
  double longest = 0;
  for (auto i : plan.order) {  // topological: every predecessor is already finished
    double start = 0;
    for (auto pre : plan.graph.predecessors(i)) start = std::max(start, finish[pre]);
    finish[i] = start + action_seconds(plan.graph.action(i), model);
    longest = std::max(longest, finish[i]);
  }
  std::map<std::string, double> per_node;
  for (const auto& a : plan.graph.actions()) per_node[a.node] += action_seconds(a, model);
  for (const auto& [node, total] : per_node) longest = std::max(longest, total);
  return longest;
}

}  // namespace trustctl::plans
