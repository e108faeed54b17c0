#include "plans/diff.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "plans/identity.hpp"
#include "plans/owed_restarts.hpp"
#include "plans/presented.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <set>

namespace trustctl::plans {
namespace {

// Restarts a node owes, in the order the provider lists its services, each once; and which change owes which.
class RestartList {
 public:
  // region: the site entry behind the change that owes the restart (none for one the journal owes).
  // change_id: the change that makes it necessary ("" for one the journal or a stale port owes).
  void owe(const std::string& node, const std::string& service, const std::string& reason, bool from_journal,
           const std::optional<SourceRegion>& region = std::nullopt, const std::string& change_id = {}) {
    if (!change_id.empty()) {
      auto& owed = m_by_change[change_id];
      OwedRestart restart{node, service};
      if (std::find(owed.begin(), owed.end(), restart) == owed.end()) owed.push_back(std::move(restart));
    }
    if (!m_seen.insert({node, service}).second) return;
    m_items.push_back({node, service, reason, from_journal, region});
  }
  const std::vector<OwedRestart>* owed_by(const std::string& change_id) const {
    auto it = m_by_change.find(change_id);
    return it == m_by_change.end() ? nullptr : &it->second;
  }
  struct Item {
    std::string node, service, reason;
    bool from_journal;
    std::optional<SourceRegion> region;
  };
  const std::vector<Item>& items() const { return m_items; }

  // Each node's restarts in the order its product restarts services (a service the others' health checks need
  // first), whatever order the changes and the journal owed them in; nodes keep their first-owed order.
  void order_by_product(const Topology& topology, const Site& site, const ProviderLookup& providers) {
    std::vector<std::string> nodes;
    std::map<std::string, std::vector<Item>> by_node;
    for (auto& item : m_items) {
      if (!by_node.count(item.node)) nodes.push_back(item.node);
      by_node[item.node].push_back(std::move(item));
    }
    m_items.clear();
    for (const auto& node : nodes) {
      auto& items = by_node[node];
      std::vector<std::string> order;
      if (auto placement = topology.find(node); placement != topology.end()) {
        if (const Cluster* cluster = site.find_cluster(placement->second.cluster)) {
          if (const Provider* provider = providers.find(cluster->product)) order = provider->services();
        }
      }
      auto rank = [&](const Item& item) {
        auto it = std::find(order.begin(), order.end(), item.service);
        return static_cast<std::size_t>(it - order.begin());  // unknown services last, in owed order
      };
      std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) { return rank(a) < rank(b); });
      for (auto& item : items) m_items.push_back(std::move(item));
    }
  }

 private:
  std::set<std::pair<std::string, std::string>> m_seen;
  std::vector<Item> m_items;
  std::map<std::string, std::vector<OwedRestart>> m_by_change;
};

// Each write owes its own restarts and those of every wait it feeds: a publisher's upload changes the subscribers'
// stores by replication, and a multi-server identity reaches the other nodes by distribution, whether or not
// trustctl lives to see the wait end. Journaled before the write is sent (engine/exec/journaled_run.hpp).
void attach_owed_restarts(ActionGraph& graph, const RestartList& restarts) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<ActionGraph::Index>> waits_by_source;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.kind == ActionKind::wait_replication && a.certificate) {
      waits_by_source[{a.source_node, a.store, a.certificate->fingerprint()}].push_back(i);
    } else if (a.kind == ActionKind::wait_identity) {
      waits_by_source[{a.source_node, a.store, ""}].push_back(i);
    }
  }
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    Action& a = graph.action(i);
    if (!a.writes()) continue;
    auto add = [&](const std::string& change_id) {
      if (const auto* owed = restarts.owed_by(change_id)) {
        for (const auto& r : *owed) {
          if (std::find(a.owes.begin(), a.owes.end(), r) == a.owes.end()) a.owes.push_back(r);
        }
      }
    };
    add(a.id());
    std::string fed_key = a.kind == ActionKind::upload_trust && a.certificate ? a.certificate->fingerprint() : "";
    bool feeds = a.kind == ActionKind::upload_trust || (a.changes_identity() && a.multi_server);
    if (!feeds) continue;
    auto fed = waits_by_source.find({a.node, a.store, fed_key});
    if (fed == waits_by_source.end()) continue;
    for (auto wait : fed->second) add(graph.action(wait).id());
  }
}

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
  auto identities = plan_identities(site, live, providers, now_utc());
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
    // The reason names the change as the plan shows it ("upload Corp Root (ab12cd34) to tomcat-trust"), not its id.
    auto owe_restarts = [&](const std::string& change_id, const std::string& change) {
      auto services = provider->services_to_restart(req.store);
      services.insert(services.end(), req.extra_restarts.begin(), req.extra_restarts.end());
      for (const auto& service : services) {
        restarts.owe(req.node, service, "after the " + req.store + " change on " + req.node + ": " + change, false,
                     req.region, change_id);
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
        owe_restarts(earlier.id(), earlier.describe());
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
    std::string change = action.describe();
    previous->second = plan.graph.add(std::move(action));
    owe_restarts(change_id, change);
  }

  for (auto& action : identities->actions) {
    const Provider* provider = providers.find(clusters_by_name.at(action.cluster)->product);
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
    plan.graph.add(std::move(action));
    for (const auto& service : services) {
      restarts.owe(node, service, "after the new " + unit + " identity on " + node + ": " + change, false, region,
                   change_id);
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
            std::string change = action.describe();
            plan.graph.add(std::move(action));
            for (const auto& service : provider->services_to_restart(store)) {
              restarts.owe(node.name, service, "after the " + store + " change on " + node.name + ": " + change, false,
                           site.policy.region, change_id);
            }
          }
        }
      }
    }
  }

  for (const auto& owed : pending) {
    // One the site can no longer carry out (its node was removed, or the product has no such service) is reported,
    // not planned: planned, it would fail every apply from now on.
    if (auto why = unrunnable_owed_restart(site, providers, owed)) {
      plan.notes.push_back(*why);
      continue;
    }
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
  restarts.order_by_product(topology, site, providers);
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

  attach_owed_restarts(plan.graph, restarts);
  apply_ordering_rules(plan.graph, topology, site.policy.restart);
  auto order = plan.graph.topological_order();
  if (!order) return fail(order.error());
  plan.order = std::move(*order);
  return plan;
}

}  // namespace trustctl::plans
