#include "plans/diff.hpp"

#include "plans/plan_stages.hpp"

namespace trustctl::plans {

// The stages in order (plans/plan_stages.hpp says what each does).
Result<Plan> make_plan(const Site& site, const LiveState& live, const ProviderLookup& providers,
                       const std::vector<PendingRestart>& pending, const ManagedRecord* managed) {
  PlanDraft draft(site, live, providers);
  if (auto resolved = resolve(draft, now_utc()); !resolved) return fail(resolved.error());
  if (auto diffed = diff_trust(draft); !diffed) return fail(diffed.error());
  add_identities(draft);
  prune(draft, managed);
  plan_restarts(draft, pending);
  if (auto ordered = order(draft); !ordered) return fail(ordered.error());
  return std::move(draft.plan);
}

}  // namespace trustctl::plans
