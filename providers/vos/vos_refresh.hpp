#pragma once
// Refresh: reads what each node's stores hold right now, in parallel across nodes.

#include "engine/model/live_state.hpp"
#include "providers/vos/session_pool.hpp"

#include <functional>

namespace trustctl::providers {

// The stores trustctl reads on every VOS node.
inline const std::vector<std::string>& refreshed_stores() {
  static const std::vector<std::string> stores = {"tomcat-trust"};
  return stores;
}

// Over the admin CLI (every VOS product), or over the certificate REST API (CUCM 14+), which only reads.
Result<NodeState> read_node_state(SessionPool& pool, const Node& node);
Result<NodeState> read_node_state_rest(SessionPool& pool, const Site& site, const Node& node);

struct RefreshProgress {
  std::function<void(const Node&)> started;
  std::function<void(const Node&, const Result<NodeState>&, double seconds)> finished;
};

// Every administered node of the site. Errors are collected per node; any error fails the refresh (a plan computed
// from a partial view could undo what it cannot see).
struct RefreshResult {
  LiveState state;
  std::vector<Error> errors;
};
RefreshResult refresh(const Site& site, SessionPool& pool, int parallelism, const RefreshProgress& progress = {});

}  // namespace trustctl::providers
