#pragma once
// The restarts a plan owes: collected from every change, the journal and stale ports, each (node, service) once, in
// the order its product restarts services; and which change owes which (Action::owes, journaled before the change).

#include "engine/graph/action_graph.hpp"
#include "engine/graph/ordering_rules.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trustctl::plans {

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

// Each write owes its own restarts and those of every wait it feeds (sets Action::owes). A node restarted whole
// (whole_nodes) owes one system restart instead of its services.
void attach_owed_restarts(ActionGraph& graph, const RestartList& restarts, const std::set<std::string>& whole_nodes = {});

}  // namespace trustctl::plans
