#pragma once
// Refresh: reads what each node's stores hold right now, in parallel across nodes.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "providers/vos/product_extensions.hpp"
#include "providers/vos/session_pool.hpp"

#include <functional>

namespace trustctl::providers {

// The stores trustctl reads on every VOS node.
inline const std::vector<std::string>& refreshed_stores() {
  static const std::vector<std::string> stores = {"tomcat-trust"};
  return stores;
}

// What refresh reads on a node beyond its trust stores: the identity units and the pending CSRs its cluster's
// identity policies need (a CSR only for an outside CA, whose signed certificate must answer it).
struct NodeReadSpec {
  std::vector<std::string> identity_units = {"tomcat"};
  std::vector<std::string> csr_units;
};
NodeReadSpec read_spec_for(const Site& site, const ProviderLookup& providers, const Cluster& cluster);

// Over the admin CLI (every VOS product), or over a product's certificate API (ProductExtensions: CUCM 14+'s REST
// API); pending CSRs come over the CLI on both (the REST API has no call that shows one).
// known: the trust files an earlier refresh read on this node; a listed file found there under the same name is not
// read again (see reusable_trust_file).
Result<NodeState> read_node_state(SessionPool& pool, const Node& node, const NodeReadSpec& spec = {},
                                  const KnownTrustFiles* known = nullptr);
Result<NodeState> read_node_state_api(SessionPool& pool, const Site& site, const ProductExtensions& product,
                                      const Node& node, const NodeReadSpec& spec = {});

// Whether a file an earlier refresh read under this name still holds what it held then. On 12.x/14.x a trust file is
// named <CN>_<serial>.pem (docs/appliances.md section 2), so the same name means the same certificate; an older
// <CN>.pem name says nothing about which certificate of that CN it holds, so such a file is read every time.
bool reusable_trust_file(const std::string& listed_file, const std::vector<Certificate>& known);

struct RefreshProgress {
  std::function<void(const Node&)> started;
  std::function<void(const Node&, const Result<NodeState>&, double seconds)> finished;
};

// Every administered node of the site. Errors are collected per node; any error fails the refresh (a plan computed
// from a partial view could undo what it cannot see).
struct RefreshResult {
  LiveState state;
  std::vector<Error> errors;
};
// What a refresh reads beyond every VOS node's trust stores and the identities its policies need.
struct RefreshScope {
  // A TLS handshake on every service port of every VOS node, run beside the node's CLI reads so it adds no wall
  // time: the planner compares what each service presents with the identity the node stores.
  bool presented = true;
  // show: every identity unit the product has at its version (tomcat-ECDSA), not only those a policy names.
  bool every_identity_unit = false;
  // show: every external host, not only those whose chain an integration needs.
  bool every_external = false;
  // Trust files earlier refreshes read, per node (engine/state/trust_cache.hpp); nullptr: read every file.
  const std::map<std::string, KnownTrustFiles>* known = nullptr;
};
RefreshResult refresh(const Site& site, const ProviderLookup& providers, SessionPool& pool, int parallelism, const RefreshProgress& progress = {},
                      const RefreshScope& scope = {});

}  // namespace trustctl::providers
