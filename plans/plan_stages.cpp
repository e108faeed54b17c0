#include "plans/plan_stages.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "plans/owed_restarts.hpp"
#include "plans/peer_identities.hpp"
#include "plans/presented.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace trustctl::plans {
namespace {

using StoreKey = std::tuple<std::string, std::string, std::string>;  // (node, store, fingerprint)

// What this plan writes on each publisher: present requirements the publisher does not hold yet.
std::set<StoreKey> publisher_uploads(const PlanDraft& draft) {
  std::set<StoreKey> out;
  for (const auto& req : draft.requirements) {
    if (!req.present) continue;
    const Node* publisher = draft.clusters_by_name.at(req.cluster)->publisher();
    if (!publisher || publisher->name != req.node) continue;
    const NodeState* state = draft.node_state(req.node);
    if (state && !state->holds(req.store, req.certificate.fingerprint())) {
      out.emplace(req.node, req.store, req.certificate.fingerprint());
    }
  }
  return out;
}

// The reason names the change as the plan shows it ("upload Corp Root (ab12cd34) to tomcat-trust"), not its id.
void owe_store_restarts(PlanDraft& draft, const TrustRequirement& req, const Provider& provider,
                        const std::string& change_id, const std::string& change) {
  auto services = provider.services_to_restart(req.store);
  services.insert(services.end(), req.extra_restarts.begin(), req.extra_restarts.end());
  for (const auto& service : services) {
    draft.restarts.owe(req.node, service, "after the " + req.store + " change on " + req.node + ": " + change, false,
                       req.region, change_id);
  }
}

// An earlier rule already asked for this certificate here; this one may still owe extra restarts (the CCX Engine
// for scripts), and may carry the cross-product order (rule 4) the earlier one did not know of.
void merge_into_earlier(PlanDraft& draft, const TrustRequirement& req, const Provider& provider,
                        ActionGraph::Index earlier_index) {
  if (earlier_index == PlanDraft::kNoChange) return;
  Action& earlier = draft.plan.graph.action(earlier_index);
  OrderingPhase membership{req.ordering_group, req.ordering_phase};
  if (!req.ordering_group.empty() &&
      std::find(earlier.orderings.begin(), earlier.orderings.end(), membership) == earlier.orderings.end()) {
    earlier.orderings.push_back(std::move(membership));
  }
  owe_store_restarts(draft, req, provider, earlier.id(), earlier.describe());
}

// The write (or wait) that brings a present requirement about; nullopt when the node holds it already.
std::optional<Action> presence_action(const PlanDraft& draft, const TrustRequirement& req, const Provider& provider,
                                      const NodeState& state, const std::set<StoreKey>& written_on_publishers,
                                      Action action) {
  const std::string& fp = req.certificate.fingerprint();
  if (state.holds(req.store, fp)) return std::nullopt;
  const Node* publisher = draft.clusters_by_name.at(req.cluster)->publisher();
  const NodeState* publisher_state = publisher ? draft.node_state(publisher->name) : nullptr;
  // A subscriber gets it from the publisher when the publisher is written in this plan: a whole-cluster rule
  // writes it there, and so may another rule naming the publisher.
  bool publisher_written =
      req.whole_cluster || (publisher && written_on_publishers.count({publisher->name, req.store, fp}));
  bool via_replication = provider.is_replicated(req.store) && publisher_written && publisher &&
                         publisher->name != req.node && publisher_state && !publisher_state->holds(req.store, fp);
  if (via_replication) {
    action.kind = ActionKind::wait_replication;
    action.source_node = publisher->name;
    action.reason += "; " + req.store + " replicates from the publisher " + publisher->name;
  } else {
    action.kind = ActionKind::upload_trust;
    if (provider.is_replicated(req.store) && req.whole_cluster && publisher && publisher->name != req.node) {
      action.reason += "; the publisher holds it but this node's copy is missing (deletes do not replicate)";
    }
  }
  return action;
}

// Whether the certificate is an issuer of one of the node's own identities, up the chain its trust store holds:
// prune never removes what the node's own identity needs (the next plan would find its chain broken, TC007).
// An identity this plan replaces does not count: its successor's chain is wanted by the identity policy itself.
bool in_identity_chain(const NodeState& state, const Certificate& certificate,
                       const std::set<std::pair<std::string, std::string>>& replaced, const std::string& trust_store) {
  auto trust = state.stores.find(trust_store);
  if (trust == state.stores.end()) return false;
  std::vector<Certificate> held;
  for (const auto& entry : trust->second) held.push_back(entry.certificate);
  for (const auto& [unit, chain] : state.identities) {
    if (chain.empty() || unit == "presented" || replaced.count({state.node, unit})) continue;
    if (chain.front().is_self_issued()) continue;
    auto up = issuer_chain(chain.front(), held);
    for (const auto& issuer : up.issuers) {
      if (issuer == certificate) return true;
    }
  }
  return false;
}

}  // namespace

