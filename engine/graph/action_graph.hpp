#pragma once
// The plan's actions and their ordering edges, as a Boost.Graph DAG. Every edge carries the name of the ordering rule
// that made it, so a cycle can be reported as a path with the rule behind each step.

#include "engine/graph/action.hpp"
#include "engine/model/error.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <memory>
#include <string>
#include <utility>
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
  ActionGraph(const ActionGraph& other)
      : m_graph(std::make_unique<Graph>(*other.m_graph)), m_actions(other.m_actions) {}
  ActionGraph& operator=(const ActionGraph& other) {
    if (this != &other) *this = ActionGraph(other);
    return *this;
  }
  // Boost's adjacency_list has no move constructor, and its swap() copies the graph three times (adjacency_list.hpp:
  // "Is there a more efficient way to do this?"), so the graph lives behind a pointer that moves in constant time: a
  // fleet's plan has tens of thousands of vertices and edges, and a Plan is moved at every hand-over. The moved-from
  // graph is left empty and usable.
  ActionGraph(ActionGraph&& other) noexcept
      : m_graph(std::exchange(other.m_graph, std::make_unique<Graph>())), m_actions(std::move(other.m_actions)) {
    other.m_actions.clear();
  }
  ActionGraph& operator=(ActionGraph&& other) noexcept {
    m_graph = std::exchange(other.m_graph, std::make_unique<Graph>());
    m_actions = std::move(other.m_actions);
    other.m_actions.clear();
    return *this;
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
  // visit(before, after, rule) for every edge, without looking each one up again as rule_of does.
  template <class Visit>
  void for_each_edge(Visit&& visit) const {
    for (auto [it, end] = boost::edges(*m_graph); it != end; ++it) {
      visit(boost::source(*it, *m_graph), boost::target(*it, *m_graph), (*m_graph)[*it].rule);
    }
  }
  void reserve(std::size_t actions) { m_actions.reserve(actions); }
  std::string rule_of(Index before, Index after) const;

  // Actions in an order that respects every edge (ties broken by insertion order, so output is deterministic),
  // or a cycle error naming the path: "uccx1:restart:Cisco Tomcat -> uccx2:... -> uccx1:... (rules: a, b)".
  Result<std::vector<Index>> topological_order() const;

 private:
  std::unique_ptr<Graph> m_graph = std::make_unique<Graph>();  // never null
  std::vector<Action> m_actions;
};

}  // namespace trustctl
