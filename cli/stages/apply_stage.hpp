#pragma once
// Stage 5, apply: carries out context.plan through the journaled runner (engine/exec/journaled_run.hpp): the apply's
// start and end, every action before and after it runs, and the restarts changes owe, all in the journal; progress
// on stderr (in every format) and, with --format jsonl, one event per action. The caller holds the state lock and
// has passed the lint gate.

#include "cli/stages/run_context.hpp"
#include "engine/exec/executor.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl::cli {

struct ApplyReport {
  std::vector<ActionOutcome> outcomes;  // by graph index
  int done = 0;
  int failed = 0;
  int skipped = 0;
  int held_back = 0;  // restarts apply --deadline did not start: owed in the journal, not failures of the appliance
  std::string interrupted_by;  // "interrupted by SIGTERM": nothing new was started after it
  bool complete() const { return failed + skipped + held_back == 0 && interrupted_by.empty(); }
};

// nullopt after reporting when the journal could not be opened or started (nothing was changed then).
std::optional<ApplyReport> apply(RunContext& context, const ApplyOptions& options, const std::string& apply_id);

}  // namespace trustctl::cli
