#include "plans/diff.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "plans/identity.hpp"
#include "plans/presented.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <set>

namespace trustctl::plans {
namespace {

// Restarts a node owes, in the order the provider lists its services, each once.
class RestartList {
 public:
  // region: the site entry behind the change that owes the restart (none for one the journal owes).
  void owe(const std::string& node, const std::string& service, const std::string& reason, bool from_journal,
           const std::optional<SourceRegion>& region = std::nullopt) {
    if (!m_seen.insert({node, service}).second) return;
    m_items.push_back({node, service, reason, from_journal, region});
  }
  struct Item {
    std::string node, service, reason;
    bool from_journal;
    std::optional<SourceRegion> region;
  };
  const std::vector<Item>& items() const { return m_items; }

 private:
  std::set<std::pair<std::string, std::string>> m_seen;
  std::vector<Item> m_items;
};

// Whether the certificate is an issuer of one of the node's own identities, up the chain its tomcat-trust holds:
// prune never removes what the node's own identity needs (the next plan would find its chain broken, TC007).
// An identity this plan replaces does not count: its successor's chain is wanted by the identity policy itself.
bool in_identity_chain(const NodeState& state, const Certificate& certificate,
                       const std::set<std::pair<std::string, std::string>>& replaced) {
  auto trust = state.stores.find("tomcat-trust");
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

Result<Plan> make_plan(const Site& site, const LiveState& live, const ProviderLookup& providers,
                       const std::vector<PendingRestart>& pending, const ManagedRecord* managed) {
  auto requirements = resolve_trust_requirements(site, live, providers);
  if (!requirements) return fail(requirements.error());
  auto identity_trust = identity_trust_requirements(site);
  if (!identity_trust) return fail(identity_trust.error());
  requirements->insert(requirements->end(), identity_trust->begin(), identity_trust->end());
  auto identities = plan_identities(site, live, providers, std::chrono::system_clock::now());
  if (!identities) return fail(identities.error());

  Plan plan;
  plan.site_name = site.name;
  plan.site_file = site.file.string();
  plan.site_digest = site.file_digest;
  for (const auto& [name, state] : live.nodes) plan.observed[name] = state.digest();

  RestartList restarts;
  // (node, store, fingerprint) -> the change planned for it (kNone when nothing was needed)
  constexpr ActionGraph::Index kNone = static_cast<ActionGraph::Index>(-1);
  std::map<std::tuple<std::string, std::string, std::string>, ActionGraph::Index> planned;
  auto node_state = [&](const std::string& node) -> const NodeState* {
    auto it = live.nodes.find(node);
    return it == live.nodes.end() ? nullptr : &it->second;
  };

  // Name -> cluster once: a fleet has tens of thousands of requirements and thousands of clusters.
  std::unordered_map<std::string, const Cluster*> clusters_by_name;
  for (const auto& c : site.clusters) clusters_by_name.emplace(c.name, &c);

  // What this plan writes on each publisher (present requirements the publisher does not hold yet).
  std::set<std::tuple<std::string, std::string, std::string>> publisher_uploads;
  for (const auto& req : *requirements) {
    if (!req.present) continue;
    const Cluster* cluster = clusters_by_name.at(req.cluster);
    const Node* publisher = cluster->publisher();
    if (!publisher || publisher->name != req.node) continue;
    const NodeState* state = node_state(req.node);
    if (state && !state->holds(req.store, req.certificate.fingerprint())) {
      publisher_uploads.emplace(req.node, req.store, req.certificate.fingerprint());
    }
  }

  for (const auto& req : *requirements) {
    const NodeState* state = node_state(req.node);
    if (!state) {
      return fail(Error(ErrorCode::internal, "no live state was read for node " + req.node).at(req.region));
    }
    const std::string& fp = req.certificate.fingerprint();
    const Cluster* cluster = clusters_by_name.at(req.cluster);
    const Provider* provider = providers.find(cluster->product);
    auto owe_restarts = [&](const std::string& change_id) {
      auto services = provider->services_to_restart(req.store);
      services.insert(services.end(), req.extra_restarts.begin(), req.extra_restarts.end());
      for (const auto& service : services) {
        restarts.owe(req.node, service, "after the " + req.store + " change on " + req.node + " (" + change_id + ")",
                     false, req.region);
      }
    };
    auto [previous, first_time] = planned.emplace(std::make_tuple(req.node, req.store, fp), kNone);
    if (!first_time) {
      // An earlier rule already asked for it; this one may still owe extra restarts (the CCX Engine for scripts), and
      // may carry the cross-product order (rule 4) the earlier one did not know of.
      if (previous->second != kNone) {
        Action& earlier = plan.graph.action(previous->second);
        OrderingPhase membership{req.ordering_group, req.ordering_phase};
        if (!req.ordering_group.empty() &&
            std::find(earlier.orderings.begin(), earlier.orderings.end(), membership) == earlier.orderings.end()) {
          earlier.orderings.push_back(std::move(membership));
        }
        owe_restarts(earlier.id());
      }
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

    if (req.present) {
      if (state->holds(req.store, fp)) continue;
      const Node* publisher = cluster->publisher();
      const NodeState* publisher_state = publisher ? node_state(publisher->name) : nullptr;
      // A subscriber gets it from the publisher when the publisher is written in this plan: a whole-cluster rule
      // writes it there, and so may another rule naming the publisher.
      bool publisher_written = req.whole_cluster || (publisher && publisher_uploads.count({publisher->name, req.store, fp}));
      bool via_replication = provider->is_replicated(req.store) && publisher_written && publisher &&
                             publisher->name != req.node && publisher_state &&
                             !publisher_state->holds(req.store, fp);
      if (via_replication) {
        action.kind = ActionKind::wait_replication;
        action.source_node = publisher->name;
        action.reason += "; " + req.store + " replicates from the publisher " + publisher->name;
      } else {
        action.kind = ActionKind::upload_trust;
        if (provider->is_replicated(req.store) && req.whole_cluster && publisher && publisher->name != req.node) {
          action.reason += "; the publisher holds it but this node's copy is missing (deletes do not replicate)";
        }
      }
    } else {
      const StoreEntry* entry = state->find(req.store, fp);
      if (!entry) continue;
      action.kind = ActionKind::delete_trust;
      action.file = entry->file;
    }
    std::string change_id = action.id();
    previous->second = plan.graph.add(std::move(action));
    owe_restarts(change_id);
  }

  for (auto& action : identities->actions) {
    const Provider* provider = providers.find(clusters_by_name.at(action.cluster)->product);
    std::string change_id = action.id();
    std::string node = action.node;
    std::string unit = action.store;
    auto services = provider->services_to_restart(unit);
    if (action.multi_server) {
      for (auto& extra : provider->multi_server_restarts()) {
        if (std::find(services.begin(), services.end(), extra) == services.end()) services.push_back(extra);
      }
    }
    std::optional<SourceRegion> region = action.region;
    plan.graph.add(std::move(action));
    for (const auto& service : services) {
      restarts.owe(node, service, "after the new " + unit + " identity on " + node + " (" + change_id + ")", false,
                   region);
    }
  }
  plan.notes = std::move(identities->notes);

  if (site.policy.prune && managed) {
    std::set<std::pair<std::string, std::string>> replaced_identities;  // (node, unit) this plan gives a new identity
    for (const auto& a : plan.graph.actions()) {
      if (a.changes_identity() || a.kind == ActionKind::wait_identity) replaced_identities.emplace(a.node, a.store);
    }
    // Entries trustctl added earlier that no requirement wants any more. Deletes do not replicate: one per node.
    std::set<std::tuple<std::string, std::string, std::string>> wanted;
    for (const auto& req : *requirements) {
      if (req.present) wanted.emplace(req.node, req.store, req.certificate.fingerprint());
    }
    for (const auto& cluster : site.clusters) {
      const Provider* provider = providers.find(cluster.product);
      if (!provider || !provider->administered()) continue;
      for (const auto& node : cluster.nodes) {
        const NodeState* state = node_state(node.name);
        if (!state) continue;
        for (const auto& [store, entries] : state->stores) {
          for (const auto& entry : entries) {
            const std::string& fp = entry.certificate.fingerprint();
            if (!managed->contains(node.name, store, fp) || wanted.count({node.name, store, fp})) continue;
            if (planned.count({node.name, store, fp})) continue;  // an absent rule already deletes it
            if (in_identity_chain(*state, entry.certificate, replaced_identities)) continue;
            Action action;
            action.kind = ActionKind::delete_trust;
            action.node = node.name;
            action.cluster = cluster.name;
            action.store = store;
            action.certificate = entry.certificate;
            action.file = entry.file;
            action.reason = "policy.prune: trustctl added it earlier (" +
                            ManagedRecord::path_in(site.state_dir).string() + ") and the site no longer asks for it";
            action.region = site.policy.region;
            std::string change_id = action.id();
            plan.graph.add(std::move(action));
            for (const auto& service : provider->services_to_restart(store)) {
              restarts.owe(node.name, service, "after the " + store + " change on " + node.name + " (" + change_id + ")",
                           false, site.policy.region);
            }
          }
        }
      }
    }
  }

  for (const auto& owed : pending) {
    restarts.owe(owed.node, owed.service, "owed by an earlier apply that changed " + owed.owed_by +
                                              " and did not restart (journal)", true);
  }
  // Last, so a restart already planned or owed keeps its own reason: a port still presenting an older identity.
  auto presented = stale_presented(site, live);
  for (const auto& stale : presented.restarts) {
    restarts.owe(stale.node, stale.service, stale.reason, false, stale.region);
  }
  plan.notes.insert(plan.notes.end(), presented.notes.begin(), presented.notes.end());

  auto topology = topology_of(site);
  for (const auto& item : restarts.items()) {
    Action restart;
    restart.kind = ActionKind::restart_service;
    restart.node = item.node;
    auto placement = topology.find(item.node);
    if (placement != topology.end()) restart.cluster = placement->second.cluster;
    restart.service = item.service;
    restart.reason = item.reason;
    restart.pending_from_journal = item.from_journal;
    restart.region = item.region;
    if (site.policy.restart == RestartPolicy::manual) {
      plan.manual_restarts.push_back(std::move(restart));
    } else {
      plan.graph.add(std::move(restart));
    }
  }

  apply_ordering_rules(plan.graph, topology, site.policy.restart);
  auto order = plan.graph.topological_order();
  if (!order) return fail(order.error());
  plan.order = std::move(*order);
  return plan;
}

}  // namespace trustctl::plans
