#include "plans/estimate.hpp"

#include "plans/critical_path.hpp"
#include "plans/restart_waves.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace trustctl::plans {
namespace {

double tenths(double seconds) { return std::round(seconds * 10) / 10; }

// Per node, the longest chain of its restarts: restarts ordered one after another add up, restarts together overlap.
std::map<std::string, double> restart_chains(const Plan& plan, const DurationModel& model) {
  std::vector<double> finish(plan.graph.size(), 0.0);
  std::map<std::string, double> out;
  for (auto i : plan.order) {
    const Action& a = plan.graph.action(i);
    if (!a.restarts()) continue;
    double start = 0;
    for (auto pre : plan.graph.predecessors(i)) {
      const Action& before = plan.graph.action(pre);
      if (before.restarts() && before.node == a.node) start = std::max(start, finish[pre]);
    }
    finish[i] = start + action_seconds(a, model);
    double& longest = out[a.node];
    longest = std::max(longest, finish[i]);
  }
  return out;
}

std::optional<OtherRestartChoice> other_restart_choice(const Plan& plan, const DurationModel& model) {
  std::map<std::string, int> services;
  std::set<std::string> several;  // nodes that restart two services or more: the only ones the choice changes
  for (const auto& a : plan.graph.actions()) {
    if (a.kind == ActionKind::restart_service && ++services[a.node] == 2) several.insert(a.node);
  }
  // The choice is the site's: a plan that does not say where its nodes sit (a test's, hand-made) has none to weigh.
  if (several.empty() || !std::all_of(several.begin(), several.end(), [&](const std::string& node) {
        return plan.topology.count(node) > 0;
      })) {
    return std::nullopt;
  }
  const bool all_together = std::all_of(several.begin(), several.end(), [&](const std::string& node) {
    auto it = plan.topology.find(node);
    return it != plan.topology.end() && it->second.services == ServiceRestarts::together;
  });
  OtherRestartChoice other{all_together ? ServiceRestarts::one_by_one : ServiceRestarts::together, 0};
  Plan alternative;
  alternative.graph = rules::reorder_restarts(plan.graph, with_service_restarts(plan.topology, other.restart_services));
  auto order = alternative.graph.topological_order();
  if (!order) return std::nullopt;  // cannot happen: the restart rules only order restarts after the rest
  alternative.order = std::move(*order);
  other.duration_s = tenths(critical_path_seconds(alternative, model));
  return other;
}

}  // namespace

double node_restart_seconds(const Plan& plan, const std::string& node) {
  const auto chains = restart_chains(plan, DurationModel::from(plan.timing, plan.units));
  auto it = chains.find(node);
  return it == chains.end() ? 0 : it->second;
}

Estimate estimate(const Plan& plan) {
  const DurationModel model = DurationModel::from(plan.timing, plan.units);
  Estimate out;
  out.duration_s = tenths(critical_path_seconds(plan, model));
  out.other = other_restart_choice(plan, model);
  const auto chains = restart_chains(plan, model);
  std::map<std::string, int> restarts;
  for (const auto& a : plan.graph.actions()) {
    if (a.restarts()) ++restarts[a.node];
  }
  for (const auto& wave : restart_waves(plan)) {
    for (const auto& down : wave.nodes) {
      NodeDowntime node;
      node.node = down.node;
      node.cluster = wave.cluster;
      auto chain = chains.find(down.node);
      node.down_s = tenths(chain == chains.end() ? 0 : chain->second);
      node.restarts = restarts[down.node];
      out.per_node.push_back(std::move(node));
    }
  }
  return out;
}

std::string format_duration(double seconds) {
  char buffer[32];
  if (seconds < 10) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", std::round(seconds * 10) / 10);
    std::string text = buffer;
    if (text.ends_with(".0s")) text.erase(text.size() - 3, 2);  // "3s", not "3.0s"
    return text;
  }
  const long long total = std::llround(seconds);
  const long long h = total / 3600, m = total % 3600 / 60, s = total % 60;
  std::string out;
  auto part = [&](long long value, const char* unit) {
    if (value == 0) return;
    out += (out.empty() ? "" : " ") + std::to_string(value) + unit;
  };
  part(h, "h");
  part(m, "m");
  if (h == 0) part(s, "s");  // an hour-long window is not read to the second
  return out;
}

std::string estimate_line(const Estimate& estimate) {
  std::string out = "Estimated duration: " + format_duration(estimate.duration_s) + " (critical path";
  if (estimate.other) {
    out += std::string("; ") + format_duration(estimate.other->duration_s) + " with restart_services = \"" +
           to_string(estimate.other->restart_services) + "\"";
  }
  out += ")";
  if (estimate.per_node.empty()) return out;
  out += "; services down per node:";
  std::string cluster;
  for (std::size_t k = 0; k < estimate.per_node.size(); ++k) {
    const NodeDowntime& node = estimate.per_node[k];
    if (k == 0 || node.cluster != cluster) {
      out += std::string(k == 0 ? " " : "; ") + node.cluster + ":";
      cluster = node.cluster;
    } else {
      out += ",";
    }
    out += " " + node.node + " " + format_duration(node.down_s);
  }
  return out;
}

}  // namespace trustctl::plans
