#include "plans/identity.hpp"

#include <algorithm>

namespace trustctl::plans {

Result<std::vector<TrustRequirement>> identity_trust_requirements(const Site& site) {
  std::vector<TrustRequirement> out;
  std::vector<Certificate> all_cas;
  for (const auto& ca : site.cas) all_cas.insert(all_cas.end(), ca.certificates.begin(), ca.certificates.end());
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& policy : cluster.identities) {
      if (policy.issuer == "self") continue;
      const CaEntry* ca = site.find_ca(policy.issuer);
      if (!ca || ca->certificates.empty()) continue;  // the loader reports dangling issuers
      std::vector<Certificate> chain = {ca->certificates.front()};
      auto up = issuer_chain(ca->certificates.front(), all_cas);
      if (!up.complete) {
        return fail(Error(ErrorCode::invalid_site, "identity issuer '" + ca->name +
                                                       "': its chain does not reach a root among the site's [[ca]] "
                                                       "entries; add the missing issuer (TC007)")
                        .at(policy.region));
      }
      chain.insert(chain.end(), up.issuers.begin(), up.issuers.end());
      for (const auto& cert : chain) {
        for (const auto& node : cluster.nodes) {
          out.push_back(TrustRequirement{
              .node = node.name,
              .cluster = cluster.name,
              .store = "tomcat-trust",
              .certificate = cert,
              .present = true,
              .whole_cluster = true,
              .reason = "identity policy at " + policy.region.describe() + ": " + policy.unit + " signed by " +
                        ca->name + " needs its chain in tomcat-trust before the identity is uploaded",
              .region = policy.region});
        }
      }
    }
  }
  return out;
}

Result<IdentityChanges> plan_identities(const Site& site, const LiveState& live, TimePoint now) {
  IdentityChanges out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& policy : cluster.identities) {
      if (policy.unit != "tomcat") {
        // tomcat-ECDSA shares the mechanics but vos-sim and the CLI layer only drive tomcat so far.
        return fail(Error(ErrorCode::invalid_site, "identity unit '" + policy.unit +
                                                       "' is not managed by this trustctl yet; remove it or manage "
                                                       "it by hand")
                        .at(policy.region));
      }
      const CaEntry* ca = policy.issuer == "self" ? nullptr : site.find_ca(policy.issuer);
      if (ca && !ca->local_key) {
        return fail(Error(ErrorCode::invalid_site,
                          "identity issuer '" + ca->name +
                              "' has no local_key: trustctl cannot sign for it; give the CA's key file as local_key "
                              "(lab CAs), or keep issuer = \"self\"")
                        .at(policy.region));
      }
      for (const auto& node : cluster.nodes) {
        auto state = live.nodes.find(node.name);
        if (state == live.nodes.end()) continue;
        auto identity = state->second.identities.find(policy.unit);
        if (identity == state->second.identities.end() || identity->second.empty()) continue;
        const Certificate& leaf = identity->second.front();

        std::string why;
        auto window = std::chrono::days(renewal_window_days(leaf, policy.renew_before_days));
        auto names = leaf.dns_names();
        if (ca) {
          if (!ca->certificates.front().issued(leaf)) {
            why = "the policy wants it signed by " + ca->name + "; the node's identity is issued by " + leaf.issuer();
          } else if (std::find(names.begin(), names.end(), node.fqdn) == names.end()) {
            why = "its SAN lacks the node's FQDN " + node.fqdn + " (TC002)";
          }
        } else if (!leaf.is_self_issued()) {
          why = "the policy wants a self-signed identity; the node's is issued by " + leaf.issuer();
        }
        if (why.empty() && leaf.not_after() - now < window) {
          auto days = std::chrono::duration_cast<std::chrono::days>(leaf.not_after() - now).count();
          why = "it expires in " + std::to_string(days) + " day(s), inside the renewal window of " +
                std::to_string(window.count()) + " days (TC006)";
        }
        if (why.empty()) continue;

        Action action;
        action.kind = ca ? ActionKind::renew_identity : ActionKind::regenerate_identity;
        action.node = node.name;
        action.cluster = cluster.name;
        action.store = policy.unit;
        action.issuer_ca = ca ? ca->name : "";
        action.reason = "identity policy at " + policy.region.describe() + ": " + why;
        action.region = policy.region;
        out.actions.push_back(std::move(action));
        if (!ca) {
          out.notes.push_back(node.name + " gets a new self-signed identity: peers that must trust it (integrations) "
                                          "and client bundles can only be updated once it exists; run plan again "
                                          "after this apply");
        }
      }
    }
  }
  return out;
}

}  // namespace trustctl::plans
