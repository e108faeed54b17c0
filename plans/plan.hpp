#pragma once
// A plan: the actions, their ordering edges and reasons, and what was observed when it was computed.

#include "engine/graph/action_graph.hpp"
#include "engine/graph/ordering_rules.hpp"
#include "engine/model/certificate_units.hpp"
#include "engine/model/timing.hpp"

#include <map>
#include <string>
#include <vector>

namespace trustctl::plans {

// Writes only, as Terraform counts them: a wait confirms what a write on another node does and is counted apart.
struct PlanSummary {
  int add = 0;       // certificates uploaded to a store
  int change = 0;    // identities replaced on the node they are written to
  int remove = 0;    // certificates deleted
  int restarts = 0;  // service restarts that will run
  int manual_restarts = 0;  // restarts owed but left to the operator (policy.restart = "manual")
  int waits = 0;     // replicated or distributed copies the plan waits for (not writes)
};

// A lint finding as the plan carries it (plans know no provider: the command line copies the linter's findings in),
// so every rendering and the saved plan show the same findings, each once.
struct PlanFinding {
  std::string rule;      // "TC003"
  std::string severity;  // "error" | "warning" | "info"
  std::string subject;
  std::string message;
  std::string fix;
  // About a certificate already deployed (an identity, a trust entry an integration relies on): apply cannot change it
  // by uploading, so it does not block apply; verify fails the calls it breaks.
  bool deployed = false;
  bool operator==(const PlanFinding&) const = default;
};

struct PlanLint {
  std::string policy = "error";  // policy.lint
  bool blocks_apply = false;     // error findings and policy.lint = "error": apply refuses this plan
  std::vector<PlanFinding> findings;
};

// A plan limited to some clusters or nodes (--cluster/--node/--exclude-*): partial, and saying so.
struct PlanTarget {
  std::vector<std::string> clusters;
  std::vector<std::string> nodes;
  std::vector<std::string> exclude_clusters;
  std::vector<std::string> exclude_nodes;
  // Actions outside the target kept because a targeted action must come after them (a replication wait needs its
  // publisher's upload; a subscriber's restart follows the publisher's): their ids.
  std::vector<std::string> pulled_in;
  bool partial() const {
    return !clusters.empty() || !nodes.empty() || !exclude_clusters.empty() || !exclude_nodes.empty();
  }
  bool operator==(const PlanTarget&) const = default;
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
  PlanLint lint;                              // the lint gate's findings on what this plan would run
  PlanTarget target;                          // not partial: the whole site
  Timing timing;                              // the site's [timing]: the estimate (plans/estimate.hpp) is made from it
  Topology topology;  // where each node sits and how its cluster restarts: the estimate's other restart_services
  CertificateUnits units;  // the providers' unit names (ProviderLookup::units()): the estimate counts identity pins

  PlanSummary summary() const;
  bool empty() const { return graph.size() == 0 && manual_restarts.empty(); }
};

}  // namespace trustctl::plans
