#pragma once
// The checks of a site that need product knowledge but no connection: what a product's version and units can carry
// (tomcat-ECDSA, multi-server identities), the keys it takes, the trust stores trustctl manages on it, the relations
// it knows, and what an identity's issuer must be. `trustctl validate` runs them after the loader, and so does every
// command before it contacts anything. The facts come from each product's rules (providers/*/..._rules.cpp); the
// loader (engine/config) checks everything that needs no product knowledge.

#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <vector>

namespace trustctl::providers {

struct SiteCheckResult {
  std::vector<Error> errors;    // each at the site-file position of the key it is about
  std::vector<Error> warnings;  // kept policies whose outcome differs from what the file says, or is uncertain
};

SiteCheckResult check_site(const Site& site, const ProviderLookup& providers);

}  // namespace trustctl::providers
