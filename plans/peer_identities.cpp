#include "plans/peer_identities.hpp"

#include "plans/requirements.hpp"

#include <algorithm>

namespace trustctl::plans {
namespace {

struct Truster {
  const Cluster* cluster;
  const IntegrationRule* rule;
  const Integration* integration;
  bool caller;  // the truster is the calling side (its caller_restarts apply)
};

std::vector<Truster> trusters_of(const Site& site, const ProviderLookup& providers, const Cluster& trusted) {
  std::vector<Truster> out;
  for (const auto& integration : site.integrations) {
    const Cluster* from = site.find_cluster(integration.from);
    const Cluster* to = site.find_cluster(integration.to);
    if (!from || !to) continue;
    const IntegrationRule* rule = providers.integration(from->product, to->product, integration.kind);
    if (!rule) continue;
    if (rule->caller_trusts_callee && to == &trusted) out.push_back({from, rule, &integration, true});
    if (rule->callee_trusts_caller && from == &trusted) out.push_back({to, rule, &integration, false});
  }
  return out;
}

}  // namespace

std::vector<PeerUpload> peer_uploads(const Site& site, const ProviderLookup& providers,
                                     const std::vector<Action>& identity_actions) {
  std::vector<PeerUpload> out;
  auto planned = [&](const std::string& node, const std::string& of, const std::string& unit) {
    return std::any_of(out.begin(), out.end(), [&](const PeerUpload& p) {
      return p.action.node == node && p.action.identity_node == of && p.action.identity_unit == unit;
    });
  };
  const CertificateUnits& units = providers.units();
  for (const auto& made : identity_actions) {
    if (made.kind != ActionKind::regenerate_identity) continue;
    const Cluster* cluster = site.find_cluster(made.cluster);
    if (!cluster) continue;
    if (units.is_ec(made.store) && !presents_ecdsa_to_peers(*cluster, providers)) continue;
    for (const auto& truster : trusters_of(site, providers, *cluster)) {
      const Provider* provider = providers.find(truster.cluster->product);
      if (!provider || !provider->administered() || truster.cluster == cluster) continue;
      const Node* publisher = truster.cluster->publisher();
      const bool replicated = provider->is_replicated(units.trust_store) && publisher;
      for (const auto& node : truster.cluster->nodes) {
        if (planned(node.name, made.node, made.store)) continue;
        PeerUpload peer;
        Action& a = peer.action;
        a.node = node.name;
        a.cluster = truster.cluster->name;
        a.store = units.trust_store;
        a.identity_node = made.node;
        a.identity_unit = made.store;
        a.region = truster.integration->region;
        a.reason = "integration " + truster.integration->from + " -> " + truster.integration->to + " at " +
                   truster.integration->region.describe() + ": " + node.name + " must trust the " + made.store +
                   " identity " + made.node + " gets in this apply (" + truster.rule->source + ")";
        const bool via_replication = replicated && publisher->name != node.name;
        a.kind = via_replication ? ActionKind::wait_replication : ActionKind::upload_trust;
        if (via_replication) {
          a.source_node = publisher->name;
          a.reason += "; " + units.trust_store + " replicates from the publisher " + publisher->name;
        }
        if (truster.caller) peer.extra_restarts = truster.rule->caller_restarts;
        out.push_back(std::move(peer));
      }
    }
  }
  return out;
}

std::set<std::string> replaced_identities(const LiveState& live, const std::vector<Action>& identity_actions) {
  std::set<std::string> out;
  for (const auto& made : identity_actions) {
    if (made.kind != ActionKind::regenerate_identity) continue;
    auto state = live.nodes.find(made.node);
    if (state == live.nodes.end()) continue;
    auto identity = state->second.identities.find(made.store);
    if (identity != state->second.identities.end() && !identity->second.empty()) {
      out.insert(identity->second.front().fingerprint());
    }
  }
  return out;
}

}  // namespace trustctl::plans
