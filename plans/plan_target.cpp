#include "plans/plan_target.hpp"

#include <algorithm>
#include <map>

namespace trustctl::plans {
namespace {

bool listed(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join_names(const std::vector<std::string>& names, std::size_t at_most = 20) {
  std::string out;
  for (std::size_t k = 0; k < names.size() && k < at_most; ++k) out += (k ? ", " : "") + names[k];
  if (names.size() > at_most) out += ", ... (" + std::to_string(names.size() - at_most) + " more)";
  return out;
}

Result<void> check_names(const std::vector<std::string>& asked, const std::vector<std::string>& known,
                         const std::string& option, const std::string& what, const Site& site) {
  for (const auto& name : asked) {
    if (listed(known, name)) continue;
    return fail(ErrorCode::invalid_site, option + " " + name + ": " + site.file.string() + " has no " + what +
                                             " of that name (its " + what + "s: " + join_names(known) + ")");
  }
  return {};
}

}  // namespace

Result<std::set<std::string>> select_nodes(const Site& site, const PlanTarget& target) {
  std::vector<std::string> clusters, nodes;
  std::set<std::string> selected;
  for (const auto& c : site.clusters) {
    clusters.push_back(c.name);
    for (const auto& n : c.nodes) nodes.push_back(n.name);
  }
  if (auto ok = check_names(target.clusters, clusters, "--cluster", "cluster", site); !ok) return fail(ok.error());
  if (auto ok = check_names(target.nodes, nodes, "--node", "node", site); !ok) return fail(ok.error());
  if (auto ok = check_names(target.exclude_clusters, clusters, "--exclude-cluster", "cluster", site); !ok) {
    return fail(ok.error());
  }
  if (auto ok = check_names(target.exclude_nodes, nodes, "--exclude-node", "node", site); !ok) return fail(ok.error());

  const bool only_some = !target.clusters.empty() || !target.nodes.empty();
  for (const auto& c : site.clusters) {
    for (const auto& n : c.nodes) {
      bool in = !only_some || listed(target.clusters, c.name) || listed(target.nodes, n.name);
      bool out = listed(target.exclude_clusters, c.name) || listed(target.exclude_nodes, n.name);
      if (in && !out) selected.insert(n.name);
    }
  }
  if (selected.empty()) {
    return fail(ErrorCode::invalid_site, "--cluster/--node/--exclude-cluster/--exclude-node leave no node of " +
                                             site.file.string() + " selected; name at least one node to work on");
  }
  return selected;
}

void limit_plan(Plan& plan, const std::set<std::string>& nodes, const PlanTarget& target) {
  plan.target = target;
  plan.target.pulled_in.clear();
  if (!target.partial()) return;
  const ActionGraph& graph = plan.graph;
  std::vector<bool> keep(graph.size(), false);
  std::vector<ActionGraph::Index> work;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    if (nodes.count(graph.action(i).node)) {
      keep[i] = true;
      work.push_back(i);
    }
  }
  // Every action a kept one comes after, restarts included: dropping a predecessor would run a targeted action
  // before what the vendor order puts ahead of it (a restart that loads the CA an upload's chain check needs).
  while (!work.empty()) {
    auto i = work.back();
    work.pop_back();
    for (auto before : graph.predecessors(i)) {
      if (keep[before]) continue;
      keep[before] = true;
      work.push_back(before);
    }
  }

  ActionGraph limited;
  std::map<ActionGraph::Index, ActionGraph::Index> renumbered;
  std::set<std::string> touched(nodes.begin(), nodes.end());
  for (auto i : plan.order) {
    if (!keep[i]) continue;
    const Action& a = graph.action(i);
    if (!nodes.count(a.node)) plan.target.pulled_in.push_back(a.id());
    touched.insert(a.node);
    renumbered[i] = limited.add(a);
  }
  for (const auto& [before, after] : graph.edges()) {
    if (keep[before] && keep[after]) limited.order(renumbered[before], renumbered[after], graph.rule_of(before, after));
  }
  std::vector<ActionGraph::Index> order;
  for (auto i : plan.order) {
    if (keep[i]) order.push_back(renumbered[i]);
  }
  plan.graph = std::move(limited);
  plan.order = std::move(order);
  std::erase_if(plan.manual_restarts, [&](const Action& a) { return !nodes.count(a.node); });
  std::erase_if(plan.observed, [&](const auto& entry) { return !touched.count(entry.first); });
}

std::string describe_target(const PlanTarget& target) {
  if (!target.partial()) return {};
  std::string out = "Partial plan, limited to";
  if (!target.clusters.empty()) out += " cluster(s) " + join_names(target.clusters);
  if (!target.nodes.empty()) out += (target.clusters.empty() ? " node(s) " : " and node(s) ") + join_names(target.nodes);
  if (target.clusters.empty() && target.nodes.empty()) out += " the whole site";
  if (!target.exclude_clusters.empty()) out += ", without cluster(s) " + join_names(target.exclude_clusters);
  if (!target.exclude_nodes.empty()) out += ", without node(s) " + join_names(target.exclude_nodes);
  out += ": nothing else is changed or restarted; restarts the journal owes elsewhere stay owed.";
  if (!target.pulled_in.empty()) {
    out += " Pulled in because targeted actions must come after them: " + join_names(target.pulled_in) +
           ". A restart they owe that is not listed stays owed in the journal until a plan covers its node.";
  }
  return out;
}

}  // namespace trustctl::plans
