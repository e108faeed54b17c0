#pragma once
// --cluster/--node/--exclude-cluster/--exclude-node on plan, apply, verify, show and expiry (plans/plan_target.hpp
// says what a partial plan keeps). The names are checked when the site is loaded, before anything is contacted.

#include "cli/commands/commands.hpp"
#include "cli/stages/run_context.hpp"
#include "plans/plan.hpp"

#include <optional>
#include <set>
#include <string>

namespace trustctl::cli {

// The options as a plan records them, and back (apply of a saved plan runs with the plan's own target).
plans::PlanTarget plan_target(const TargetOptions& target);
TargetOptions target_options(const plans::PlanTarget& target);

// The nodes the command works on: every node without targeting options. nullopt after reporting an unknown name or
// an empty selection.
std::optional<std::set<std::string>> target_nodes(const RunContext& context);

// Plan stage: the whole-site plan in context.plan limited to the target (a no-op without targeting options).
bool limit_to_target(RunContext& context);

}  // namespace trustctl::cli
