#include "plans/render_text.hpp"

#include "engine/model/printable.hpp"
#include "plans/estimate.hpp"
#include "plans/plan_target.hpp"
#include "plans/restart_waves.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace trustctl::plans {

Palette palette(const TextStyle& style) {
  if (!style.color) return {};
  return {"\033[32m", "\033[31m", "\033[33m", "\033[36m", "\033[1m", "\033[2m", "\033[0m"};
}

std::string utc_date(TimePoint t) { return format_utc(t, "%Y-%m-%d"); }
std::string utc_timestamp(TimePoint t) { return format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string render_summary_line(const PlanSummary& s) {
  std::ostringstream out;
  out << "Plan: " << s.add << " to add, " << s.change << " to change, " << s.remove << " to remove, " << s.restarts
      << (s.restarts == 1 ? " restart." : " restarts.");
  return out.str();
}

std::string finding_headline(const PlanFinding& f) {
  std::string head = f.rule + " " + f.severity + " ";
  if (f.message.rfind(f.subject, 0) == 0) return head + f.message;
  return head + f.subject + ": " + f.message;
}

namespace {

void render_lint(std::ostringstream& out, const PlanLint& lint, const Palette& p) {
  if (lint.findings.empty()) return;
  out << "\nLint (" << lint.findings.size() << " finding(s); policy.lint = \"" << lint.policy << "\""
      << (lint.blocks_apply ? "; the errors block apply" : "") << "):\n";
  for (const auto& f : lint.findings) {
    const char* colour = f.severity == "error" ? p.red : f.severity == "warning" ? p.yellow : "";
    // Findings name certificates and hosts: their text is not ours.
    out << "  " << colour << printable(finding_headline(f)) << p.reset << "\n    fix: " << printable(f.fix) << "\n";
    if (f.deployed && f.severity == "error") out << "    (deployed: apply does not change it; verify fails the calls it breaks)\n";
  }
}

std::string render_actions(const Plan& plan, const Site& site, const Palette& p);

}  // namespace

std::string render_text(const Plan& plan, const Site& site, const TextStyle& style) {
  Palette p = palette(style);
  std::ostringstream out;
  if (plan.target.partial()) out << p.cyan << printable(describe_target(plan.target)) << p.reset << "\n\n";
  if (plan.empty()) {
    std::string which = plan.target.partial() ? "in the target" : "of " + printable(site.name);
    out << p.green << "No changes." << p.reset << " Every node " << which << " is in the described trust state.\n";
    // A note can still matter with nothing to do (a port that did not answer).
    for (const auto& note : plan.notes) out << "\n" << p.cyan << "note: " << printable(note) << p.reset << "\n";
  } else {
    out << render_actions(plan, site, p);
  }
  render_lint(out, plan.lint, p);
  return out.str();
}

namespace {

std::string render_actions(const Plan& plan, const Site& site, const Palette& p) {
  std::ostringstream out;
  // Each node's actions in run order, gathered once: a fleet has thousands of nodes and tens of thousands of actions.
  std::unordered_map<std::string_view, std::vector<ActionGraph::Index>> by_node;
  for (auto i : plan.order) by_node[plan.graph.action(i).node].push_back(i);
  std::unordered_map<std::string_view, std::vector<const Action*>> manual_by_node;
  for (const auto& a : plan.manual_restarts) manual_by_node[a.node].push_back(&a);
  static const std::vector<ActionGraph::Index> kNoActions;
  static const std::vector<const Action*> kNoManual;

  // Names, certificate labels, reasons and notes carry text from the site and the appliances: every one is printed
  // through printable(), so no control character reaches the terminal (the palette's own codes are the only ones).
  out << "trustctl will perform these actions on " << p.bold << printable(site.name) << p.reset << ":\n";
  for (const auto& cluster : site.clusters) {
    for (const auto& node : cluster.nodes) {
      auto found = by_node.find(node.name);
      const auto& mine = found == by_node.end() ? kNoActions : found->second;
      auto found_manual = manual_by_node.find(node.name);
      const auto& manual = found_manual == manual_by_node.end() ? kNoManual : found_manual->second;
      if (mine.empty() && manual.empty()) continue;
      out << "\n  " << p.bold << printable(node.name) << p.reset << p.dim << " (" << printable(cluster.name) << " "
          << to_string(node.role) << ", " << printable(node.fqdn) << ")" << p.reset << "\n";
      for (auto i : mine) {
        const Action& a = plan.graph.action(i);
        const char* colour = a.changes_identity()                     ? p.yellow
                             : a.kind == ActionKind::upload_trust       ? p.green
                             : a.kind == ActionKind::delete_trust     ? p.red
                             : a.restarts()                           ? p.yellow
                                                                      : p.cyan;
        out << "    " << colour << action_mark(a.kind) << " " << printable(a.describe()) << p.reset;
        std::vector<std::string> after;
        for (auto pre : plan.graph.predecessors(i)) {
          const Action& b = plan.graph.action(pre);
          if (b.node != a.node) after.push_back(printable(b.node) + " " + to_string(b.kind));
        }
        if (!after.empty()) {
          out << p.dim << "  (after ";
          for (std::size_t k = 0; k < after.size(); ++k) out << (k ? ", " : "") << after[k];
          out << ")" << p.reset;
        }
        out << "\n" << p.dim << "        why: " << printable(a.reason) << p.reset << "\n";
      }
      for (const Action* a : manual) {
        out << "    " << p.yellow << "↻ " << printable(a->describe()) << " (manual: recorded as pending, not run)"
            << p.reset << "\n"
            << p.dim << "        why: " << printable(a->reason) << p.reset << "\n";
      }
    }
  }

  PlanSummary s = plan.summary();
  for (const auto& note : plan.notes) out << "\n" << p.cyan << "note: " << printable(note) << p.reset << "\n";
  out << "\n" << p.bold << render_summary_line(s) << p.reset << "\n";
  out << printable(estimate_line(estimate(plan))) << "\n";
  if (s.waits > 0) {
    out << p.dim << s.waits << " wait(s) confirm copies that replication or distribution makes (not writes)." << p.reset
        << "\n";
  }
  if (s.restarts > 0) {
    // Per cluster, nodes in run order: "uccx: uccx1 (6 services), then uccx2 (6 services); fin: fin1 (whole node)".
    // Clusters restart independently, so "then" only joins nodes of one cluster; a fleet lists at most 8 clusters.
    auto waves = restart_waves(plan);
    constexpr std::size_t kMostClusters = 8;
    out << p.yellow << "Restarts interrupt the services agents use on ";
    for (std::size_t c = 0; c < waves.size() && c < kMostClusters; ++c) {
      out << (c ? "; " : "") << printable(waves[c].cluster) << ": ";
      const auto& nodes = waves[c].nodes;
      for (std::size_t k = 0; k < nodes.size(); ++k) {
        out << (k ? (waves[c].rolling ? ", then " : ", ") : "") << printable(nodes[k].node) << " ("
            << what_goes_down(nodes[k]) << ")";
      }
    }
    if (waves.size() > kMostClusters) out << "; and " << waves.size() - kMostClusters << " more clusters";
    out << ". " << printable(restart_pace(waves)) << p.reset << "\n";
  }
  if (s.manual_restarts > 0) {
    out << p.yellow << s.manual_restarts
        << " restart(s) left to the operator (policy.restart = \"manual\"); they stay pending in the journal."
        << p.reset << "\n";
  }
  return out.str();
}

}  // namespace

}  // namespace trustctl::plans
