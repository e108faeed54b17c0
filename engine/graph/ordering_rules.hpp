#pragma once
// The ordering rules of the action graph, each a named function that adds edges to the graph. Every edge is labelled
// with the rule's name, so a cycle or a surprising order can be traced back to the rule that caused it.

#include "engine/graph/action_graph.hpp"
#include "engine/model/site.hpp"

#include <map>
#include <string>

namespace trustctl {

// Where a node sits in its cluster: rolling restarts go publisher first, then subscribers in file order.
struct NodePlacement {
  std::string cluster;
  Role role = Role::publisher;
  int position = 0;  // 0 = publisher
  RestartPolicy restart = RestartPolicy::rolling;  // the cluster's own, or the site's
  ServiceRestarts services = ServiceRestarts::one_by_one;  // the cluster's own, or the site's
};
using Topology = std::map<std::string, NodePlacement, std::less<>>;
Topology topology_of(const Site& site);
// The same topology with every node's restart_services set to `services` (the plan's estimate of the other choice).
Topology with_service_restarts(Topology topology, ServiceRestarts services);

namespace rules {

inline constexpr const char* kChainOrder = "chain-order";
inline constexpr const char* kReplication = "replication";
inline constexpr const char* kCrossProduct = "cross-product-order";
inline constexpr const char* kTrustBeforeIdentity = "trust-before-identity";
inline constexpr const char* kPublisherFirst = "publisher-first";
inline constexpr const char* kRestartsLast = "restarts-last";
inline constexpr const char* kRollingRestarts = "rolling-restarts";
inline constexpr const char* kIdentityBeforeItsPeers = "identity-before-its-peers";

// Rule 1: within one store on one node, an issuer is uploaded (or has arrived by replication) before the certificates
// it issued are uploaded.
void chain_order_in_store(ActionGraph& graph);
// Rule 3: a subscriber's wait for a replicated certificate follows the publisher's upload of it; a node's wait for a
// multi-server identity follows the publisher's identity change that makes it.
void replication_after_upload(ActionGraph& graph);
// Rule 2: a node's identity change waits for every trust write on that node (its issuing chain must be in the
// node's tomcat-trust, or the appliance refuses the upload). A regeneration is self-signed and waits for none.
void trust_before_identity(ActionGraph& graph);
// Rule 2b: an identity made in this apply reaches its peers' stores after it exists: their uploads (and the waits
// for them to replicate) follow the identity change on its node. Every such identity is made before any of them is
// distributed (a domain change: regenerate every tomcat identity first, then distribute).
void identity_before_its_peers(ActionGraph& graph);
// Rule 4: cross-product order from the vendor procedures (e.g. PCCE: CUIC roots on Finesse, then Finesse restarted,
// before Finesse roots on CUIC). Within one ordering group, every write of phase 0 precedes every write of phase 1,
// and so does every restart a phase-0 write owes: a phase is complete only when its nodes have restarted.
void cross_product_phases(ActionGraph& graph);
// Rule 5: multi-server identity changes go publisher first, then each subscriber in turn. A per-node identity is the
// node's own (CSR, signature, upload on that node): it waits for no other node, so a subscriber's identity work runs
// while the publisher's does, and only the restarts roll (rule 6b).
void publisher_first_identity(ActionGraph& graph, const Topology& topology);
// Rule 6a: every change on a node precedes that node's restarts; a node's services restart one after another in the
// order the provider listed them, or, where restart_services is together, all at once (no order between them).
void restarts_last(ActionGraph& graph, const Topology& topology);
// Rule 6b: within a cluster whose restart policy is rolling or system, restarts roll one node at a time, publisher
// first, so an HA pair never loses both nodes: a node's first restart waits for every restart of the node before it
// (its last one, when they run one by one).
void rolling_restarts(ActionGraph& graph, const Topology& topology);

// Rules 6a and 6b again, for another restart_services: the graph without their edges, then the rules with
// `topology`. The other rules' edges are kept as they are. It is for weighing that choice (plans/estimate.hpp), not
// for running: its actions keep what ordering and timing read (kind, node, cluster, store, service, certificate),
// not their reasons, regions or owed restarts, which would make the copy of a fleet's plan cost as much as planning.
ActionGraph reorder_restarts(const ActionGraph& graph, const Topology& topology);

}  // namespace rules

// All rules, in order. A cluster whose restart policy is all-at-once skips the rolling rule (the topology says).
void apply_ordering_rules(ActionGraph& graph, const Topology& topology);

}  // namespace trustctl
