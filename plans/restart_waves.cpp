#include "plans/restart_waves.hpp"

#include "engine/graph/ordering_rules.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace trustctl::plans {

std::vector<ClusterRestarts> restart_waves(const Plan& plan) {
  std::vector<ClusterRestarts> out;
  std::map<std::string, std::size_t> slot;  // cluster -> its place in out
  for (auto i : plan.order) {
    const Action& a = plan.graph.action(i);
    if (!a.restarts()) continue;
    auto [it, added] = slot.try_emplace(a.cluster, out.size());
    if (added) out.push_back({a.cluster, true, {}});
    ClusterRestarts& cluster = out[it->second];
    auto node = std::find_if(cluster.nodes.begin(), cluster.nodes.end(), [&](const NodeDown& n) { return n.node == a.node; });
    if (node == cluster.nodes.end()) node = cluster.nodes.insert(cluster.nodes.end(), NodeDown{a.node, false, {}});
    if (a.kind == ActionKind::restart_system) {
      node->whole = true;
    } else {
      node->services.push_back(a.service);
    }
  }
  for (auto& cluster : out) {
    for (auto& node : cluster.nodes) {
      auto placement = plan.topology.find(node.node);
      node.together = !node.whole && node.services.size() > 1 && placement != plan.topology.end() &&
                      placement->second.services == ServiceRestarts::together;
    }
  }
  // Rolling when every node after the first waits for the one before it.
  std::map<std::string, std::set<std::pair<std::string, std::string>>> rolled;  // cluster -> (before, after) nodes
  for (const auto& [before, after] : plan.graph.edges()) {
    if (plan.graph.rule_of(before, after) != rules::kRollingRestarts) continue;
    const Action& b = plan.graph.action(before);
    rolled[b.cluster].emplace(b.node, plan.graph.action(after).node);
  }
  for (auto& cluster : out) {
    for (std::size_t k = 1; k < cluster.nodes.size(); ++k) {
      if (!rolled[cluster.cluster].count({cluster.nodes[k - 1].node, cluster.nodes[k].node})) cluster.rolling = false;
    }
  }
  return out;
}

std::string what_goes_down(const NodeDown& node) {
  if (node.whole) return "whole node";
  return std::to_string(node.services.size()) + (node.services.size() == 1 ? " service" : " services") +
         (node.together ? " together" : "");
}

std::string restart_pace(const std::vector<ClusterRestarts>& waves) {
  std::vector<std::string> at_once;
  for (const auto& cluster : waves) {
    if (!cluster.rolling) at_once.push_back(cluster.cluster);
  }
  if (at_once.empty()) return "Rolling: one node of a cluster at a time.";
  if (at_once.size() == waves.size()) return "All at once.";
  std::string out = "Rolling: one node of a cluster at a time, except all at once in";
  for (std::size_t k = 0; k < at_once.size(); ++k) out += (k ? ", " : " ") + at_once[k];
  return out + ".";
}

}  // namespace trustctl::plans
