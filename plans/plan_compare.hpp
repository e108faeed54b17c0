#pragma once
// What a reviewed (saved) plan says against what would be planned now: apply carries out a saved plan only when the
// two are the same document, so what a reviewer approved is exactly what runs. Any difference (an action added,
// removed or edited, a certificate, an ordering edge, a restart, even one byte of a reason) is listed for people.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace trustctl::plans {

// reviewed: the saved plan file as read; now: plan_to_file_json() of the plan computed from the site and the live
// state, for the same plan file. Empty when they are the same; otherwise one line per difference, actions first.
std::vector<std::string> plan_differences(const nlohmann::json& reviewed, const nlohmann::json& now);

}  // namespace trustctl::plans