PlanDraft::PlanDraft(const Site& s, const LiveState& l, const ProviderLookup& p) : site(s), live(l), providers(p) {
  for (const auto& c : site.clusters) clusters_by_name.emplace(c.name, &c);
  plan.site_name = site.name;
  plan.site_file = site.file.string();
  plan.site_digest = site.file_digest;
  plan.timing = site.timing;
  plan.topology = topology_of(site);
  plan.units = providers.units();
  for (const auto& [name, state] : live.nodes) plan.observed[name] = state.digest();
}

const NodeState* PlanDraft::node_state(const std::string& node) const {
  auto it = live.nodes.find(node);
  return it == live.nodes.end() ? nullptr : &it->second;
}

Result<void> resolve(PlanDraft& draft, TimePoint now) {
  auto requirements = resolve_trust_requirements(draft.site, draft.live, draft.providers);
  if (!requirements) return fail(requirements.error());
  auto identity_trust = identity_trust_requirements(draft.site, draft.providers);
  if (!identity_trust) return fail(identity_trust.error());
  requirements->insert(requirements->end(), identity_trust->begin(), identity_trust->end());
  auto identities = plan_identities(draft.site, draft.live, draft.providers, now);
  if (!identities) return fail(identities.error());
  draft.requirements = std::move(*requirements);
  draft.identities = std::move(*identities);
  return {};
}

Result<void> diff_trust(PlanDraft& draft) {
  const auto written_on_publishers = publisher_uploads(draft);
  // An identity regenerated in this apply reaches its peers as itself (add_identities): the one it replaces is
  // uploaded nowhere.
  const auto replaced = replaced_identities(draft.live, draft.identities.actions);
  for (const auto& req : draft.requirements) {
    const NodeState* state = draft.node_state(req.node);
    if (!state) {
      return fail(Error(ErrorCode::internal, "no live state was read for node " + req.node).at(req.region));
    }
    const std::string& fp = req.certificate.fingerprint();
    if (req.present && replaced.count(fp)) continue;
    const Provider& provider = *draft.providers.find(draft.clusters_by_name.at(req.cluster)->product);
    auto [previous, first_time] = draft.planned.emplace(std::make_tuple(req.node, req.store, fp), PlanDraft::kNoChange);
    if (!first_time) {
      merge_into_earlier(draft, req, provider, previous->second);
      continue;
    }
    Action action;
    action.node = req.node;
    action.cluster = req.cluster;
    action.store = req.store;
    action.certificate = req.certificate;
    action.reason = req.reason;
    action.region = req.region;
    if (!req.ordering_group.empty()) action.orderings.push_back({req.ordering_group, req.ordering_phase});
    std::optional<Action> change;
    if (req.present) {
      change = presence_action(draft, req, provider, *state, written_on_publishers, std::move(action));
    } else if (const StoreEntry* entry = state->find(req.store, fp)) {
      action.kind = ActionKind::delete_trust;
      action.file = entry->file;
      change = std::move(action);
    }
    if (!change) continue;
    const std::string change_id = change->id();
    const std::string described = change->describe();
    previous->second = draft.plan.graph.add(std::move(*change));
    owe_store_restarts(draft, req, provider, change_id, described);
  }
  return {};
}

namespace {

// One apply converges (plans/peer_identities.hpp): the uploads that carry an identity made in this apply to its
// peers, each owing the peer's tomcat-trust restarts.
void add_peer_uploads(PlanDraft& draft, std::vector<PeerUpload> peers) {
  for (auto& peer : peers) {
    const Provider* provider = draft.providers.find(draft.clusters_by_name.at(peer.action.cluster)->product);
    auto services = provider->services_to_restart(peer.action.store);
    services.insert(services.end(), peer.extra_restarts.begin(), peer.extra_restarts.end());
    const std::string change_id = peer.action.id();
    const std::string change = peer.action.describe();
    const std::string node = peer.action.node;
    const std::string store = peer.action.store;
    const std::optional<SourceRegion> region = peer.action.region;
    draft.plan.graph.add(std::move(peer.action));
    for (const auto& service : services) {
      draft.restarts.owe(node, service, "after the " + store + " change on " + node + ": " + change, false, region,
                         change_id);
    }
  }
}

}  // namespace

