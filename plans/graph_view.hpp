#pragma once
// The action graph as people read it: on each node, its restart chain in one box (its services, in the order they
// restart), and likewise its trust-store writes and its replication waits; and only the edges that order something no
// other path already orders (the transitive reduction, Boost.Graph's). The plan keeps every action and edge; this view
// only draws fewer boxes and lines, so a 10-node plan fits a screen. Identity changes always keep a box of their own.

#include "plans/plan.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

// What a box holds: one action, or several of one node of the same group, in run order.
enum class BoxGroup { single, trust_writes, replication_waits, restarts };

struct ViewBox {
  std::string node;                          // the appliance node
  std::vector<ActionGraph::Index> actions;   // in run order
  std::size_t step = 0;                      // run-order step (1-based) of its first action: its stable id
  BoxGroup group = BoxGroup::single;         // single when it holds one action
};

struct ViewEdge {
  std::size_t before = 0, after = 0;  // indices into GraphView::boxes
  std::string rule;                   // the ordering rule(s) behind it, as the plan names them
};

struct GraphView {
  std::vector<ViewBox> boxes;  // in run order
  std::vector<ViewEdge> edges;  // sorted by (before, after)
};

GraphView condense(const Plan& plan);

}  // namespace trustctl::plans
