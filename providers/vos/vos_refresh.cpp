#include "providers/vos/vos_refresh.hpp"

#include "engine/exec/parallel.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/transport/http_client.hpp"
#include "providers/transport/tls_pins.hpp"
#include "providers/transport/tls_probe.hpp"
#include "providers/vos/port_handshakes.hpp"
#include "providers/vos/read_only_session.hpp"
#include "providers/vos/vos_cli.hpp"
#include "providers/vos/vos_provider.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <set>

namespace trustctl::providers {

NodeReadSpec read_spec_for(const Site& site, const ProviderLookup& providers, const Cluster& cluster) {
  const Provider* provider = providers.find(cluster.product);
  NodeReadSpec spec;
  for (const auto& policy : cluster.identities) {
    // A unit the product lacks cannot be read; validate refuses such a policy with its site position.
    if (provider && !provider->has_identity_unit(policy.unit, cluster.version)) continue;
    if (std::find(spec.identity_units.begin(), spec.identity_units.end(), policy.unit) == spec.identity_units.end()) {
      spec.identity_units.push_back(policy.unit);
    }
    const CaEntry* ca = policy.issuer == "self" ? nullptr : site.find_ca(policy.issuer);
    if (ca && ca->signs_outside()) spec.csr_units.push_back(policy.unit);
  }
  // A cluster in an integration whose ports present tomcat-ECDSA (docs/appliances.md section 10): its peers must trust
  // that identity's EC chain too, so it is read like the RSA one.
  const bool integrated = std::any_of(site.integrations.begin(), site.integrations.end(), [&](const Integration& i) {
    return i.from == cluster.name || i.to == cluster.name;
  });
  if (integrated && provider && !cluster.nodes.empty() && provider->has_identity_unit("tomcat-ECDSA", cluster.version) &&
      std::find(spec.identity_units.begin(), spec.identity_units.end(), "tomcat-ECDSA") == spec.identity_units.end()) {
    auto ports = provider->service_ports(cluster.nodes.front());
    if (std::any_of(ports.begin(), ports.end(), [](const ServicePort& p) { return p.may_present_ecdsa; })) {
      spec.identity_units.push_back("tomcat-ECDSA");
    }
  }
  return spec;
}

namespace {

Result<void> read_pending_csrs(transport::CliSession& session, const NodeReadSpec& spec, NodeState& state) {
  for (const auto& unit : spec.csr_units) {
    auto pem = vos::read_pending_csr(session, unit);
    if (!pem) return fail(pem.error());
    if (!*pem) continue;
    auto info = pki::inspect_csr(**pem);
    if (!info) return fail(Error(info.error()).on(session.node(), "read CSR for " + unit));
    state.pending_csrs[unit] = PendingCsr{**pem, info->dns_names, info->public_key_pem};
  }
  return {};
}

Result<NodeState> labelled(Result<NodeState> result, const Node& node) {
  if (result) return result;
  Error e = result.error();
  if (e.node.empty()) e.node = node.name;
  if (e.operation.empty()) e.operation = "refresh";
  return fail(std::move(e));
}

}  // namespace

bool reusable_trust_file(const std::string& listed_file, const std::vector<Certificate>& known) {
  return !known.empty() && known.front().trust_file_name() == listed_file;
}

Result<NodeState> read_node_state(SessionPool& pool, const Node& node, const NodeReadSpec& spec,
                                  const KnownTrustFiles* known) {
  NodeState state;
  state.node = node.name;
  auto read = pool.with_session(node, [&](transport::CliSession& writable) -> Result<void> {
    ReadOnlySession session(writable);
    auto listed = vos::list_trust(session);
    if (!listed) return fail(listed.error());
    for (const auto& store : refreshed_stores()) {
      auto& list = state.stores[store];
      for (const auto& entry : *listed) {
        if (entry.unit != store) continue;
        auto reuse = known ? known->find(entry.path()) : KnownTrustFiles::const_iterator{};
        if (known && reuse != known->end() && reusable_trust_file(entry.file, reuse->second)) {
          for (const auto& certificate : reuse->second) list.push_back({entry.file, certificate});
          ++state.trust_files_reused;
          continue;
        }
        auto certificates = vos::read_trust_certificate(session, entry.path());
        if (!certificates) return fail(certificates.error());
        for (auto& certificate : *certificates) list.push_back({entry.file, std::move(certificate)});
        ++state.trust_files_read;
      }
    }
    // The identity peers must trust (integrations): read over the authenticated session, so it can be relied on.
    for (const auto& unit : spec.identity_units) {
      auto identity = vos::read_own_certificate(session, unit);
      if (!identity) return fail(identity.error());
      state.identities[unit] = std::move(*identity);
    }
    return read_pending_csrs(session, spec, state);
  });
  if (!read) return labelled(fail(read.error()), node);
  return state;
}

Result<NodeState> read_node_state_api(SessionPool& pool, const Site& site, const ProductExtensions& product,
                                      const Node& node, const NodeReadSpec& spec) {
  auto secret = pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, site, *secret);
  if (!http) return fail(http.error());
  auto read = product.read_over_api(**http, node);
  if (!read) return fail(read.error());
  NodeState state = std::move(*read);
  if (spec.csr_units.empty()) return state;
  auto csrs = pool.with_session(node, [&](transport::CliSession& writable) -> Result<void> {
    ReadOnlySession session(writable);
    return read_pending_csrs(session, spec, state);
  });
  if (!csrs) return labelled(fail(csrs.error()), node);
  return state;
}

