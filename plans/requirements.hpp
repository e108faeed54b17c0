#pragma once
// Resolution: the site's trust rules become one requirement per (node, store, certificate), each with the reason it
// exists and the site entry that asked for it.

#include "engine/model/error.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

struct TrustRequirement {
  std::string node;
  std::string cluster;
  std::string store;
  Certificate certificate;
  bool present = true;         // false: must be absent
  bool whole_cluster = false;  // the rule named the cluster (so a replicated store may be written once)
  std::string reason;
  SourceRegion region;
  std::vector<std::string> extra_restarts;  // services beyond the product's own (e.g. CCX Engine for scripts)
  std::string ordering_group;               // cross-product ordering (rule 4): writes of phase 0 before phase 1
  int ordering_phase = 0;
};

// [[trust]] rules and integrations, resolved against the live state (an integration needs the called node's identity
// chain, which refresh read). Every returned error names the site entry.
Result<std::vector<TrustRequirement>> resolve_trust_requirements(const Site& site, const LiveState& live,
                                                                 const ProviderLookup& providers);

// The certificates a node must trust to accept `node`'s identity `unit`: the issuers up to the root for a CA-signed
// identity (from the site's declared certificates, [[ca]] and [[trust]], gathered once by the caller, the chain the
// node presents, and its own trust store), or the certificate itself when self-signed. A chain that does not end at a
// root the site declares or the appliance itself holds is an error. For the EC unit the chain is empty when the node
// has no such identity or holds one that no port presents (an RSA CA signed it: docs/appliances.md section 10).
Result<std::vector<Certificate>> identity_chain(const Site& site, const LiveState& live, const Cluster& cluster,
                                                const Node& node, const std::vector<Certificate>& declared_certs,
                                                const CertificateUnits& units, const std::string& unit);

// Whether peers may be presented this cluster's tomcat-ECDSA identity: the product has the unit at its version and a
// port that presents it (docs/appliances.md section 10). Its EC chain must then travel like the RSA one.
bool presents_ecdsa_to_peers(const Cluster& cluster, const ProviderLookup& providers);

}  // namespace trustctl::plans
