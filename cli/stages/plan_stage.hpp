#pragma once
// Stage 3, plan: the journal's owed restarts and the managed record, the diff of the site against what refresh read,
// and the lint findings of what the plan would run (the lint gate decides what they block).

#include "cli/stages/run_context.hpp"

namespace trustctl::cli {

// Needs refresh first (context.live). Fills context.owed, managed, plan and findings. False after reporting errors.
bool plan(RunContext& context);

// refresh and plan in a row, for the commands that only need the plan. False after reporting errors.
bool refresh_and_plan(RunContext& context);

}  // namespace trustctl::cli
