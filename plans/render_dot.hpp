#pragma once
// The plan's DAG for Graphviz (`trustctl graph SITE | dot -Tsvg`): one box per action labelled with its description,
// boxes clustered per appliance node (`subgraph "cluster_<node>"`), each edge labelled with the ordering rule that made
// it. Output is deterministic: nodes in site order, actions in run order, edges sorted, ids by run-order step.

#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <string>

namespace trustctl::plans {

std::string render_dot(const Plan& plan, const Site& site);

// A DOT double-quoted string: quotes and backslashes escaped, newlines as \n.
std::string dot_quote(const std::string& text);

}  // namespace trustctl::plans
