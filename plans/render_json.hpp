#pragma once
// The plan for pipelines: versioned JSON (schemas/plan.schema.json).

#include "plans/plan.hpp"

#include <nlohmann/json.hpp>

namespace trustctl::plans {

inline constexpr int kPlanFormatVersion = 1;

// The whole plan, with its "format_version" and its lint findings ("lint"). The command line adds "trustctl_version"
// to what it prints (cli/output/machine_output.hpp), the saved plan to what it saves (plan_file.hpp), so the goldens
// do not change with every release.
nlohmann::json plan_to_json(const Plan& plan);
nlohmann::json finding_to_json(const PlanFinding& finding);
nlohmann::json lint_to_json(const PlanLint& lint);

}  // namespace trustctl::plans
