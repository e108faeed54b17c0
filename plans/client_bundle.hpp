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

// The identity units a browser can be presented by a node: tomcat, and tomcat-ECDSA when the node holds one that an
// EC key signed (Tomcat offers an EC identity to clients that prefer it, but not one an RSA CA signed: the vendor's
// ECDSA guide).
std::vector<std::string> browser_units(const NodeState& state);

ClientBundle client_bundle(const Site& site, const LiveState& live, const ProviderLookup& providers);

}  // namespace trustctl::plans
