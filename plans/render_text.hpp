#pragma once
// The plan for people: grouped by node, one mark per action (+ add, - remove, ~ change, ↻ restart, ⏳ wait),
// each with its reason, and a summary that calls out the restarts (they interrupt agents).

#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <string>

namespace trustctl::plans {

struct TextStyle {
  bool color = false;
};

std::string render_text(const Plan& plan, const Site& site, const TextStyle& style);
std::string render_summary_line(const PlanSummary& summary);

}  // namespace trustctl::plans
