#pragma once
// What refresh observed on the appliances: per node, per store, the files and the certificates in them.
// A plan records a digest of each node's state so a saved plan can be refused when the node has changed since.

#include "engine/model/certificate.hpp"
#include "engine/model/provider.hpp"

#include <map>
#include <string>
#include <vector>

namespace trustctl {

struct StoreEntry {
  std::string file;  // the file name within the store, as the appliance lists it: "uccx1.lab.example_1a2b.pem"
  Certificate certificate;
};

// A CSR pending on a node, as the provider decoded it.
struct PendingCsr {
  std::string pem;
  std::vector<std::string> dns_names;  // the SANs it asks for
  std::string public_key_pem;          // a certificate answers it only with this key
};

// One service port as a TLS handshake found it.
struct PresentedPort {
  ServicePort port;
  std::vector<Certificate> chain;  // as presented, leaf first; empty when the handshake failed
  std::string error;               // why it failed: the service may be down or restarting
};

// Trust files an earlier refresh of one node read, by path as listed ("tomcat-trust/x_1a2b.pem"): refresh reads
// again only the files whose name it does not know (engine/state/trust_cache.hpp keeps them between runs).
using KnownTrustFiles = std::map<std::string, std::vector<Certificate>>;

struct NodeState {
  std::string node;
  std::map<std::string, std::vector<StoreEntry>> stores;  // "tomcat-trust" -> entries
  // Identity units as stored ("tomcat" -> leaf first, then whatever chain the appliance shows). For an external
  // host: the chain it presented over TLS, under "presented".
  std::map<std::string, std::vector<Certificate>> identities;
  // Pending CSRs ("tomcat" -> PEM), read only for identities an outside CA signs: a signed certificate can be
  // imported only while the CSR it answers is still pending on the node.
  std::map<std::string, PendingCsr> pending_csrs;
  // What each TLS service port presented to a handshake during refresh (VOS nodes), in the provider's port order.
  // A service keeps presenting the identity it loaded at its last start, so a port that differs from the stored
  // identity owes a restart. Not part of digest(): what a port presents changes with restarts, not with the stores.
  std::vector<PresentedPort> presented;
  // How refresh came by the trust files (for progress lines and tests; not part of digest()): read with
  // `show cert trust`, or taken from what an earlier refresh read under the same file name.
  std::size_t trust_files_read = 0;
  std::size_t trust_files_reused = 0;

  bool holds(const std::string& store, const std::string& fingerprint) const;
  const StoreEntry* find(const std::string& store, const std::string& fingerprint) const;
  // SHA-256 over the sorted (store, fingerprint) pairs, the identities and the pending CSRs: equal digests mean equal
  // observed content.
  std::string digest() const;
};

struct LiveState {
  std::map<std::string, NodeState> nodes;  // by node name
};

}  // namespace trustctl
