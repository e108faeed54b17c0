#pragma once
// Resolution: the site's trust rules become one requirement per (node, store, certificate), each with the reason it
// exists and the site entry that asked for it.

#include "engine/model/error.hpp"
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
};

Result<std::vector<TrustRequirement>> resolve_trust_requirements(const Site& site, const ProviderLookup& providers);

}  // namespace trustctl::plans
