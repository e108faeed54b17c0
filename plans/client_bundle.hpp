#pragma once
// What agent, supervisor and admin browsers must trust (`trustctl bundle`, docs/appliances.md section 6): for every
// identity a browser can be presented, the root of its chain when a CA signed it, the identity itself when it is
// self-signed; and which URLs each entry serves. Pure: refresh read the identities (every unit the product has).

#include "engine/model/error.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

struct BundleEntry {
  Certificate certificate;
  std::vector<std::string> serves;  // "https://fqdn:port/", in site and port order
  bool self_signed_identity = false;
};

struct ClientBundle {
  std::vector<BundleEntry> entries;  // first seen first; each certificate once
  std::vector<Error> problems;       // an identity whose root is not known (add it as a [[ca]])
};

// Each root (or self-signed identity) serves the URLs of the ports that present its identity to a browser: the ECDSA
// guide's table (docs/appliances.md section 10) says which port presents tomcat-ECDSA and which tomcat.
ClientBundle client_bundle(const Site& site, const LiveState& live, const ProviderLookup& providers);

}  // namespace trustctl::plans
