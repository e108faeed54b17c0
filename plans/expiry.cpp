#include "plans/expiry.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

namespace trustctl::plans {

std::vector<ExpiryRow> expiry_rows(const Site& site, const LiveState& live, TimePoint now) {
  auto days_until = [&](TimePoint t) { return std::chrono::duration_cast<std::chrono::hours>(t - now).count() / 24; };
  std::vector<ExpiryRow> rows;
  for (const auto& [name, state] : live.nodes) {
    const Node* node = site.find_node(name);
    const Cluster* cluster = node ? site.find_cluster(node->cluster) : nullptr;
    for (const auto& [unit, chain] : state.identities) {
      if (chain.empty()) continue;
      std::optional<int> before;
      if (cluster) {
        for (const auto& p : cluster->identities) {
          if (p.unit == unit) before = p.renew_before_days;
        }
      }
      const Certificate& leaf = chain.front();
      long left = days_until(leaf.not_after());
      rows.push_back({name, "identity " + unit, leaf, left, left - renewal_window_days(leaf, before)});
    }
    for (const auto& [store, entries] : state.stores) {
      for (const auto& entry : entries) {
        long left = days_until(entry.certificate.not_after());
        rows.push_back({name, "trust " + store, entry.certificate, left, left - 30});
      }
    }
  }
  std::sort(rows.begin(), rows.end(), [](const ExpiryRow& a, const ExpiryRow& b) {
    return a.days_left != b.days_left ? a.days_left < b.days_left : a.node < b.node;
  });
  return rows;
}

bool expiry_due(const ExpiryRow& row, int within) {
  return within >= 0 && (row.days_left <= within || row.renew_in_days <= within);
}

}  // namespace trustctl::plans
