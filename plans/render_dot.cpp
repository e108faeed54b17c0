#include "plans/render_dot.hpp"

#include "engine/model/printable.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>
#include <vector>

namespace trustctl::plans {
namespace {

// Colours follow the text rendering: green adds, red removes, cyan waits, orange restarts, yellow-brown identities.
const char* colour(ActionKind kind) {
  if (kind == ActionKind::upload_trust) return "darkgreen";
  if (kind == ActionKind::delete_trust) return "red3";
  if (kind == ActionKind::wait_replication) return "deepskyblue4";
  if (kind == ActionKind::restart_service || kind == ActionKind::restart_system) return "darkorange3";
  return "goldenrod4";  // identity changes
}

// Ids by run-order step (a1, a2, ...) rather than graph index: a plan read back from a file renders the same.
std::string action_id(std::size_t step) { return "a" + std::to_string(step); }

}  // namespace

std::string dot_quote(const std::string& text) {
  std::string out = "\"";
  // A line break is Graphviz's own "\n"; any other control character is shown as an escape (printable.hpp).
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (start > 0) out += "\\n";
    for (char c : printable(std::string_view(text).substr(start, end - start))) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    start = end + 1;
  }
  return out + "\"";
}

std::string render_dot(const Plan& plan, const Site& site) {
  std::vector<std::size_t> step(plan.graph.size(), 0);
  for (std::size_t k = 0; k < plan.order.size(); ++k) step[plan.order[k]] = k + 1;
  std::map<std::string, std::vector<ActionGraph::Index>> by_node;
  for (auto i : plan.order) by_node[plan.graph.action(i).node].push_back(i);
  std::map<std::string, std::vector<const Action*>> manual_by_node;
  for (const auto& a : plan.manual_restarts) manual_by_node[a.node].push_back(&a);

  std::ostringstream out;
  out << "digraph " << dot_quote("trustctl plan " + site.name) << " {\n";
  out << "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label="
      << dot_quote("trustctl plan: " + site.name) << "];\n";
  out << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";

  auto action_line = [&](const std::string& id, const Action& a, bool manual) {
    out << "    " << id << " [label=" << dot_quote(a.describe() + (manual ? "\n(manual: not run)" : ""))
        << ", color=" << colour(a.kind) << (manual ? ", style=\"rounded,dashed\"" : "") << "];\n";
  };
  std::size_t manual_count = 0;
  auto node_cluster = [&](const std::string& name, const std::string& label) {
    auto mine = by_node.find(name);
    auto manual = manual_by_node.find(name);
    if (mine == by_node.end() && manual == manual_by_node.end()) return;
    out << "  subgraph " << dot_quote("cluster_" + name) << " {\n";
    out << "    label=" << dot_quote(label) << ";\n";
    if (mine != by_node.end()) {
      for (auto i : mine->second) action_line(action_id(step[i]), plan.graph.action(i), false);
      by_node.erase(mine);
    }
    if (manual != manual_by_node.end()) {
      for (const Action* a : manual->second) action_line("m" + std::to_string(++manual_count), *a, true);
      manual_by_node.erase(manual);
    }
    out << "  }\n";
  };
  for (const auto& cluster : site.clusters) {
    for (const auto& node : cluster.nodes) {
      node_cluster(node.name, node.name + " (" + cluster.name + " " + to_string(node.role) + ")");
    }
  }
  // Actions on nodes the site does not list (a saved plan rendered against another site): still drawn, never lost.
  while (!by_node.empty()) node_cluster(by_node.begin()->first, by_node.begin()->first);
  while (!manual_by_node.empty()) node_cluster(manual_by_node.begin()->first, manual_by_node.begin()->first);

  struct Edge {
    std::size_t before, after;
    std::string rule;
  };
  std::vector<Edge> edges;
  for (auto [before, after] : plan.graph.edges()) {
    edges.push_back({step[before], step[after], plan.graph.rule_of(before, after)});
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return std::tie(a.before, a.after) < std::tie(b.before, b.after); });
  for (const auto& e : edges) {
    out << "  " << action_id(e.before) << " -> " << action_id(e.after) << " [label=" << dot_quote(e.rule) << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace trustctl::plans
