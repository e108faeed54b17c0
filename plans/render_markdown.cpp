#include "plans/render_markdown.hpp"

#include "engine/model/printable.hpp"
#include "plans/estimate.hpp"
#include "plans/plan_target.hpp"
#include "plans/render_text.hpp"
#include "plans/restart_waves.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace trustctl::plans {
namespace {

// A merge-request comment stays readable: the restart call-out names this many clusters, then counts the rest.
constexpr std::size_t kClustersCalledOut = 8;

struct NodeCounts {
  int actions = 0, add = 0, change = 0, remove = 0, wait = 0, restarts = 0, manual = 0;
};

NodeCounts count(const Plan& plan, const std::vector<ActionGraph::Index>& mine,
                 const std::vector<const Action*>& manual) {
  NodeCounts c;
  for (auto i : mine) {
    const Action& a = plan.graph.action(i);
    ActionKind kind = a.kind;
    ++c.actions;
    c.add += kind == ActionKind::upload_trust;
    c.change += a.changes_identity();
    c.remove += kind == ActionKind::delete_trust;
    c.wait += kind == ActionKind::wait_replication;
    c.restarts += kind == ActionKind::restart_service || kind == ActionKind::restart_system;
  }
  c.manual = static_cast<int>(manual.size());
  return c;
}

struct NodeSection {
  const Cluster* cluster;
  const Node* node;
  std::vector<ActionGraph::Index> mine;  // in run order
  std::vector<const Action*> manual;
};

}  // namespace

std::string escape_markdown(const std::string& text) {
  // Line breaks would end a table row: spaces. Any other control character is shown as an escape (printable.hpp),
  // whose backslash the loop below escapes in turn.
  std::string flat = text;
  std::replace_if(flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  flat = printable(flat);
  std::string out;
  out.reserve(flat.size());
  for (char c : flat) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '|': case '~': case '&':
        out.push_back('\\');
        out.push_back(c);
        break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

void write_notes(std::ostringstream& out, const Plan& plan) {
  for (const auto& note : plan.notes) out << "> :information_source: " << escape_markdown(note) << "\n\n";
}

// Each finding once, with its fix: reviewers see in the merge request what the lint gate will say at apply.
void write_lint(std::ostringstream& out, const PlanLint& lint) {
  if (lint.findings.empty()) return;
  out << "\n#### Lint findings (policy.lint = \"" << escape_markdown(lint.policy) << "\")\n\n";
  if (lint.blocks_apply) out << "> :no_entry: **Error findings block apply.** Fix them, or set policy.lint = \"warn\".\n\n";
  out << "| Rule | Severity | Subject | Finding | Fix |\n|---|---|---|---|---|\n";
  for (const auto& f : lint.findings) {
    out << "| " << escape_markdown(f.rule) << " | " << escape_markdown(f.severity) << " | " << escape_markdown(f.subject)
        << " | " << escape_markdown(f.message) << (f.deployed ? " *(deployed: does not block apply)*" : "") << " | "
        << escape_markdown(f.fix) << " |\n";
  }
}

}  // namespace

namespace {

// Grouped by cluster: restarts roll within a cluster, while different clusters may restart at the same time.
void write_restart_warning(std::ostringstream& out, const Plan& plan) {
  auto waves = restart_waves(plan);
  out << "> :warning: **Restarts interrupt the services agents use** on ";
  std::size_t shown = std::min(waves.size(), kClustersCalledOut);
  for (std::size_t c = 0; c < shown; ++c) {
    out << (c ? "; " : "") << escape_markdown(waves[c].cluster) << ": ";
    const auto& nodes = waves[c].nodes;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      out << (k ? (waves[c].rolling ? ", then " : ", ") : "") << "**" << escape_markdown(nodes[k].node) << "** ("
          << what_goes_down(nodes[k]) << ")";
    }
  }
  if (waves.size() > shown) out << "; and " << waves.size() - shown << " more clusters";
  out << ". " << escape_markdown(restart_pace(waves)) << " Schedule a change window.\n\n";
}

}  // namespace

