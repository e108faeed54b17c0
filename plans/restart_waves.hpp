#pragma once
// What a plan takes down, cluster by cluster in run order: per node the services it restarts (in order) or the whole
// node (`utils system restart`), and whether the cluster's nodes go one at a time. Text, Markdown and JSON say the
// same thing from here (docs/appliances.md section 5: the plan must say which restart it makes).

#include "plans/plan.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

struct NodeDown {
  std::string node;
  bool whole = false;                 // utils system restart
  std::vector<std::string> services;  // otherwise: these, in the order they restart
  bool together = false;              // several services restarting at once (restart_services = "together")
};

struct ClusterRestarts {
  std::string cluster;
  bool rolling = true;  // one node at a time, in the order of `nodes` (a rolling-restarts edge joins them)
  std::vector<NodeDown> nodes;
};

std::vector<ClusterRestarts> restart_waves(const Plan& plan);

// "whole node", "6 services" or "6 services together".
std::string what_goes_down(const NodeDown& node);

// How the clusters' nodes go, for the end of the sentence: "Rolling: one node of a cluster at a time." / "All at
// once." / "Rolling: one node of a cluster at a time, except all at once in X, Y."
std::string restart_pace(const std::vector<ClusterRestarts>& waves);

}  // namespace trustctl::plans
