#pragma once
// The plan's actions and their ordering edges, as a Boost.Graph DAG. Every edge carries the name of the ordering rule
// that made it, so a cycle can be reported as a path with the rule behind each step.

#include "engine/graph/action.hpp"
#include "engine/model/error.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <string>
#include <vector>

namespace trustctl {

struct OrderingEdge {
  std::string rule;  // e.g. "restarts-last"
};

class ActionGraph {
 public:
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                      OrderingEdge>;
  using Index = std::size_t;

  ActionGraph() = default;
  ActionGraph(const ActionGraph&) = default;
  ActionGraph& operator=(const ActionGraph&) = default;
  // Boost's adjacency_list declares a copy constructor and no move one, so a defaulted move would copy every vertex
  // and edge (a fleet's plan has tens of thousands): moving swaps instead, in constant time.
  ActionGraph(ActionGraph&& other) noexcept { swap(other); }
  ActionGraph& operator=(ActionGraph&& other) noexcept {
    ActionGraph taken(std::move(other));
    swap(taken);
    return *this;
  }
  void swap(ActionGraph& other) noexcept {
    m_graph.swap(other.m_graph);
    m_actions.swap(other.m_actions);
  }

  Index add(Action action);
  // before must finish before after starts. Duplicate edges are ignored; a self-edge is a bug and is refused.
  void order(Index before, Index after, const std::string& rule);

  std::size_t size() const { return m_actions.size(); }
  const Action& action(Index i) const { return m_actions[i]; }
  Action& action(Index i) { return m_actions[i]; }
  const std::vector<Action>& actions() const { return m_actions; }

  std::vector<Index> predecessors(Index i) const;
  std::vector<Index> successors(Index i) const;
  std::vector<std::pair<Index, Index>> edges() const;
  std::string rule_of(Index before, Index after) const;

  // Actions in an order that respects every edge (ties broken by insertion order, so output is deterministic),
  // or a cycle error naming the path: "uccx1:restart:Cisco Tomcat -> uccx2:... -> uccx1:... (rules: a, b)".
  Result<std::vector<Index>> topological_order() const;

 private:
  Graph m_graph;
  std::vector<Action> m_actions;
};

}  // namespace trustctl