void add_identities(PlanDraft& draft) {
  auto peers = peer_uploads(draft.site, draft.providers, draft.identities.actions);  // before the actions move
  for (auto& action : draft.identities.actions) {
    const Provider* provider = draft.providers.find(draft.clusters_by_name.at(action.cluster)->product);
    std::string change_id = action.id();
    std::string change = action.describe();
    std::string node = action.node;
    std::string unit = action.store;
    auto services = provider->services_to_restart(unit);
    if (action.multi_server) {
      for (auto& extra : provider->multi_server_restarts()) {
        if (std::find(services.begin(), services.end(), extra) == services.end()) services.push_back(extra);
      }
    }
    std::optional<SourceRegion> region = action.region;
    draft.plan.graph.add(std::move(action));
    for (const auto& service : services) {
      draft.restarts.owe(node, service, "after the new " + unit + " identity on " + node + ": " + change, false,
                         region, change_id);
    }
  }
  draft.identities.actions.clear();
  add_peer_uploads(draft, std::move(peers));
  draft.plan.notes = std::move(draft.identities.notes);
}

namespace {

Action prune_action(const PlanDraft& draft, const Cluster& cluster, const Node& node, const std::string& store,
                    const StoreEntry& entry) {
  Action action;
  action.kind = ActionKind::delete_trust;
  action.node = node.name;
  action.cluster = cluster.name;
  action.store = store;
  action.certificate = entry.certificate;
  action.file = entry.file;
  action.reason = "policy.prune: trustctl added it earlier (" + ManagedRecord::path_in(draft.site.state_dir).string() +
                  ") and the site no longer asks for it";
  action.region = draft.site.policy.region;
  return action;
}

}  // namespace

void prune(PlanDraft& draft, const ManagedRecord* managed) {
  if (!draft.site.policy.prune || !managed) return;
  std::set<std::pair<std::string, std::string>> replaced_identities;  // (node, unit) this plan gives a new identity
  for (const auto& a : draft.plan.graph.actions()) {
    if (a.changes_identity() || a.kind == ActionKind::wait_identity) replaced_identities.emplace(a.node, a.store);
  }
  // Entries trustctl added earlier that no requirement wants any more. Deletes do not replicate: one per node.
  std::set<StoreKey> wanted;
  for (const auto& req : draft.requirements) {
    if (req.present) wanted.emplace(req.node, req.store, req.certificate.fingerprint());
  }
  const std::string& trust_store = draft.providers.units().trust_store;
  for (const auto& cluster : draft.site.clusters) {
    const Provider* provider = draft.providers.find(cluster.product);
    if (!provider || !provider->administered()) continue;
    for (const auto& node : cluster.nodes) {
      const NodeState* state = draft.node_state(node.name);
      if (!state) continue;
      for (const auto& [store, entries] : state->stores) {
        for (const auto& entry : entries) {
          const std::string& fp = entry.certificate.fingerprint();
          if (!managed->contains(node.name, store, fp) || wanted.count({node.name, store, fp})) continue;
          if (draft.planned.count({node.name, store, fp})) continue;  // an absent rule already deletes it
          if (in_identity_chain(*state, entry.certificate, replaced_identities, trust_store)) continue;
          Action action = prune_action(draft, cluster, node, store, entry);
          std::string change_id = action.id();
          std::string change = action.describe();
          draft.plan.graph.add(std::move(action));
          for (const auto& service : provider->services_to_restart(store)) {
            draft.restarts.owe(node.name, service,
                               "after the " + store + " change on " + node.name + ": " + change, false,
                               draft.site.policy.region, change_id);
          }
        }
      }
    }
  }
}