// An external host is not administered: what it presents over TLS is all there is to read. Nothing is trusted
// because it was presented; the planner only accepts a chain whose root the site declares.
Result<NodeState> read_external_state(const Node& node) {
  auto probe = transport::probe_tls(port_target(node, node.connection.https_port));
  if (!probe) return fail(Error(probe.error()).on(node.name, "read presented chain"));
  NodeState state;
  state.node = node.name;
  state.identities["presented"] = std::move(probe->chain);
  return state;
}

RefreshResult refresh(const Site& site, const ProviderLookup& providers, SessionPool& pool, int parallelism,
                      const RefreshProgress& progress, const RefreshScope& scope) {
  auto spec_for = [&](const Cluster& cluster) {
    NodeReadSpec spec = read_spec_for(site, providers, cluster);
    const Provider* provider = providers.find(cluster.product);
    if (scope.every_identity_unit && provider) {
      for (const auto& unit : provider->identity_units()) {
        if (provider->has_identity_unit(unit, cluster.version) &&
            std::find(spec.identity_units.begin(), spec.identity_units.end(), unit) == spec.identity_units.end()) {
          spec.identity_units.push_back(unit);
        }
      }
    }
    return spec;
  };
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
    if (!is_vos(cluster.product) && !scope.every_external && !external_needed.count(cluster.name)) continue;
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
    // A REST node's pins file is read first: damaged, it stops the node before any connection is made, the port
    // handshakes below included (the REST client itself would find the damage only after they had started).
    static const ProductExtensions none;
    const auto* vos_provider = cluster ? dynamic_cast<const VosProvider*>(providers.find(cluster->product)) : nullptr;
    const ProductExtensions& product = vos_provider ? vos_provider->extensions() : none;
    const bool over_api = cluster && product.uses_api(*cluster);
    Result<transport::PinMap> pins = transport::PinMap{};
    if (over_api) {
      pins = transport::load_pins(nodes[i]->connection.tls_pins);
    }
    // The handshakes run beside the CLI or REST reads (another connection each), so they cost no wall time.
    std::future<std::vector<PresentedPort>> presented;
    const Provider* provider = cluster ? providers.find(cluster->product) : nullptr;
    if (pins && scope.presented && cluster && is_vos(cluster->product) && provider) {
      presented = std::async(std::launch::async, [&, node = nodes[i]] {
        return read_presented(*node, provider->service_ports(*node));
      });
    }
    if (!pins) {
      results[i] = fail(Error(pins.error()).on(nodes[i]->name, "read TLS pins"));
    } else if (cluster && !is_vos(cluster->product)) {
      results[i] = read_external_state(*nodes[i]);
    } else if (over_api) {
      results[i] = read_node_state_api(pool, site, product, *nodes[i], spec_for(*cluster));
    } else {
      const KnownTrustFiles* known = nullptr;
      if (scope.known) {
        auto it = scope.known->find(nodes[i]->name);
        if (it != scope.known->end()) known = &it->second;
      }
      results[i] = read_node_state(pool, *nodes[i], cluster ? spec_for(*cluster) : NodeReadSpec{}, known);
    }
    if (presented.valid()) {
      auto ports = presented.get();
      if (results[i]) results[i]->presented = std::move(ports);
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
