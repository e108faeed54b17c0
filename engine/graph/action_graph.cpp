#include "engine/graph/action_graph.hpp"

#include <boost/graph/depth_first_search.hpp>

#include <queue>

namespace trustctl {

ActionGraph::Index ActionGraph::add(Action action) {
  Index index = boost::add_vertex(*m_graph);
  m_actions.push_back(std::move(action));
  return index;
}

void ActionGraph::order(Index before, Index after, const std::string& rule) {
  if (before == after) return;
  if (boost::edge(before, after, *m_graph).second) return;
  boost::add_edge(before, after, OrderingEdge{rule}, *m_graph);
}

std::vector<ActionGraph::Index> ActionGraph::predecessors(Index i) const {
  std::vector<Index> out;
  for (auto [it, end] = boost::in_edges(i, *m_graph); it != end; ++it) out.push_back(boost::source(*it, *m_graph));
  return out;
}

std::vector<ActionGraph::Index> ActionGraph::successors(Index i) const {
  std::vector<Index> out;
  for (auto [it, end] = boost::out_edges(i, *m_graph); it != end; ++it) out.push_back(boost::target(*it, *m_graph));
  return out;
}

std::vector<std::pair<ActionGraph::Index, ActionGraph::Index>> ActionGraph::edges() const {
  std::vector<std::pair<Index, Index>> out;
  for (auto [it, end] = boost::edges(*m_graph); it != end; ++it) {
    out.emplace_back(boost::source(*it, *m_graph), boost::target(*it, *m_graph));
  }
  return out;
}

std::string ActionGraph::rule_of(Index before, Index after) const {
  auto [e, found] = boost::edge(before, after, *m_graph);
  return found ? (*m_graph)[e].rule : std::string();
}

namespace {

// Finds one cycle with a DFS that records the path of vertices currently on the stack.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<std::size_t>* stack;
  std::vector<std::size_t>* cycle;
  template <class Vertex, class G>
  void discover_vertex(Vertex v, const G&) { stack->push_back(v); }
  template <class Vertex, class G>
  void finish_vertex(Vertex, const G&) { stack->pop_back(); }
  template <class Edge, class G>
  void back_edge(Edge e, const G& g) {
    if (!cycle->empty()) return;
    auto target = boost::target(e, g);
    auto it = std::find(stack->begin(), stack->end(), target);
    cycle->assign(it, stack->end());
    cycle->push_back(target);
  }
};

}  // namespace

Result<std::vector<ActionGraph::Index>> ActionGraph::topological_order() const {
  // Kahn's algorithm with a min-heap on the index keeps the order stable and readable.
  std::vector<std::size_t> in_degree(size(), 0);
  for (auto [it, end] = boost::edges(*m_graph); it != end; ++it) ++in_degree[boost::target(*it, *m_graph)];
  std::priority_queue<Index, std::vector<Index>, std::greater<>> ready;
  for (Index i = 0; i < size(); ++i) {
    if (in_degree[i] == 0) ready.push(i);
  }
  std::vector<Index> order;
  order.reserve(size());
  while (!ready.empty()) {
    Index i = ready.top();
    ready.pop();
    order.push_back(i);
    for (auto [it, end] = boost::out_edges(i, *m_graph); it != end; ++it) {
      Index t = boost::target(*it, *m_graph);
      if (--in_degree[t] == 0) ready.push(t);
    }
  }
  if (order.size() == size()) return order;

  std::vector<std::size_t> stack, cycle;
  CycleFinder finder;
  finder.stack = &stack;
  finder.cycle = &cycle;
  boost::depth_first_search(*m_graph, boost::visitor(finder));
  std::string path, rules;
  for (std::size_t k = 0; k < cycle.size(); ++k) {
    path += (k ? " -> " : "") + m_actions[cycle[k]].id();
    if (k + 1 < cycle.size()) rules += (k ? ", " : "") + rule_of(cycle[k], cycle[k + 1]);
  }
  return fail(ErrorCode::cycle, "dependency cycle: " + path + " (rules: " + rules +
                                    "); this is a bug in the site's requirements or in an ordering rule");
}

}  // namespace trustctl
