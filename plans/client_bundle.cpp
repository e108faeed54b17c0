#include "plans/client_bundle.hpp"

#include "plans/presented.hpp"

#include <algorithm>
#include <map>

namespace trustctl::plans {

namespace {

// The root of a CA-signed identity's chain, or the identity itself when self-signed; nullopt when the root is unknown.
std::optional<Certificate> anchor_of(const std::vector<Certificate>& chain, const NodeState& state,
                                     const std::vector<Certificate>& site_cas, const std::string& trust_store) {
  const Certificate& leaf = chain.front();
  if (leaf.is_self_issued()) return leaf;
  std::vector<Certificate> candidates = site_cas;
  candidates.insert(candidates.end(), chain.begin() + 1, chain.end());
  auto store = state.stores.find(trust_store);
  if (store != state.stores.end()) {
    for (const auto& entry : store->second) candidates.push_back(entry.certificate);
  }
  auto path = issuer_chain(leaf, candidates);
  if (!path.complete) return std::nullopt;
  return path.issuers.back();
}

}  // namespace

ClientBundle client_bundle(const Site& site, const LiveState& live, const ProviderLookup& providers) {
  std::vector<Certificate> site_cas;
  for (const auto& ca : site.cas) site_cas.insert(site_cas.end(), ca.certificates.begin(), ca.certificates.end());

  ClientBundle out;
  auto entry_for = [&](const Certificate& anchor) -> BundleEntry& {
    auto it = std::find_if(out.entries.begin(), out.entries.end(),
                           [&](const BundleEntry& e) { return e.certificate == anchor; });
    if (it != out.entries.end()) return *it;
    out.entries.push_back({.certificate = anchor, .serves = {}, .self_signed_identity = !anchor.is_ca()});
    return out.entries.back();
  };
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    const Provider* provider = providers.find(cluster.product);
    for (const auto& node : cluster.nodes) {
      auto state = live.nodes.find(node.name);
      if (state == live.nodes.end()) continue;
      // Each port presents one identity to a browser (which offers ECDSA): the ECDSA guide's table decides which
      // (docs/appliances.md section 10), so each root serves exactly the URLs whose port presents its identity.
      std::map<std::string, std::optional<Certificate>> anchors;  // unit -> root (or the self-signed identity)
      for (const auto& port : provider ? provider->service_ports(node) : std::vector<ServicePort>{}) {
        const std::string unit = unit_presented_on(port, &state->second, providers.units());
        auto identity = state->second.identities.find(unit);
        if (identity == state->second.identities.end() || identity->second.empty()) continue;
        if (!anchors.count(unit)) {
          anchors[unit] = anchor_of(identity->second, state->second, site_cas, providers.units().trust_store);
          if (!anchors[unit]) {  // said once per identity; its ports are left out
            out.problems.push_back(Error(ErrorCode::invalid_site, "the root of " + node.fqdn + "'s " + unit +
                                                                      " identity is not known; add it as a [[ca]]")
                                       .on(node.name, "bundle"));
          }
        }
        if (!anchors[unit]) continue;
        BundleEntry& entry = entry_for(*anchors[unit]);
        std::string url = "https://" + node.fqdn + ":" + std::to_string(port.port) + "/";
        if (std::find(entry.serves.begin(), entry.serves.end(), url) == entry.serves.end()) {
          entry.serves.push_back(std::move(url));
        }
      }
    }
  }
  return out;
}

}  // namespace trustctl::plans
