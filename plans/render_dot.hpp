#pragma once
// The plan's DAG for Graphviz (`trustctl graph SITE | dot -Tsvg`), drawn as plans/graph_view.hpp condenses it: one box
// per action labelled with its description, except a node's restarts, which share one box listing them in order;
// boxes clustered per appliance node (`subgraph "cluster_<node>"`); only the edges of the transitive reduction, each
// labelled with the ordering rule(s) that made it. Output is deterministic: nodes in site order, boxes in run order,
// edges sorted, ids by the run-order step of a box's first action.

#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <string>

namespace trustctl::plans {

std::string render_dot(const Plan& plan, const Site& site);

// An empty plan: one line of text that says so, still valid DOT (a pipe into `dot -Tsvg` draws it).
std::string render_nothing_to_do(const Site& site);

// A DOT double-quoted string: quotes and backslashes escaped, newlines as \n.
std::string dot_quote(const std::string& text);

}  // namespace trustctl::plans
