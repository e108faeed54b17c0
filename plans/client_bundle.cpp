#include "plans/client_bundle.hpp"

#include <algorithm>

namespace trustctl::plans {

std::vector<std::string> browser_units(const NodeState& state) {
  std::vector<std::string> out;
  auto rsa = state.identities.find("tomcat");
  if (rsa != state.identities.end() && !rsa->second.empty()) out.push_back("tomcat");
  auto ec = state.identities.find("tomcat-ECDSA");
  if (ec != state.identities.end() && !ec->second.empty() && ec->second.front().signer_key_type() == "EC") {
    out.push_back("tomcat-ECDSA");
  }
  return out;
}

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
      for (const auto& unit : browser_units(state->second)) {
        const std::vector<Certificate>& chain = state->second.identities.at(unit);
        const Certificate& leaf = chain.front();
        Certificate anchor = leaf;
        if (!leaf.is_self_issued()) {
          std::vector<Certificate> candidates = site_cas;
          candidates.insert(candidates.end(), chain.begin() + 1, chain.end());
          auto store = state->second.stores.find("tomcat-trust");
          if (store != state->second.stores.end()) {
            for (const auto& entry : store->second) candidates.push_back(entry.certificate);
          }
          auto path = issuer_chain(leaf, candidates);
          if (!path.complete) {
            out.problems.push_back(Error(ErrorCode::invalid_site, "the root of " + node.fqdn + "'s " + unit +
                                                                      " identity is not known; add it as a [[ca]]")
                                       .on(node.name, "bundle"));
            continue;
          }
          anchor = path.issuers.back();
        }
        BundleEntry& entry = entry_for(anchor);
        for (const auto& port : provider ? provider->service_ports(node) : std::vector<ServicePort>{}) {
          std::string url = "https://" + node.fqdn + ":" + std::to_string(port.port) + "/";
          if (std::find(entry.serves.begin(), entry.serves.end(), url) == entry.serves.end()) {
            entry.serves.push_back(std::move(url));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace trustctl::plans
