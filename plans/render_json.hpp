#pragma once
// The plan for pipelines: versioned JSON (schemas/plan.schema.json).

#include "plans/plan.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace trustctl::plans {

inline constexpr int kPlanFormatVersion = 1;

// The whole plan, with its "format_version" and its lint findings ("lint"). The command line adds "trustctl_version"
// to what it prints (cli/output/machine_output.hpp), the saved plan to what it saves (plan_file.hpp), so the goldens
// do not change with every release.
nlohmann::json plan_to_json(const Plan& plan);
// The plan as `trustctl plan --format json` prints it, the same text as cli::print_json(plan_to_json(plan)):
// plan_to_json's document with "trustctl_version", indented as nlohmann's dump(2) indents it, bytes that are not
// UTF-8 replaced, and a newline. Written to `out` a few megabytes at a time as it is made, never built as a tree: at
// a fleet's size the tree is hundreds of megabytes and takes longer to build and free than the text to write.
void print_plan_json(std::ostream& out, const Plan& plan);
nlohmann::json finding_to_json(const PlanFinding& finding);
nlohmann::json lint_to_json(const PlanLint& lint);

}  // namespace trustctl::plans
