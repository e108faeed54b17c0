#include "plans/critical_path.hpp"

#include <algorithm>
#include <map>

namespace trustctl::plans {

DurationModel DurationModel::from(const Timing& timing, const CertificateUnits& units) {
  return {.command_s = timing.command_s,
          .restart_s = timing.restart_s,
          .restart_by_service = timing.restart_by_service,
          .system_restart_s = timing.system_restart_s,
          .replication_s = timing.replication_s,
          .pinned_unit = units.identity};
}

double DurationModel::restart_for(const std::string& service) const {
  Timing timing;
  timing.restart_s = restart_s;
  timing.restart_by_service = restart_by_service;
  return timing.restart_for(service);
}

// Counted from what the runner sends; every exchange waits for the appliance's answer. A new RSA identity (the one the
// platform port presents) is read back once more to pin it (pin_new_identity).
int action_exchanges(const Action& action, const std::string& pinned_unit) {
  const int pin = !pinned_unit.empty() && action.store == pinned_unit ? 1 : 0;
  switch (action.kind) {
    case ActionKind::upload_trust: return 2;   // set cert import trust, the paste
    case ActionKind::delete_trust: return 3;   // set cert delete, "yes", show cert list trust (still listed?)
    case ActionKind::wait_replication: return 2;  // show cert list trust, show cert trust of the entry
    case ActionKind::restart_service: return 2;   // utils service restart, utils service list
    case ActionKind::restart_system: return 2;    // utils system restart, "yes" (then the session comes back)
    case ActionKind::renew_identity: return 6 + pin;  // set csr gen, its OU answer, show csr own, import own, paste,
                                                      // show cert own
    case ActionKind::regenerate_identity: return 2 + pin;  // set cert regen, "yes"
    case ActionKind::install_identity: return 3 + pin;     // import own, paste, show cert own
    case ActionKind::wait_identity: return 1 + pin + (action.certificate ? 0 : 1);  // the node's, the publisher's
    case ActionKind::export_csr: return 3;  // set csr gen, its OU answer, show csr own
  }
  return 0;
}

double action_seconds(const Action& action, const DurationModel& model) {
  double own = 0;
  switch (action.kind) {
    case ActionKind::restart_service: own = model.restart_for(action.service); break;
    case ActionKind::restart_system: own = model.system_restart_s; break;
    case ActionKind::wait_replication:
    case ActionKind::wait_identity: own = model.replication_s; break;
    default: break;
  }
  return own + action_exchanges(action, model.pinned_unit) * model.command_s;
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
  for (const auto& a : plan.graph.actions()) per_node[a.lane()] += action_seconds(a, model);
  for (const auto& [node, total] : per_node) longest = std::max(longest, total);
  return longest;
}

}  // namespace trustctl::plans
