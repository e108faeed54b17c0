#pragma once
// Diff: desired state (requirements) against live state (refresh) gives the actions, each with its reason; the
// ordering rules then turn them into a DAG.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/state/managed_record.hpp"
#include "engine/state/pending_restart.hpp"
#include "plans/plan.hpp"
#include "plans/requirements.hpp"

#include <vector>

namespace trustctl::plans {

// managed: what trustctl added earlier; with policy.prune, those the site no longer wants are deleted.
Result<Plan> make_plan(const Site& site, const LiveState& live, const ProviderLookup& providers,
                       const std::vector<PendingRestart>& pending = {}, const ManagedRecord* managed = nullptr);

}  // namespace trustctl::plans