namespace {

// Nodes restarted whole (`utils system restart`): those of a cluster whose restart policy is "system", and any node
// the journal owes a system restart from an earlier apply (it stays one whatever the policy is now).
std::set<std::string> system_restart_nodes(const RestartList& restarts, const Topology& topology) {
  std::set<std::string> out;
  for (const auto& item : restarts.items()) {
    auto placement = topology.find(item.node);
    bool system_policy = placement != topology.end() && placement->second.restart == RestartPolicy::system;
    if (system_policy || item.service == kSystemRestart) out.insert(item.node);
  }
  return out;
}

// Why a node restarts whole, and which service restarts that stands for (the plan says what goes down).
std::string system_restart_reason(const NodePlacement* placement, const std::string& node,
                                  const std::vector<std::string>& services, const std::string& first_reason) {
  std::string why = placement && placement->restart == RestartPolicy::system
                        ? "restart = \"system\" for cluster " + placement->cluster
                        : "the journal owes a system restart of " + node;
  std::string out = "the whole node goes down (" + why + ")";
  if (!services.empty()) {
    out += " instead of restarting";
    for (std::size_t k = 0; k < services.size(); ++k) out += (k ? ", " : " ") + services[k];
  }
  return out + "; " + first_reason;
}

// One action per owed restart, or one system restart for a node restarted whole. Manual: listed for the operator,
// never scheduled.
void add_restart_actions(Plan& plan, const RestartList& restarts, const Topology& topology,
                         const std::set<std::string>& whole_nodes) {
  struct Whole {
    Action action;
    std::vector<std::string> services;
  };
  std::map<std::string, Whole> whole;  // node -> its system restart, built from every item it owes
  std::vector<std::string> whole_order;
  auto place = [&](Action restart) {
    auto placement = topology.find(restart.node);
    bool manual = placement != topology.end() && placement->second.restart == RestartPolicy::manual;
    if (manual) {
      plan.manual_restarts.push_back(std::move(restart));
    } else {
      plan.graph.add(std::move(restart));
    }
  };
  for (const auto& item : restarts.items()) {
    auto placement = topology.find(item.node);
    Action restart;
    restart.node = item.node;
    if (placement != topology.end()) restart.cluster = placement->second.cluster;
    restart.reason = item.reason;
    restart.pending_from_journal = item.from_journal;
    restart.region = item.region;
    if (!whole_nodes.count(item.node)) {
      restart.kind = ActionKind::restart_service;
      restart.service = item.service;
      place(std::move(restart));
      continue;
    }
    auto [entry, first] = whole.try_emplace(item.node);
    if (first) {
      restart.kind = ActionKind::restart_system;
      entry->second.action = std::move(restart);
      whole_order.push_back(item.node);
    } else {
      entry->second.action.pending_from_journal = entry->second.action.pending_from_journal && item.from_journal;
    }
    if (item.service != kSystemRestart) entry->second.services.push_back(item.service);
  }
  for (const auto& node : whole_order) {
    Whole& entry = whole.at(node);
    auto placement = topology.find(node);
    entry.action.reason = system_restart_reason(placement == topology.end() ? nullptr : &placement->second, node,
                                                entry.services, entry.action.reason);
    place(std::move(entry.action));
  }
}

}  // namespace

void plan_restarts(PlanDraft& draft, const std::vector<PendingRestart>& pending) {
  for (const auto& owed : pending) {
    // One the site can no longer carry out (its node was removed, or the product has no such service) is reported,
    // not planned: planned, it would fail every apply from now on.
    if (auto why = unrunnable_owed_restart(draft.site, draft.providers, owed)) {
      draft.plan.notes.push_back(*why);
      continue;
    }
    draft.restarts.owe(owed.node, owed.service, "owed by an earlier apply that changed " + owed.owed_by +
                                                    " and did not restart (journal)", true);
  }
  // Last, so a restart already planned or owed keeps its own reason: a port still presenting an older identity.
  auto presented = stale_presented(draft.site, draft.live, draft.providers.units());
  for (const auto& stale : presented.restarts) {
    draft.restarts.owe(stale.node, stale.service, stale.reason, false, stale.region);
  }
  draft.plan.notes.insert(draft.plan.notes.end(), presented.notes.begin(), presented.notes.end());

  const Topology& topology = draft.plan.topology;
  draft.restarts.order_by_product(topology, draft.site, draft.providers);
  auto whole_nodes = system_restart_nodes(draft.restarts, topology);
  add_restart_actions(draft.plan, draft.restarts, topology, whole_nodes);
  attach_owed_restarts(draft.plan.graph, draft.restarts, whole_nodes);
}

Result<void> order(PlanDraft& draft) {
  apply_ordering_rules(draft.plan.graph, draft.plan.topology);
  auto run_order = draft.plan.graph.topological_order();
  if (!run_order) return fail(run_order.error());
  draft.plan.order = std::move(*run_order);
  return {};
}

}  // namespace trustctl::plans
