#pragma once
// Lint of what is deployed, not only of what trustctl uploads: a CUCM identity with a critical EKU or an expired one
// breaks UCCX's calls to CUCM although nothing trustctl wrote is wrong (docs/appliances.md section 10, last point).
// The rules that hold for a deployed certificate (TC001 key size, TC002 name, TC003 critical extensions, TC005 ECDSA
// signed by RSA, TC006 validity, TC012 weak digest) run on every identity refresh read and on every tomcat-trust
// entry an integration relies on; each finding names the node and the integrations whose calls it breaks.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "providers/pki/lint/finding.hpp"

#include <string>
#include <vector>

namespace trustctl::pki::lint {

// A call one cluster's nodes make to a node that a deployed certificate makes fail.
struct BrokenCall {
  std::string caller_cluster;
  std::string callee_node;
  std::string integration;  // "uccx -> cucm (site.toml:40:1)"
};

struct LiveFinding {
  std::string node;   // where the certificate is deployed
  std::string unit;   // "tomcat", "tomcat-ECDSA", or "tomcat-trust" (an entry an integration relies on)
  Finding finding;    // its subject names the node and unit; its message the integrations it breaks
  std::vector<BrokenCall> breaks;
};

// Every VOS node's identities as refresh read them, and the tomcat-trust entries on the path of each integration's
// chain. An identity a plan is about to replace is still reported: it is what runs until then.
std::vector<LiveFinding> lint_live(const Site& site, const LiveState& live, const ProviderLookup& providers,
                                   TimePoint now = now_utc());

// The findings alone, marked deployed (they inform and fail verify; apply cannot change them by uploading).
std::vector<Finding> findings_of(const std::vector<LiveFinding>& live);

}  // namespace trustctl::pki::lint
