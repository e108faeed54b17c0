#include "plans/requirements.hpp"

namespace trustctl::plans {
namespace {

std::string where(const SourceRegion& region) { return region.describe(); }

}  // namespace

Result<std::vector<TrustRequirement>> resolve_trust_requirements(const Site& site, const ProviderLookup& providers) {
  std::vector<TrustRequirement> out;
  for (const auto& rule : site.trust) {
    std::vector<const Node*> targets;
    const Cluster* cluster = nullptr;
    if (rule.cluster) {
      cluster = site.find_cluster(*rule.cluster);
      if (cluster) {
        for (const auto& node : cluster->nodes) targets.push_back(&node);
      }
    } else if (rule.node) {
      const Node* node = site.find_node(*rule.node);
      if (node) {
        targets.push_back(node);
        cluster = site.find_cluster(node->cluster);
      }
    }
    if (!cluster || targets.empty()) {
      return fail(Error(ErrorCode::invalid_site, "trust rule names no node").at(rule.region));
    }
    const Provider* provider = providers.find(cluster->product);
    if (!provider || !provider->administered()) {
      return fail(Error(ErrorCode::invalid_site,
                        std::string("trust rule targets cluster '") + cluster->name + "' of product '" +
                            to_string(cluster->product) +
                            "', whose stores trustctl does not administer; target a VOS cluster instead")
                      .at(rule.region));
    }
    std::string target_label = rule.cluster ? "cluster " + *rule.cluster : "node " + *rule.node;
    auto add = [&](const std::vector<CertificateRef>& refs, bool present) {
      for (const auto& ref : refs) {
        for (const auto& cert : ref.certificates) {
          for (const Node* node : targets) {
            TrustRequirement req{.node = node->name,
                                 .cluster = cluster->name,
                                 .store = rule.store,
                                 .certificate = cert,
                                 .present = present,
                                 .whole_cluster = rule.cluster.has_value(),
                                 .reason = std::string("trust rule at ") + where(rule.region) + ": " + target_label +
                                           (present ? " must trust " : " must not trust ") + ref.text,
                                 .region = ref.region.line ? ref.region : rule.region};
            out.push_back(std::move(req));
          }
        }
      }
    };
    add(rule.certificates, true);
    add(rule.absent, false);
  }
  return out;
}

}  // namespace trustctl::plans
