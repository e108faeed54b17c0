#include "plans/render_dot.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "engine/model/printable.hpp"
#include "plans/graph_view.hpp"

#include <algorithm>
#include <map>
#include <sstream>
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

// Every node's restarts wait for its changes: the edge drawn most often, so it goes without a label.
const std::string kUnlabelledRule = rules::kRestartsLast;

// Ids by run-order step (a1, a2, ...) rather than graph index: a plan read back from a file renders the same.
std::string action_id(std::size_t step) { return "a" + std::to_string(step); }

// Lines longer than `width` broken at spaces, so a box is never wider than about that many characters: with long
// certificate names in one line each, a 10-node plan no longer fits a screen.
std::string wrap_lines(const std::string& text, std::size_t width = 44) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!out.empty()) out += "\n";
    while (line.size() > width) {
      std::size_t cut = line.rfind(' ', width);
      if (cut == std::string::npos || cut == 0) break;
      out += line.substr(0, cut) + "\n";
      line = line.substr(cut + 1);
    }
    out += line;
    start = end + 1;
  }
  return out;
}

// A box of several actions: what they are, then one line each, in run order.
std::string group_label(const Plan& plan, const ViewBox& box) {
  const Action& first = plan.graph.action(box.actions.front());
  std::string label = box.group == BoxGroup::restarts ? "restart, in this order:"
                      : box.group == BoxGroup::replication_waits
                          ? "wait for these to replicate from " + first.source_node + " into " + first.store + ":"
                          : first.store + ", in this order:";
  for (std::size_t k = 0; k < box.actions.size(); ++k) {
    const Action& a = plan.graph.action(box.actions[k]);
    std::string what = a.service;
    if (a.certificate) {
      std::string cn = a.certificate->common_name();
      what = std::string(a.kind == ActionKind::delete_trust ? "delete " : a.kind == ActionKind::upload_trust ? "add " : "") +
             (cn.empty() ? a.certificate->subject() : cn) + " (" + a.certificate->fingerprint().substr(0, 8) + ")";
    }
    label += "\n" + std::to_string(k + 1) + ". " + what;
  }
  return label;
}

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
  if (plan.empty()) return render_nothing_to_do(site);
  const GraphView view = condense(plan);
  std::map<std::string, std::vector<std::size_t>> by_node;  // boxes per appliance node, in run order
  for (std::size_t b = 0; b < view.boxes.size(); ++b) by_node[view.boxes[b].node].push_back(b);
  std::map<std::string, std::vector<const Action*>> manual_by_node;
  for (const auto& a : plan.manual_restarts) manual_by_node[a.node].push_back(&a);

  std::ostringstream out;
  out << "digraph " << dot_quote("trustctl plan " + site.name) << " {\n";
  out << "  graph [rankdir=LR, ranksep=0.3, fontname=\"Helvetica\", labelloc=t, label="
      << dot_quote("trustctl plan: " + site.name + " (unlabelled edges: " + kUnlabelledRule + ")") << "];\n";
  out << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [fontname=\"Helvetica\", fontsize=9];\n";

  auto box_line = [&](const ViewBox& box) {
    const Action& first = plan.graph.action(box.actions.front());
    std::string label = box.group == BoxGroup::single ? first.describe() : group_label(plan, box);
    out << "    " << action_id(box.step) << " [label=" << dot_quote(wrap_lines(label)) << ", color=" << colour(first.kind)
        << "];\n";
  };
  auto manual_line = [&](const std::string& id, const Action& a) {
    out << "    " << id << " [label=" << dot_quote(wrap_lines(a.describe()) + "\n(manual: not run)") << ", color="
        << colour(a.kind) << ", style=\"rounded,dashed\"];\n";
  };
  std::size_t manual_count = 0;
  auto node_cluster = [&](const std::string& name, const std::string& label) {
    auto mine = by_node.find(name);
    auto manual = manual_by_node.find(name);
    if (mine == by_node.end() && manual == manual_by_node.end()) return;
    out << "  subgraph " << dot_quote("cluster_" + name) << " {\n";
    out << "    label=" << dot_quote(label) << ";\n";
    if (mine != by_node.end()) {
      for (auto b : mine->second) box_line(view.boxes[b]);
      by_node.erase(mine);
    }
    if (manual != manual_by_node.end()) {
      for (const Action* a : manual->second) manual_line("m" + std::to_string(++manual_count), *a);
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

  // The commonest rule goes unlabelled (the graph's title says so); the others are external labels, which do not
  // push the ranks apart.
  for (const auto& e : view.edges) {
    out << "  " << action_id(view.boxes[e.before].step) << " -> " << action_id(view.boxes[e.after].step);
    if (e.rule != kUnlabelledRule) out << " [xlabel=" << dot_quote(e.rule) << "]";
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

std::string render_nothing_to_do(const Site& site) {
  std::ostringstream out;
  out << "digraph " << dot_quote("trustctl plan " + site.name) << " {\n"
      << "  graph [fontname=\"Helvetica\", labelloc=t, label=" << dot_quote("trustctl plan: " + site.name) << "];\n"
      << "  nothing [shape=plaintext, fontname=\"Helvetica\", label="
      << dot_quote("Nothing to do: every node is in the described trust state.") << "];\n}\n";
  return out.str();
}

}  // namespace trustctl::plans
