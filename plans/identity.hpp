#pragma once
// Identity policies ([cluster.identity.tomcat], [cluster.identity.tomcat-ECDSA]) against the identities refresh read:
// which nodes need a new identity, how it is obtained (self-signed, signed here by a local CA, or signed by an
// outside CA and picked up from its signed_dir), and which trust must already be in place for the appliance to
// accept it.

#include "engine/graph/action.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "plans/requirements.hpp"

#include <chrono>
#include <vector>

namespace trustctl::plans {

// For every identity policy naming a CA: every node of the cluster must trust that CA's chain (the appliance refuses
// an identity whose issuer is not in its trust store).
Result<std::vector<TrustRequirement>> identity_trust_requirements(const Site& site, const ProviderLookup& providers);

// One identity that is not what its policy wants. For a multi-server policy there is one need per cluster, on the
// publisher, naming every node; `why` then says which nodes are off.
struct IdentityNeed {
  const Cluster* cluster = nullptr;
  const IdentityPolicy* policy = nullptr;
  const CaEntry* ca = nullptr;     // nullptr: self-signed
  const Node* node = nullptr;      // where the identity is made (the publisher for multi-server)
  std::vector<std::string> names;  // the FQDNs it must name
  std::string why;
  bool multi_server() const { return policy && policy->distribution == "multi-server"; }
};

// The file `trustctl csr` writes a need's CSR to: "<fqdn>.<unit>.csr", "<publisher fqdn>.<unit>.multi-server.csr".
// A file name, never a path: characters a DNS name cannot hold are replaced by '_'.
std::string csr_file_name(const IdentityNeed& need);

// The site's policies were checked against the products before anything was contacted (a unit the product lacks is
// not read, so it needs nothing here).
Result<std::vector<IdentityNeed>> identity_needs(const Site& site, const LiveState& live,
                                                 const ProviderLookup& providers, TimePoint now);

// What an outside CA returned for a need: the signed file whose leaf names every FQDN of the need, has the unit's key
// type, was issued by the CA and answers the CSR pending on the node. nullptr with `problem` set when there is none.
struct SignedPick {
  const SignedFile* file = nullptr;
  std::string problem;
};
SignedPick pick_signed(const IdentityNeed& need, const NodeState* state, TimePoint now);

struct IdentityChanges {
  std::vector<Action> actions;     // renew / regenerate / install_identity, and wait_identity for multi-server
  std::vector<std::string> notes;  // what cannot be known before apply, and what waits for an outside CA
};

Result<IdentityChanges> plan_identities(const Site& site, const LiveState& live, const ProviderLookup& providers,
                                        TimePoint now);

}  // namespace trustctl::plans
