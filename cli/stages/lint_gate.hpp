#pragma once
// Stage 4, the lint gate of plan and apply: every certificate the plan uploads (against the store it lands in, live content
// plus what the plan adds before it) and every certificate the site references. Error findings block apply unless
// policy.lint = "warn".

#include "cli/stages/run_context.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "plans/plan.hpp"
#include "providers/pki/lint/finding.hpp"

#include <string>
#include <vector>

namespace trustctl::cli {

std::vector<pki::lint::Finding> lint_plan(const Site& site, const LiveState& live, const plans::Plan& plan);

bool lint_blocks_apply(const std::vector<pki::lint::Finding>& findings, const Site& site);

// The gate itself: true when apply may go on; otherwise the error findings are reported, with what to do, and
// nothing has been changed.
bool pass_lint_gate(const RunContext& context);

}  // namespace trustctl::cli
