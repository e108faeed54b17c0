#pragma once
// Identity policies ([cluster.identity.tomcat]) against the identities refresh read: which nodes need a new identity,
// and which trust their issuer's chain must already be in place for the appliance to accept it.

#include "engine/graph/action.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "plans/requirements.hpp"

#include <chrono>
#include <vector>

namespace trustctl::plans {

// For every identity policy naming a CA: every node of the cluster must trust that CA's chain (the appliance refuses
// an identity whose issuer is not in tomcat-trust).
Result<std::vector<TrustRequirement>> identity_trust_requirements(const Site& site);

struct IdentityChanges {
  std::vector<Action> actions;     // renew_identity / regenerate_identity, one per node that needs it
  std::vector<std::string> notes;  // what cannot be known before apply
};

Result<IdentityChanges> plan_identities(const Site& site, const LiveState& live, TimePoint now);

}  // namespace trustctl::plans
