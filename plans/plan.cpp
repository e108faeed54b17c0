#include "plans/plan.hpp"

namespace trustctl::plans {

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& a : graph.actions()) {
    switch (a.kind) {
      case ActionKind::upload_trust: ++s.add; break;
      case ActionKind::wait_replication:
      case ActionKind::wait_identity: ++s.waits; break;
      case ActionKind::delete_trust: ++s.remove; break;
      case ActionKind::restart_service:
      case ActionKind::restart_system: ++s.restarts; break;
      case ActionKind::renew_identity:
      case ActionKind::regenerate_identity:
      case ActionKind::install_identity:
      case ActionKind::export_csr: ++s.change; break;
    }
  }
  s.manual_restarts = static_cast<int>(manual_restarts.size());
  return s;
}

}  // namespace trustctl::plans
