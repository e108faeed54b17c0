#include "plans/plan_compare.hpp"

#include <map>
#include <set>
#include <tuple>

namespace trustctl::plans {
namespace {

using nlohmann::json;

std::string short_text(const json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  return text.size() > 120 ? text.substr(0, 117) + "..." : text;
}

std::string action_label(const json& action) {
  if (!action.is_object()) return short_text(action);
  auto id = action.find("id");
  auto description = action.find("description");
  std::string label = id != action.end() ? short_text(*id) : std::string("(no id)");
  if (description != action.end() && description->is_string()) label += " (" + short_text(*description) + ")";
  return label;
}

std::map<std::string, json> by_id(const json& list) {
  std::map<std::string, json> out;
  if (!list.is_array()) return out;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const json& action = list[k];
    std::string id = action.is_object() && action.contains("id") && action["id"].is_string()
                         ? action["id"].get<std::string>()
                         : "#" + std::to_string(k);
    out.emplace(id, action);
  }
  return out;
}

void compare_actions(const char* key, const json& reviewed, const json& now, std::vector<std::string>& out) {
  auto was = by_id(reviewed.is_object() ? reviewed.value(key, json::array()) : json::array());
  auto is = by_id(now.is_object() ? now.value(key, json::array()) : json::array());
  std::string where = std::string(key) == "actions" ? "" : std::string(" (") + key + ")";
  for (const auto& [id, action] : is) {
    if (!was.count(id)) out.push_back("would run now but the reviewed plan does not hold it" + where + ": " +
                                      action_label(action));
  }
  for (const auto& [id, action] : was) {
    auto current = is.find(id);
    if (current == is.end()) {
      out.push_back("the reviewed plan holds it but it would not run now" + where + ": " + action_label(action));
      continue;
    }
    if (action == current->second) continue;
    for (const auto& field : json::diff(action, current->second)) {
      std::string path = field.value("path", "");
      std::string op = field.value("op", "");
      std::string line = "action " + id + where + ": " + (path.empty() ? "the action" : path.substr(1));
      if (op == "remove") line += " is in the reviewed plan only";
      else if (op == "add") line += " would be added now (" + short_text(field.value("value", json())) + ")";
      else line += " differs (now: " + short_text(field.value("value", json())) + ")";
      out.push_back(line);
    }
  }
}

// Edges are saved by position in the run order; compared by the ids they join, so a reordering shows as edges.
std::set<std::tuple<std::string, std::string, std::string>> edges_by_id(const json& doc) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  if (!doc.is_object() || !doc.contains("edges") || !doc["edges"].is_array()) return out;
  const json& actions = doc.value("actions", json::array());
  auto id_at = [&](const json& index) -> std::string {
    if (!index.is_number_integer() || !actions.is_array()) return "?";
    auto k = index.get<long long>();
    if (k < 0 || k >= static_cast<long long>(actions.size())) return "?";
    const json& a = actions[static_cast<std::size_t>(k)];
    return a.is_object() && a.contains("id") && a["id"].is_string() ? a["id"].get<std::string>() : "?";
  };
  for (const auto& e : doc["edges"]) {
    if (!e.is_object()) continue;
    out.emplace(id_at(e.value("before", json())), id_at(e.value("after", json())), short_text(e.value("rule", json())));
  }
  return out;
}

void compare_edges(const json& reviewed, const json& now, std::vector<std::string>& out) {
  auto was = edges_by_id(reviewed);
  auto is = edges_by_id(now);
  for (const auto& [before, after, rule] : is) {
    if (!was.count({before, after, rule})) {
      out.push_back("ordering " + before + " -> " + after + " (" + rule + ") would apply now but is not reviewed");
    }
  }
  for (const auto& [before, after, rule] : was) {
    if (!is.count({before, after, rule})) {
      out.push_back("ordering " + before + " -> " + after + " (" + rule + ") is reviewed but would not apply now");
    }
  }
}

}  // namespace

std::vector<std::string> plan_differences(const json& reviewed, const json& now) {
  std::vector<std::string> out;
  if (reviewed == now) return out;
  compare_actions("actions", reviewed, now, out);
  compare_actions("manual_restarts", reviewed, now, out);
  compare_edges(reviewed, now, out);
  // Everything else (certificates, notes, summary, layout, site): by JSON path.
  json rest_was = reviewed.is_object() ? reviewed : json::object();
  json rest_is = now.is_object() ? now : json::object();
  for (const char* key : {"actions", "manual_restarts", "edges"}) {
    rest_was.erase(key);
    rest_is.erase(key);
  }
  for (const auto& field : json::diff(rest_was, rest_is)) {
    std::string path = field.value("path", "");
    std::string op = field.value("op", "");
    std::string name = path.empty() ? std::string("the document") : path.substr(1);
    if (op == "remove") out.push_back(name + ": only in the reviewed plan");
    else if (op == "add") out.push_back(name + ": only in the plan computed now (" + short_text(field.value("value", json())) + ")");
    else out.push_back(name + ": differs (now: " + short_text(field.value("value", json())) + ")");
  }
  // The documents differ even if no line could say how (the same content in another key order cannot happen with
  // nlohmann::json objects, but a caller must never be told "no differences" for unequal plans).
  if (out.empty()) out.push_back("the reviewed plan and the plan computed now differ");
  return out;
}

}  // namespace trustctl::plans
