#include "providers/vos/vos_refresh.hpp"

#include "engine/exec/parallel.hpp"
#include "providers/cucm/cucm_rest.hpp"
#include "providers/cucm/cucm_rules.hpp"
#include "providers/transport/http_client.hpp"
#include "providers/transport/tls_probe.hpp"
#include "providers/vos/read_only_session.hpp"
#include "providers/vos/vos_cli.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace trustctl::providers {

Result<NodeState> read_node_state(SessionPool& pool, const Node& node) {
  NodeState state;
  state.node = node.name;
  auto read = pool.with_session(node, [&](transport::CliSession& writable) -> Result<void> {
    ReadOnlySession session(writable);
    for (const auto& store : refreshed_stores()) {
      auto entries = vos::read_trust_store(session, store);
      if (!entries) return fail(entries.error());
      auto& list = state.stores[store];
      for (auto& [file, certificate] : *entries) list.push_back({file, std::move(certificate)});
    }
    // The identity peers must trust (integrations): read over the authenticated session, so it can be relied on.
    auto identity = vos::read_own_certificate(session, "tomcat");
    if (!identity) return fail(identity.error());
    state.identities["tomcat"] = std::move(*identity);
    return {};
  });
  if (!read) {
    Error e = read.error();
    if (e.node.empty()) e.node = node.name;
    if (e.operation.empty()) e.operation = "refresh";
    return fail(std::move(e));
  }
  return state;
}

Result<NodeState> read_node_state_rest(SessionPool& pool, const Site& site, const Node& node) {
  auto secret = pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, site, *secret);
  if (!http) return fail(http.error());
  auto snapshot = cucm::read_snapshot(**http);
  if (!snapshot) return fail(snapshot.error());
  return cucm::to_node_state(node.name, *snapshot);
}

// An external host is not administered: what it presents over TLS is all there is to read. Nothing is trusted
// because it was presented; the planner only accepts a chain whose root the site declares.
Result<NodeState> read_external_state(const Node& node) {
  transport::ProbeTarget target{.host = node.address,
                                .port = node.connection.https_port,
                                .servername = node.fqdn,
                                .timeout = std::chrono::seconds(std::min(node.connection.timeout_s, 30))};
  auto probe = transport::probe_tls(target);
  if (!probe) return fail(Error(probe.error()).on(node.name, "read presented chain"));
  NodeState state;
  state.node = node.name;
  state.identities["presented"] = std::move(probe->chain);
  return state;
}

RefreshResult refresh(const Site& site, SessionPool& pool, int parallelism, const RefreshProgress& progress) {
  // External clusters are read only when an integration needs their chain.
  std::set<std::string> external_needed;
  for (const auto& integration : site.integrations) {
    for (const auto& name : {integration.from, integration.to}) {
      const Cluster* c = site.find_cluster(name);
      if (c && !is_vos(c->product)) external_needed.insert(c->name);
    }
  }
  std::vector<const Node*> nodes;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product) && !external_needed.count(cluster.name)) continue;
    for (const auto& node : cluster.nodes) nodes.push_back(&node);
  }
  std::vector<Result<NodeState>> results(nodes.size(), fail(ErrorCode::internal, "not read"));
  std::mutex progress_mutex;
  parallel_for_each(nodes.size(), parallelism, [&](std::size_t i) {
    if (progress.started) {
      std::lock_guard lock(progress_mutex);
      progress.started(*nodes[i]);
    }
    auto begin = std::chrono::steady_clock::now();
    const Cluster* cluster = site.find_cluster(nodes[i]->cluster);
    if (cluster && !is_vos(cluster->product)) {
      results[i] = read_external_state(*nodes[i]);
    } else if (cluster && has_certificate_rest(*cluster)) {
      results[i] = read_node_state_rest(pool, site, *nodes[i]);
    } else {
      results[i] = read_node_state(pool, *nodes[i]);
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (progress.finished) {
      std::lock_guard lock(progress_mutex);
      progress.finished(*nodes[i], results[i], seconds);
    }
  });
  RefreshResult out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (results[i]) {
      out.state.nodes[nodes[i]->name] = std::move(*results[i]);
    } else {
      out.errors.push_back(results[i].error());
    }
  }
  return out;
}

}  // namespace trustctl::providers
