#include "plans/estimate.hpp"

#include "plans/critical_path.hpp"
#include "plans/restart_waves.hpp"

#include <cmath>
#include <cstdio>
#include <map>

namespace trustctl::plans {
namespace {

double tenths(double seconds) { return std::round(seconds * 10) / 10; }

}  // namespace

double node_restart_seconds(const Plan& plan, const std::string& node) {
  const DurationModel model = DurationModel::from(plan.timing);
  double total = 0;
  for (const auto& a : plan.graph.actions()) {
    if (a.node == node && a.restarts()) total += action_seconds(a, model);
  }
  return total;
}

Estimate estimate(const Plan& plan) {
  const DurationModel model = DurationModel::from(plan.timing);
  Estimate out;
  out.duration_s = tenths(critical_path_seconds(plan, model));
  std::map<std::string, NodeDowntime> by_node;
  for (const auto& a : plan.graph.actions()) {
    if (!a.restarts()) continue;
    NodeDowntime& node = by_node[a.node];
    node.down_s += action_seconds(a, model);
    ++node.restarts;
  }
  for (const auto& wave : restart_waves(plan)) {
    for (const auto& down : wave.nodes) {
      NodeDowntime node = by_node[down.node];
      node.node = down.node;
      node.cluster = wave.cluster;
      node.down_s = tenths(node.down_s);
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
  std::string out = "Estimated duration: " + format_duration(estimate.duration_s) + " (critical path)";
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
