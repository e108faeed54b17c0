#pragma once
// The planner's stages, in the order make_plan runs them (plans/diff.cpp). Each works on one PlanDraft and can be
// run and tested on its own:
//   resolve         integrations and identity policies -> trust requirements and identity changes
//   diff_trust      each requirement against the live stores -> upload, wait for replication, or delete
//   add_identities  the identity changes, each owing its unit's restarts
//   prune           with policy.prune: entries trustctl added that no requirement wants any more
//   plan_restarts   the restarts owed (changes, the journal, stale ports) -> restart actions, in product order
//   order           the ordering rules (engine/graph/ordering_rules.hpp) and a run order

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/state/managed_record.hpp"
#include "engine/state/pending_restart.hpp"
#include "plans/identity.hpp"
#include "plans/plan.hpp"
#include "plans/requirements.hpp"
#include "plans/restart_list.hpp"

#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace trustctl::plans {

struct PlanDraft {
  PlanDraft(const Site& s, const LiveState& l, const ProviderLookup& p);

  const Site& site;
  const LiveState& live;
  const ProviderLookup& providers;
  std::unordered_map<std::string, const Cluster*> clusters_by_name;  // a fleet has thousands of clusters

  std::vector<TrustRequirement> requirements;  // resolve
  IdentityChanges identities;                  // resolve
  Plan plan;                                   // every stage adds to it
  RestartList restarts;                        // every change owes into it; plan_restarts turns it into actions
  // (node, store, fingerprint) -> the change planned for it (kNoChange when nothing was needed)
  static constexpr ActionGraph::Index kNoChange = static_cast<ActionGraph::Index>(-1);
  std::map<std::tuple<std::string, std::string, std::string>, ActionGraph::Index> planned;

  const NodeState* node_state(const std::string& node) const;
};

Result<void> resolve(PlanDraft& draft, TimePoint now);
Result<void> diff_trust(PlanDraft& draft);
void add_identities(PlanDraft& draft);
void prune(PlanDraft& draft, const ManagedRecord* managed);
void plan_restarts(PlanDraft& draft, const std::vector<PendingRestart>& pending);
Result<void> order(PlanDraft& draft);

}  // namespace trustctl::plans
