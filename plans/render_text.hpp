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

// The escape codes a text renderer uses: all empty without colour, so callers never branch on it.
struct Palette {
  const char* green = "";
  const char* red = "";
  const char* yellow = "";
  const char* cyan = "";
  const char* bold = "";
  const char* dim = "";
  const char* reset = "";
};
Palette palette(const TextStyle& style);

// UTC calendar forms for people and JSON: "2026-11-22", "2026-11-22T19:40:00Z".
std::string utc_date(TimePoint t);
std::string utc_timestamp(TimePoint t);

// The plan, then its lint findings (each once).
std::string render_text(const Plan& plan, const Site& site, const TextStyle& style);
std::string render_summary_line(const PlanSummary& summary);
// "TC003 error SUBJECT: MESSAGE" (the subject once when the message already opens with it).
std::string finding_headline(const PlanFinding& finding);

}  // namespace trustctl::plans