std::string render_markdown(const Plan& plan, const Site& site) {
  std::ostringstream out;
  // A fixed marker lets a CI job find and update its earlier comment instead of adding a new one per push.
  out << "<!-- trustctl plan -->\n";
  out << "### trustctl plan for " << escape_markdown(site.name) << "\n\n";
  if (plan.target.partial()) out << "> :dart: " << escape_markdown(describe_target(plan.target)) << "\n\n";
  if (plan.empty()) {
    std::string which = plan.target.partial() ? "in the target" : "of " + escape_markdown(site.name);
    out << "**No changes.** Every node " << which << " is in the described trust state.\n";
    // Notes still matter with nothing to do: a port that did not answer, an identity waiting for an outside CA.
    if (!plan.notes.empty()) out << "\n";
    write_notes(out, plan);
    write_lint(out, plan.lint);
    return out.str();
  }

  std::vector<std::size_t> step(plan.graph.size(), 0);
  for (std::size_t k = 0; k < plan.order.size(); ++k) step[plan.order[k]] = k + 1;

  // One pass over the run order, bucketed by node, keeps this linear in the plan's size.
  std::map<std::string, std::vector<ActionGraph::Index>> by_node;
  for (auto i : plan.order) by_node[plan.graph.action(i).node].push_back(i);
  std::map<std::string, std::vector<const Action*>> manual_by_node;
  for (const auto& a : plan.manual_restarts) manual_by_node[a.node].push_back(&a);

  std::vector<NodeSection> sections;
  for (const auto& cluster : site.clusters) {
    for (const auto& node : cluster.nodes) {
      auto mine = by_node.find(node.name);
      auto manual = manual_by_node.find(node.name);
      if (mine == by_node.end() && manual == manual_by_node.end()) continue;
      sections.push_back({&cluster, &node, mine == by_node.end() ? std::vector<ActionGraph::Index>{} : mine->second,
                          manual == manual_by_node.end() ? std::vector<const Action*>{} : manual->second});
    }
  }

  PlanSummary s = plan.summary();
  out << "**" << render_summary_line(s) << "**\n\n";
  out << escape_markdown(estimate_line(estimate(plan))) << "\n\n";
  if (s.restarts > 0) write_restart_warning(out, plan);
  write_notes(out, plan);
  if (s.manual_restarts > 0) {
    out << "> :warning: **" << s.manual_restarts
        << " restart(s) left to the operator** (policy.restart = \"manual\"): apply records them as pending and runs "
           "none; nothing takes effect until they are done.\n\n";
  }

  out << "| Node | Cluster | Role | Actions | + Add | ~ Change | - Remove | ⏳ Wait | ↻ Restart |\n";
  out << "|---|---|---|--:|--:|--:|--:|--:|--:|\n";
  for (const auto& section : sections) {
    NodeCounts c = count(plan, section.mine, section.manual);
    out << "| " << escape_markdown(section.node->name) << " | " << escape_markdown(section.cluster->name) << " | "
        << to_string(section.node->role) << " | " << c.actions << " | " << c.add << " | " << c.change << " | " << c.remove << " | "
        << c.wait << " | " << c.restarts;
    if (c.manual) out << " (+" << c.manual << " manual)";
    out << " |\n";
  }

  for (const auto& section : sections) {
    out << "\n#### " << escape_markdown(section.node->name) << " (" << escape_markdown(section.cluster->name) << " "
        << to_string(section.node->role) << ", " << escape_markdown(section.node->fqdn) << ")\n\n";
    out << "| Step | | Action | Why | Asked by |\n";
    out << "|--:|:-:|---|---|---|\n";
    for (auto i : section.mine) {
      const Action& a = plan.graph.action(i);
      out << "| " << step[i] << " | " << action_mark(a.kind) << " | " << escape_markdown(a.describe());
      std::vector<std::string> after;
      for (auto pre : plan.graph.predecessors(i)) {
        const Action& b = plan.graph.action(pre);
        if (b.node != a.node) after.push_back(b.node + " " + to_string(b.kind) + " (step " + std::to_string(step[pre]) + ")");
      }
      if (!after.empty()) {
        out << " *after ";
        for (std::size_t k = 0; k < after.size(); ++k) out << (k ? ", " : "") << escape_markdown(after[k]);
        out << "*";
      }
      out << " | " << escape_markdown(a.reason) << " | " << (a.region ? escape_markdown(a.region->describe()) : "")
          << " |\n";
    }
    for (const Action* a : section.manual) {
      out << "| – | ↻ | " << escape_markdown(a->describe()) << " **(manual: recorded as pending, not run)** | "
          << escape_markdown(a->reason) << " | " << (a->region ? escape_markdown(a->region->describe()) : "")
          << " |\n";
    }
  }
  write_lint(out, plan.lint);
  return out.str();
}

}  // namespace trustctl::plans
