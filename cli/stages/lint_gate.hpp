#pragma once
// The lint gate of plan and apply: every certificate the plan uploads (against the store it lands in, live content
// plus what the plan adds before it) and every certificate the site references. Error findings block apply unless
// policy.lint = "warn".

#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "plans/plan.hpp"
#include "providers/pki/lint/finding.hpp"

#include <string>
#include <vector>

namespace trustctl::cli {

std::vector<pki::lint::Finding> lint_plan(const Site& site, const LiveState& live, const plans::Plan& plan);

// Text block for people ("" when there is nothing to say).
std::string render_findings(const std::vector<pki::lint::Finding>& findings, const Site& site);

bool lint_blocks_apply(const std::vector<pki::lint::Finding>& findings, const Site& site);

}  // namespace trustctl::cli
