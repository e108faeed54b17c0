#pragma once
// A plan: the actions, their ordering edges and reasons, and what was observed when it was computed.

#include "engine/graph/action_graph.hpp"

#include <map>
#include <string>
#include <vector>

namespace trustctl::plans {

struct PlanSummary {
  int add = 0;       // certificates that will appear in a store (uploads and replicated copies)
  int change = 0;    // identities replaced
  int remove = 0;    // certificates deleted
  int restarts = 0;  // service restarts that will run
  int manual_restarts = 0;  // restarts owed but left to the operator (policy.restart = "manual")
};

struct Plan {
  std::string site_name;
  std::string site_file;
  std::string site_digest;                    // SHA-256 of the site file
  std::map<std::string, std::string> observed;  // node -> digest of the state refresh read
  ActionGraph graph;
  std::vector<ActionGraph::Index> order;      // a topological order of graph
  std::vector<Action> manual_restarts;        // policy "manual": listed, recorded as pending, never run
  std::vector<std::string> notes;             // what the plan cannot know yet ("known after apply") and similar

  PlanSummary summary() const;
  bool empty() const { return graph.size() == 0 && manual_restarts.empty(); }
};

}  // namespace trustctl::plans
