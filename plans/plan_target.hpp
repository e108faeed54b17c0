#pragma once
// Targeting (--cluster/--node, --exclude-cluster/--exclude-node): a plan limited to some nodes. The whole site is
// planned first, so every dependency is known; the limited plan keeps the actions on the selected nodes and every
// action they must come after (a replication wait needs its publisher's upload, a subscriber's restart follows the
// publisher's, PCCE's phase 1 precedes phase 2), names those it pulled in, and calls itself partial. A restart that a
// kept change owes on a node whose restart is not kept stays owed in the journal (each change journals what it owes
// before it writes), and the next plan that covers that node runs it; restarts the journal already owes outside the
// target are neither run nor settled.

#include "engine/model/error.hpp"
#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <set>
#include <string>

namespace trustctl::plans {

// The node names a target selects, every name checked against the site (an unknown one is an error listing the
// known ones); a selection that leaves no node is an error too. Not partial: every node.
Result<std::set<std::string>> select_nodes(const Site& site, const PlanTarget& target);

// Keeps the actions on `nodes` and, transitively, every action they come after (their ids recorded in
// plan.target.pulled_in), the manual restarts on `nodes`, and the observations of the nodes the kept actions touch or
// that were selected. `target` is recorded in the plan (a saved plan is applied with the same target).
void limit_plan(Plan& plan, const std::set<std::string>& nodes, const PlanTarget& target);

// "Partial plan, limited to cluster(s) uccx: ..." for the renderings; "" for a whole-site plan.
std::string describe_target(const PlanTarget& target);

}  // namespace trustctl::plans
