#include "engine/graph/ordering_rules.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <unordered_map>

namespace trustctl {

Topology topology_of(const Site& site) {
  Topology out;
  for (const auto& cluster : site.clusters) {
    int position = 0;
    for (const auto& node : cluster.nodes) {
      out[node.name] = NodePlacement{cluster.name, node.role, position++, site.restart_policy(cluster),
                                     site.service_restarts(cluster)};
    }
  }
  return out;
}

Topology with_service_restarts(Topology topology, ServiceRestarts services) {
  for (auto& [node, placement] : topology) placement.services = services;
  return topology;
}

namespace {

bool restarts_together(const Topology& topology, const std::string& node) {
  auto it = topology.find(node);
  return it != topology.end() && it->second.services == ServiceRestarts::together;
}

}  // namespace

namespace rules {

void chain_order_in_store(ActionGraph& graph) {
  // Group what arrives in each (node, store): uploads, and certificates that arrive by replication (a subscriber may
  // upload an intermediate whose root reaches it from the publisher). Within a group compare issuer names first
  // (cheap) and verify the signature only when the names match. Only uploads are ordered after their issuer: a wait
  // follows the publisher's write, whatever the subscriber holds.
  std::map<std::pair<std::string, std::string>, std::vector<ActionGraph::Index>> groups;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if ((a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) && a.certificate) {
      groups[{a.node, a.store}].push_back(i);
    }
  }
  for (const auto& [key, members] : groups) {
    for (auto issuer : members) {
      const Certificate& ca = *graph.action(issuer).certificate;
      std::string ca_subject = ca.subject();
      for (auto subject : members) {
        if (issuer == subject || graph.action(subject).kind != ActionKind::upload_trust) continue;
        const Certificate& leaf = *graph.action(subject).certificate;
        if (leaf.is_self_issued() || leaf.issuer() != ca_subject) continue;
        if (ca.issued(leaf)) graph.order(issuer, subject, kChainOrder);
      }
    }
  }
}

void replication_after_upload(ActionGraph& graph) {
  std::map<std::tuple<std::string, std::string, std::string>, ActionGraph::Index> uploads;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.kind == ActionKind::upload_trust && a.certificate) {
      uploads[{a.node, a.store, a.certificate->fingerprint()}] = i;
    }
  }
  // A multi-server identity is distributed from the publisher that made it: (node, unit) -> that identity change.
  std::map<std::pair<std::string, std::string>, ActionGraph::Index> identities;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.changes_identity() && a.multi_server) identities[{a.node, a.store}] = i;
  }
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.kind == ActionKind::wait_identity) {
      auto it = identities.find({a.source_node, a.store});
      if (it != identities.end()) graph.order(it->second, i, kReplication);
      continue;
    }
    if (a.kind != ActionKind::wait_replication || !a.certificate) continue;
    auto it = uploads.find({a.source_node, a.store, a.certificate->fingerprint()});
    if (it != uploads.end()) graph.order(it->second, i, kReplication);
  }
}

void trust_before_identity(ActionGraph& graph) {
  std::unordered_map<std::string, std::vector<ActionGraph::Index>> trust_writes, identities;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.changes_identity()) {
      // A regenerated identity is self-signed: the appliance checks no issuing chain, so it waits for no trust write
      // (and must not: with the PCCE phases and rule 2b a CUIC regeneration would wait for itself through Finesse).
      if (a.kind != ActionKind::regenerate_identity) identities[a.node].push_back(i);
    } else if ((a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) &&
               a.identity_node.empty()) {
      // A peer's identity made in this apply is not an issuer this node's identity needs: rule 2b puts it after
      // every identity change, never before (two peers regenerating would otherwise wait for each other).
      trust_writes[a.node].push_back(i);
    }
  }
  for (const auto& [node, changes] : identities) {
    auto it = trust_writes.find(node);
    if (it == trust_writes.end()) continue;
    for (auto change : changes) {
      for (auto write : it->second) graph.order(write, change, kTrustBeforeIdentity);
    }
  }
}

void publisher_first_identity(ActionGraph& graph, const Topology& topology) {
  std::map<std::string, std::map<int, std::vector<ActionGraph::Index>>> by_cluster;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (!a.changes_identity() || !a.multi_server) continue;
    auto it = topology.find(a.node);
    if (it == topology.end()) continue;
    by_cluster[it->second.cluster][it->second.position].push_back(i);
  }
  for (const auto& [cluster, positions] : by_cluster) {
    const std::vector<ActionGraph::Index>* previous = nullptr;
    for (const auto& [position, changes] : positions) {
      if (previous) {
        for (auto before : *previous) {
          for (auto after : changes) graph.order(before, after, kPublisherFirst);
        }
      }
      previous = &changes;
    }
  }
}

