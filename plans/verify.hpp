#pragma once
// Verification: what each service port really presents (a TLS handshake), compared with what the node stores (a
// missed restart shows as an older identity), with the identity policy, and with the trust stores of every node that
// must trust it (integrations). Pure: the handshakes and reads happen before, in the CLI.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "engine/state/pending_restart.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

struct EndpointObservation {
  std::string node;
  ServicePort port;
  std::vector<Certificate> chain;  // as presented, leaf first; empty when the handshake failed
  std::string error;               // why the handshake failed
};

struct TrustCheck {
  std::string truster;  // node that must trust the endpoint
  bool ok = false;
};

struct VerifyRow {
  std::string node;
  std::string fqdn;
  ServicePort port;
  std::string presented;              // short fingerprint of the presented leaf, or ""
  std::vector<TrustCheck> trusted_by;
  std::vector<std::string> problems;  // each says what is wrong and what to do
  bool ok() const { return problems.empty(); }
};

// A call that a deployed certificate makes fail (the lint of what is deployed: a callee identity with a critical EKU,
// an expired one, an expired CA in the caller's store): every node of caller_cluster fails its call to callee_node.
struct DeployedDefect {
  std::string caller_cluster;
  std::string callee_node;
  std::string problem;  // what is wrong, which integration it breaks and the fix
};

// owed: restarts the journal still owes. A service owing one runs with what it loaded before a committed change, so
// its ports fail, and so does every trust relation of a node that owes one: the store holds the chain, but the
// services that call out have not loaded it. A service owing a restart that serves no port gets a row of its own.
std::vector<VerifyRow> evaluate_verification(const Site& site, const LiveState& live,
                                             const std::vector<EndpointObservation>& observations,
                                             const ProviderLookup& providers,
                                             const std::vector<PendingRestart>& owed = {},
                                             const std::vector<DeployedDefect>& defects = {});

// Does `truster_store` (a node's tomcat-trust) let a Java peer accept `chain` (leaf first)? Some certificate on the
// path from the leaf, built from the presented chain and the store, must be in the store.
bool store_accepts(const std::vector<StoreEntry>& truster_store, const std::vector<Certificate>& chain);

}  // namespace trustctl::plans
