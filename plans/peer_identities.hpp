#pragma once
// One apply converges after a regeneration: an identity made in this apply (a self-signed one regenerated inside its
// renewal window, or after a domain change) reaches the tomcat-trust of every peer that relies on it in the same
// apply. Its certificate is known only after apply, so the peers' uploads name the identity (node and unit), not a
// certificate; the runner reads it from its node once it exists. A CA-signed identity needs nothing here: its peers
// trust its CA chain, which the identity policy puts in place before it is made.

#include "engine/graph/action.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <set>
#include <string>
#include <vector>

namespace trustctl::plans {

struct PeerUpload {
  Action action;                            // upload_trust, or wait_replication on a subscriber of a replicated store
  std::vector<std::string> extra_restarts;  // what the relation adds to the store's restarts (the CCX Engine)
};

// For each regenerate_identity among `identity_actions`: the uploads (and replication waits) that carry the new
// identity to every node of every cluster that must trust it (docs/appliances.md section 6), tomcat-ECDSA only where
// a port presents it (section 10).
std::vector<PeerUpload> peer_uploads(const Site& site, const ProviderLookup& providers,
                                     const std::vector<Action>& identity_actions);

// The fingerprints of the identities those regenerations replace: no peer needs them uploaded any more.
std::set<std::string> replaced_identities(const LiveState& live, const std::vector<Action>& identity_actions);

}  // namespace trustctl::plans
