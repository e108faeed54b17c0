#include "plans/diff.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "plans/identity.hpp"

#include <map>
#include <unordered_map>
#include <set>

namespace trustctl::plans {
namespace {

// Restarts a node owes, in the order the provider lists its services, each once.
class RestartList {
 public:
  void owe(const std::string& node, const std::string& service, const std::string& reason, bool from_journal) {
    if (!m_seen.insert({node, service}).second) return;
    m_items.push_back({node, service, reason, from_journal});
  }
  struct Item {
    std::string node, service, reason;
    bool from_journal;
  };
  const std::vector<Item>& items() const { return m_items; }

 private:
  std::set<std::pair<std::string, std::string>> m_seen;
  std::vector<Item> m_items;
};

}  // namespace

Result<Plan> make_plan(const Site& site, const LiveState& live, const ProviderLookup& providers,
                       const std::vector<PendingRestart>& pending, const ManagedRecord* managed) {
  auto requirements = resolve_trust_requirements(site, live, providers);
  if (!requirements) return fail(requirements.error());
  auto identity_trust = identity_trust_requirements(site);
  if (!identity_trust) return fail(identity_trust.error());
  requirements->insert(requirements->end(), identity_trust->begin(), identity_trust->end());
  auto identities = plan_identities(site, live, std::chrono::system_clock::now());
  if (!identities) return fail(identities.error());

  Plan plan;
  plan.site_name = site.name;
  plan.site_file = site.file.string();
  plan.site_digest = site.file_digest;
  for (const auto& [name, state] : live.nodes) plan.observed[name] = state.digest();

  RestartList restarts;
  // (node, store, fingerprint) -> id of the change planned for it ("" when nothing was needed)
  std::map<std::tuple<std::string, std::string, std::string>, std::string> planned;
  auto node_state = [&](const std::string& node) -> const NodeState* {
    auto it = live.nodes.find(node);
    return it == live.nodes.end() ? nullptr : &it->second;
  };

  // Name -> cluster once: a fleet has tens of thousands of requirements and thousands of clusters.
  std::unordered_map<std::string, const Cluster*> clusters_by_name;
  for (const auto& c : site.clusters) clusters_by_name.emplace(c.name, &c);

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
                     false);
      }
    };
    auto [previous, first_time] = planned.emplace(std::make_tuple(req.node, req.store, fp), std::string());
    if (!first_time) {
      // An earlier rule already asked for it; this one may still owe extra restarts (the CCX Engine for scripts).
      if (!previous->second.empty()) owe_restarts(previous->second);
      continue;
    }

    Action action;
    action.node = req.node;
    action.cluster = req.cluster;
    action.store = req.store;
    action.certificate = req.certificate;
    action.reason = req.reason;
    action.region = req.region;
    action.ordering_group = req.ordering_group;
    action.ordering_phase = req.ordering_phase;

    if (req.present) {
      if (state->holds(req.store, fp)) continue;
      const Node* publisher = cluster->publisher();
      const NodeState* publisher_state = publisher ? node_state(publisher->name) : nullptr;
      bool via_replication = provider->is_replicated(req.store) && req.whole_cluster && publisher &&
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
    previous->second = change_id;
    plan.graph.add(std::move(action));
    owe_restarts(change_id);
  }

  for (auto& action : identities->actions) {
    const Provider* provider = providers.find(clusters_by_name.at(action.cluster)->product);
    std::string change_id = action.id();
    std::string node = action.node;
    plan.graph.add(std::move(action));
    for (const auto& service : provider->services_to_restart("tomcat")) {
      restarts.owe(node, service, "after the new tomcat identity on " + node + " (" + change_id + ")", false);
    }
  }
  plan.notes = std::move(identities->notes);

  if (site.policy.prune && managed) {
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
            Action action;
            action.kind = ActionKind::delete_trust;
            action.node = node.name;
            action.cluster = cluster.name;
            action.store = store;
            action.certificate = entry.certificate;
            action.file = entry.file;
            action.reason = "policy.prune: trustctl added it earlier (" +
                            ManagedRecord::path_in(site.state_dir).string() + ") and the site no longer asks for it";
            std::string change_id = action.id();
            plan.graph.add(std::move(action));
            for (const auto& service : provider->services_to_restart(store)) {
              restarts.owe(node.name, service, "after the " + store + " change on " + node.name + " (" + change_id + ")", false);
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
