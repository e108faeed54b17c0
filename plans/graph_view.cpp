#include "plans/graph_view.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <boost/graph/transitive_reduction.hpp>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace trustctl::plans {
namespace {

using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

BoxGroup group_of(ActionKind kind) {
  switch (kind) {
    case ActionKind::upload_trust:
    case ActionKind::delete_trust: return BoxGroup::trust_writes;
    case ActionKind::wait_replication: return BoxGroup::replication_waits;
    case ActionKind::restart_service: return BoxGroup::restarts;
    default: return BoxGroup::single;
  }
}

// Boxes for the plan's actions: one per (node, group) for the groups asked for, one per action otherwise.
std::vector<ViewBox> make_boxes(const Plan& plan, const std::set<BoxGroup>& grouped, std::vector<std::size_t>& box_of) {
  std::vector<ViewBox> boxes;
  // A group's box is per node and, for writes and waits, per store and source, so its label can name them once.
  std::map<std::tuple<std::string, BoxGroup, std::string>, std::size_t> box_of_group;
  box_of.assign(plan.graph.size(), 0);
  for (std::size_t k = 0; k < plan.order.size(); ++k) {
    auto i = plan.order[k];
    const Action& a = plan.graph.action(i);
    BoxGroup group = group_of(a.kind);
    if (group != BoxGroup::single && grouped.count(group)) {
      auto key = std::make_tuple(a.node, group, group == BoxGroup::restarts ? "" : a.store + "\n" + a.source_node);
      auto [at, added] = box_of_group.emplace(key, boxes.size());
      if (added) boxes.push_back({.node = a.node, .step = k + 1, .group = group});
      boxes[at->second].actions.push_back(i);
      box_of[i] = at->second;
      continue;
    }
    box_of[i] = boxes.size();
    boxes.push_back({.node = a.node, .actions = {i}, .step = k + 1});
  }
  for (auto& box : boxes) {
    if (box.actions.size() == 1) box.group = BoxGroup::single;
  }
  return boxes;
}

// Edges between boxes (none inside one), each with the rules of the plan edges it stands for.
std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> box_edges(
    const Plan& plan, const std::vector<std::size_t>& box_of) {
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> out;
  for (auto [before, after] : plan.graph.edges()) {
    std::size_t b = box_of[before], a = box_of[after];
    if (b == a) continue;
    auto& rules = out[{b, a}];
    std::string rule = plan.graph.rule_of(before, after);
    if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
  }
  return out;
}

bool acyclic(std::size_t vertices, const std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>>& edges) {
  Digraph g(vertices);
  for (const auto& [e, rules] : edges) boost::add_edge(e.first, e.second, g);
  std::vector<Digraph::vertex_descriptor> order;
  try {
    boost::topological_sort(g, std::back_inserter(order));
  } catch (const boost::not_a_dag&) {
    return false;
  }
  return true;
}

}  // namespace

GraphView condense(const Plan& plan) {
  GraphView view;
  std::vector<std::size_t> box_of;
  // A node's writes all come before its restarts, and its restarts before the next node's, so each group is one
  // step of the order. Should some plan interleave a group with other work (cross-product ordering can put one
  // node's write between two of another's), grouping would draw a cycle: fewer groups are tried, down to none.
  const std::vector<std::set<BoxGroup>> attempts = {
      {BoxGroup::trust_writes, BoxGroup::replication_waits, BoxGroup::restarts}, {BoxGroup::restarts}, {}};
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::string>> edges;
  for (const auto& grouped : attempts) {
    view.boxes = make_boxes(plan, grouped, box_of);
    edges = box_edges(plan, box_of);
    if (acyclic(view.boxes.size(), edges)) break;
  }
  Digraph g(view.boxes.size());
  for (const auto& [e, rules] : edges) boost::add_edge(e.first, e.second, g);
  Digraph reduced;
  std::vector<Digraph::vertex_descriptor> to_reduced(view.boxes.size());
  boost::transitive_reduction(g, reduced,
                              boost::make_iterator_property_map(to_reduced.begin(), get(boost::vertex_index, g)),
                              get(boost::vertex_index, g));
  std::vector<std::size_t> from_reduced(view.boxes.size());
  for (std::size_t v = 0; v < view.boxes.size(); ++v) from_reduced[to_reduced[v]] = v;
  for (auto [it, end] = boost::edges(reduced); it != end; ++it) {
    std::size_t b = from_reduced[boost::source(*it, reduced)], a = from_reduced[boost::target(*it, reduced)];
    std::string rule;
    for (const auto& r : edges[{b, a}]) rule += (rule.empty() ? "" : ", ") + r;
    view.edges.push_back({b, a, rule});
  }
  std::sort(view.edges.begin(), view.edges.end(), [](const ViewEdge& x, const ViewEdge& y) {
    return std::tie(x.before, x.after) < std::tie(y.before, y.after);
  });
  return view;
}

}  // namespace trustctl::plans