void identity_before_its_peers(ActionGraph& graph) {
  std::map<std::pair<std::string, std::string>, ActionGraph::Index> made;  // (node, unit) -> its identity change
  std::map<std::tuple<std::string, std::string, std::string>, ActionGraph::Index> uploads;  // (node, of, unit)
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.changes_identity()) made[{a.node, a.store}] = i;
    if (a.kind == ActionKind::upload_trust && !a.identity_node.empty()) {
      uploads[{a.node, a.identity_node, a.identity_unit}] = i;
    }
  }
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.identity_node.empty()) continue;
    if (a.kind == ActionKind::upload_trust) {
      // After every identity change of the plan: identities first, then distribution.
      for (const auto& [key, change] : made) graph.order(change, i, kIdentityBeforeItsPeers);
    } else if (a.kind == ActionKind::wait_replication) {
      auto it = uploads.find({a.source_node, a.identity_node, a.identity_unit});
      if (it != uploads.end()) graph.order(it->second, i, kReplication);
    }
  }
}

void cross_product_phases(ActionGraph& graph) {
  std::map<std::string, std::array<std::vector<ActionGraph::Index>, 2>> groups;
  std::unordered_map<std::string, std::vector<ActionGraph::Index>> restarts_by_node;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.restarts()) {
      restarts_by_node[a.node].push_back(i);
      continue;
    }
    for (const auto& membership : a.orderings) groups[membership.group][membership.phase > 0 ? 1 : 0].push_back(i);
  }
  for (const auto& [group, phases] : groups) {
    for (auto first : phases[0]) {
      for (auto second : phases[1]) graph.order(first, second, kCrossProduct);
      // The restarts the phase-0 write owes (on its node and on the nodes it replicates to) come before phase 1
      // too. One on the node of a phase-1 write would close a cycle with restarts-last; it cannot be both.
      for (const auto& owed : graph.action(first).owes) {
        auto restarts = restarts_by_node.find(owed.node);
        if (restarts == restarts_by_node.end()) continue;
        for (auto restart : restarts->second) {
          if (!graph.action(restart).settles(owed)) continue;
          for (auto second : phases[1]) {
            if (graph.action(second).node != owed.node) graph.order(restart, second, kCrossProduct);
          }
        }
      }
    }
  }
}

void restarts_last(ActionGraph& graph, const Topology& topology) {
  std::unordered_map<std::string, std::vector<ActionGraph::Index>> changes, restarts;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    (a.restarts() ? restarts : changes)[a.node].push_back(i);
  }
  for (const auto& [node, node_restarts] : restarts) {
    const bool together = restarts_together(topology, node);
    if (!together) {
      for (std::size_t k = 1; k < node_restarts.size(); ++k) {
        graph.order(node_restarts[k - 1], node_restarts[k], kRestartsLast);
      }
    }
    auto it = changes.find(node);
    if (it == changes.end()) continue;
    // One by one, only the first restart needs every change before it (the later ones follow it); together, each
    // does.
    for (auto change : it->second) {
      if (!together) {
        graph.order(change, node_restarts.front(), kRestartsLast);
        continue;
      }
      for (auto restart : node_restarts) graph.order(change, restart, kRestartsLast);
    }
  }
}

void rolling_restarts(ActionGraph& graph, const Topology& topology) {
  // cluster -> position -> that node's restarts (in insertion order)
  std::map<std::string, std::map<int, std::vector<ActionGraph::Index>>> by_cluster;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (!a.restarts()) continue;
    auto it = topology.find(a.node);
    if (it == topology.end()) continue;
    if (it->second.restart != RestartPolicy::rolling && it->second.restart != RestartPolicy::system) continue;
    by_cluster[it->second.cluster][it->second.position].push_back(i);
  }
  for (const auto& [cluster, positions] : by_cluster) {
    const std::vector<ActionGraph::Index>* previous = nullptr;
    for (const auto& [position, node_restarts] : positions) {
      if (previous) {
        // Together, the node's restarts are unordered among themselves: the next node waits for each of them, and
        // each of its own restarts waits, since none of them follows another.
        const bool previous_together = restarts_together(topology, graph.action(previous->front()).node);
        const bool this_together = restarts_together(topology, graph.action(node_restarts.front()).node);
        const auto before = previous_together ? *previous : std::vector{previous->back()};
        const auto after = this_together ? node_restarts : std::vector{node_restarts.front()};
        for (auto b : before) {
          for (auto a : after) graph.order(b, a, kRollingRestarts);
        }
      }
      previous = &node_restarts;
    }
  }
}

ActionGraph reorder_restarts(const ActionGraph& graph, const Topology& topology) {
  ActionGraph out;
  out.reserve(graph.size());
  for (const auto& a : graph.actions()) {
    out.add(Action{.kind = a.kind, .node = a.node, .cluster = a.cluster, .store = a.store, .certificate = a.certificate,
                   .service = a.service});
  }
  graph.for_each_edge([&](ActionGraph::Index before, ActionGraph::Index after, const std::string& rule) {
    if (rule != kRestartsLast && rule != kRollingRestarts) out.order(before, after, rule);
  });
  restarts_last(out, topology);
  rolling_restarts(out, topology);
  return out;
}

}  // namespace rules

void apply_ordering_rules(ActionGraph& graph, const Topology& topology) {
  rules::chain_order_in_store(graph);
  rules::replication_after_upload(graph);
  rules::trust_before_identity(graph);
  rules::identity_before_its_peers(graph);
  rules::cross_product_phases(graph);
  rules::publisher_first_identity(graph, topology);
  rules::restarts_last(graph, topology);
  rules::rolling_restarts(graph, topology);
}

}  // namespace trustctl
