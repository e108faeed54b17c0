#pragma once
// The plan for pipelines: versioned JSON (schemas/plan.schema.json).

#include "plans/plan.hpp"

#include <nlohmann/json.hpp>

namespace trustctl::plans {

inline constexpr int kPlanFormatVersion = 1;

nlohmann::json plan_to_json(const Plan& plan);

}  // namespace trustctl::plans
