#include "plans/requirements.hpp"

#include "engine/exec/parallel.hpp"
#include "plans/presented.hpp"

#include <algorithm>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace trustctl::plans {
namespace {

// Every certificate the site declares ([[ca]] and [[trust]]), each once: a fleet repeats the same few CAs in
// thousands of rules, and every chain walk scans this list.
std::vector<Certificate> site_ca_certificates(const Site& site) {
  std::vector<Certificate> out;
  std::unordered_set<std::string> seen;
  auto add = [&](const std::vector<Certificate>& certs) {
    for (const auto& c : certs) {
      if (seen.insert(c.fingerprint()).second) out.push_back(c);
    }
  };
  for (const auto& ca : site.cas) add(ca.certificates);
  for (const auto& rule : site.trust) {
    for (const auto& ref : rule.certificates) add(ref.certificates);
  }
  return out;
}

std::string label(const Certificate& c) {
  std::string cn = c.common_name();
  return (cn.empty() ? c.subject() : cn) + " (SHA256 " + c.fingerprint().substr(0, 16) + ")";
}

// A fleet has thousands of clusters and as many rules and integrations naming them: each is found through an index,
// not by a scan of the site's clusters (Site::find_cluster), which made resolution grow with the square of the fleet.
class ClusterIndex {
 public:
  explicit ClusterIndex(const Site& site) {
    m_by_name.reserve(site.clusters.size());
    for (const auto& c : site.clusters) m_by_name.emplace(c.name, &c);  // the first of a name, as find_cluster
  }
  const Cluster* find(std::string_view name) const {
    auto it = m_by_name.find(name);
    return it == m_by_name.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const Cluster*> m_by_name;
};

Result<std::vector<TrustRequirement>> resolve_trust_rules(const Site& site, const ProviderLookup& providers,
                                                          const ClusterIndex& clusters) {
  std::vector<TrustRequirement> out;
  for (const auto& rule : site.trust) {
    std::vector<const Node*> targets;
    const Cluster* cluster = nullptr;
    if (rule.cluster) {
      cluster = clusters.find(*rule.cluster);
      if (cluster) {
        for (const auto& node : cluster->nodes) targets.push_back(&node);
      }
    } else if (rule.node) {
      const Node* node = site.find_node(*rule.node);
      if (node) {
        targets.push_back(node);
        cluster = clusters.find(node->cluster);
      }
    }
    if (!cluster || targets.empty()) {
      return fail(Error(ErrorCode::invalid_site, "trust rule names no node").at(rule.region));
    }
    // A rule naming a cluster trustctl does not administer was refused before anything was contacted
    // (providers/site_checks); there is nothing to write there.
    const Provider* provider = providers.find(cluster->product);
    if (!provider || !provider->administered()) continue;
    std::string target_label = rule.cluster ? "cluster " + *rule.cluster : "node " + *rule.node;
    auto add = [&](const std::vector<CertificateRef>& refs, bool present) {
      for (const auto& ref : refs) {
        for (const auto& cert : ref.certificates) {
          for (const Node* node : targets) {
            out.push_back(TrustRequirement{.node = node->name,
                                           .cluster = cluster->name,
                                           .store = rule.store,
                                           .certificate = cert,
                                           .present = present,
                                           .whole_cluster = rule.cluster.has_value(),
                                           .reason = "trust rule at " + rule.region.describe() + ": " +
                                                     target_label + (present ? " must trust " : " must not trust ") +
                                                     ref.text,
                                           .region = ref.region.line ? ref.region : rule.region});
          }
        }
      }
    };
    add(rule.certificates, true);
    add(rule.absent, false);
  }
  return out;
}

}  // namespace

bool presents_ecdsa_to_peers(const Cluster& cluster, const ProviderLookup& providers) {
  const Provider* provider = providers.find(cluster.product);
  if (!provider || !is_vos(cluster.product) || cluster.nodes.empty()) return false;
  if (!provider->has_identity_unit(providers.units().ec_identity, cluster.version)) return false;
  auto ports = provider->service_ports(cluster.nodes.front());
  return std::any_of(ports.begin(), ports.end(), [](const ServicePort& p) { return p.may_present_ecdsa; });
}

Result<std::vector<Certificate>> identity_chain(const Site& site, const LiveState& live, const Cluster& cluster,
                                                const Node& node, const std::vector<Certificate>& declared_certs,
                                                const CertificateUnits& units, const std::string& unit) {
  // A CA-signed identity policy names the chain before the identity exists: trust follows the policy, so peers are
  // ready before the new identity is uploaded.
  for (const auto& policy : cluster.identities) {
    if (policy.unit != unit || policy.issuer == "self") continue;
    const CaEntry* ca = site.find_ca(policy.issuer);
    if (!ca || ca->certificates.empty()) break;
    std::vector<Certificate> chain = {ca->certificates.front()};
    auto up = issuer_chain(ca->certificates.front(), declared_certs);
    if (!up.complete) {
      return fail(Error(ErrorCode::invalid_site, "the chain of CA '" + ca->name + "' is incomplete: the issuer of " +
                                                     label(up.issuers.empty() ? chain.front() : up.issuers.back()) +
                                                     " is not among the site's [[ca]] entries; add it")
                      .at(ca->region));
    }
    chain.insert(chain.end(), up.issuers.begin(), up.issuers.end());
    return chain;
  }

  auto state = live.nodes.find(node.name);
  const bool ecdsa = units.is_ec(unit);
  const std::string read_unit = is_vos(cluster.product) ? unit : "presented";
  if (ecdsa) {
    // No tomcat-ECDSA read (the product lacks it), or one no port presents: peers never see it.
    if (state == live.nodes.end()) return std::vector<Certificate>{};
    auto ec = state->second.identities.find(unit);
    if (ec == state->second.identities.end() || ec->second.empty() || !ecdsa_presentable(ec->second.front())) {
      return std::vector<Certificate>{};
    }
  }
  if (state == live.nodes.end() || !state->second.identities.count(read_unit) ||
      state->second.identities.at(read_unit).empty()) {
    const std::string what = is_vos(cluster.product) ? units.identity + " identity" : std::string("TLS chain");
    return fail(Error(ErrorCode::protocol, "its " + what + " could not be read")
                    .on(node.name, "read identity")
                    .at(node.region));
  }
  const auto& presented = state->second.identities.at(read_unit);
  const Certificate& leaf = presented.front();
  if (leaf.is_self_issued()) {
    if (!is_vos(cluster.product)) {
      // A self-signed external host is trusted only when the site declares exactly that certificate: trustctl never
      // trusts what the network presents just because it presented it.
      if (std::find(declared_certs.begin(), declared_certs.end(), leaf) == declared_certs.end()) {
        return fail(Error(ErrorCode::invalid_site,
                          node.fqdn + " presents a self-signed certificate " + label(leaf) +
                              " that the site does not declare; check its fingerprint with the host's owner, then add "
                              "it as a [[ca]] or a [[trust]] \"file:\" entry")
                        .on(node.name, "resolve integration")
                        .at(node.region));
      }
    }
    return std::vector<Certificate>{leaf};
  }

  std::vector<Certificate> candidates = declared_certs;
  std::size_t declared = candidates.size();
  if (is_vos(cluster.product)) {
    // Read over an authenticated SSH session: the appliance's own trust store and chain are trustworthy sources.
    candidates.insert(candidates.end(), presented.begin() + 1, presented.end());
    auto store = state->second.stores.find(units.trust_store);
    if (store != state->second.stores.end()) {
      for (const auto& entry : store->second) candidates.push_back(entry.certificate);
    }
  } else {
    // Presented intermediates may help build the path, but the root must be one the site declares.
    candidates.insert(candidates.end(), presented.begin() + 1, presented.end());
  }
  auto chain = issuer_chain(leaf, candidates);
  if (!chain.complete) {
    const Certificate& last = chain.issuers.empty() ? leaf : chain.issuers.back();
    return fail(Error(ErrorCode::invalid_site,
                      "the chain of " + node.fqdn + " stops at " + label(last) + ", whose issuer (" + last.issuer() +
                          ") is not known; add that CA as a [[ca]] entry (TC007: incomplete chain)")
                    .on(node.name, "resolve integration")
                    .at(node.region));
  }
  if (!is_vos(cluster.product)) {
    const Certificate& root = chain.issuers.back();
    bool root_declared = std::find(candidates.begin(), candidates.begin() + static_cast<long>(declared), root) !=
                         candidates.begin() + static_cast<long>(declared);
    if (!root_declared) {
      return fail(Error(ErrorCode::invalid_site,
                        node.fqdn + " presents a chain whose root " + label(root) +
                            " the site does not declare; check it with the host's owner, then add it as a [[ca]]")
                      .on(node.name, "resolve integration")
                      .at(node.region));
    }
  }
  return chain.issuers;
}

namespace {

// The signature checks the peer chains below ask of every node identity (is it self-issued, which declared CA
// issued it), made first on every core. On a fleet's first plan they are most of resolving's time, one public-key
// operation per identity (tests/bench/plan_bench); Certificate::issued remembers each answer, so the walk below finds
// them made. A small site gains nothing from threads and skips this.
void check_identity_signatures(const LiveState& live, const std::vector<Certificate>& declared) {
  std::vector<const Certificate*> leaves;
  for (const auto& [name, state] : live.nodes) {
    for (const auto& [unit, chain] : state.identities) {
      if (!chain.empty()) leaves.push_back(&chain.front());
    }
  }
  const int threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  if (threads < 2 || leaves.size() < 64) return;
  parallel_for_each(leaves.size(), threads, [&](std::size_t k) {
    if (leaves[k]->is_self_issued()) return;
    for (const auto& ca : declared) (void)ca.issued(*leaves[k]);
  });
}

}  // namespace

Result<std::vector<TrustRequirement>> resolve_trust_requirements(const Site& site, const LiveState& live,
                                                                 const ProviderLookup& providers) {
  const ClusterIndex clusters(site);
  auto out = resolve_trust_rules(site, providers, clusters);
  if (!out) return out;
  // Computed once: a fleet resolves thousands of peer chains against the same declared certificates.
  const std::vector<Certificate> declared = site_ca_certificates(site);
  check_identity_signatures(live, declared);

  for (const auto& integration : site.integrations) {
    const Cluster* from = clusters.find(integration.from);
    const Cluster* to = clusters.find(integration.to);
    if (!from || !to) return fail(Error(ErrorCode::invalid_site, "integration names an unknown cluster").at(integration.region));
    // A relation trustctl does not know was refused before anything was contacted (providers/site_checks).
    const IntegrationRule* rule = providers.integration(from->product, to->product, integration.kind);
    if (!rule) continue;
    // truster's nodes must trust the chain of every node of trusted.
    auto add_direction = [&](const Cluster& truster, const Cluster& trusted, int phase,
                             const std::vector<std::string>& extra_restarts) -> Result<void> {
      const Provider* provider = providers.find(truster.product);
      if (!provider || !provider->administered()) return {};  // an external caller is not ours to configure
      // The EC chain behind tomcat-ECDSA travels like the RSA one where a port presents it (docs/appliances.md
      // section 10: the EC CA must be trusted wherever the RSA one is).
      const CertificateUnits& names = providers.units();
      std::vector<std::string> units = {names.identity};
      if (presents_ecdsa_to_peers(trusted, providers)) units.push_back(names.ec_identity);
      for (const auto& peer : trusted.nodes) {
        for (const auto& unit : units) {
          auto chain = identity_chain(site, live, trusted, peer, declared, names, unit);
          if (!chain) {
            Error e = chain.error();
            e.message = "integration " + integration.from + " -> " + integration.to + ": cannot resolve what " +
                        truster.name + " must trust for " + peer.name + ": " + e.message;
            if (!e.region) e.region = integration.region;
            return fail(std::move(e));
          }
          const std::string whose = peer.fqdn + (unit == names.identity ? "'s chain" : "'s " + unit + " chain");
          for (const auto& cert : *chain) {
            for (const auto& node : truster.nodes) {
              out->push_back(TrustRequirement{
                  .node = node.name,
                  .cluster = truster.name,
                  .store = names.trust_store,
                  .certificate = cert,
                  .present = true,
                  .whole_cluster = true,
                  .reason = "integration " + integration.from + " -> " + integration.to + " at " +
                            integration.region.describe() + ": " + node.name + " must trust " + whose + " (" +
                            rule->source + ")",
                  .region = integration.region,
                  .extra_restarts = extra_restarts,
                  .ordering_group = rule->ordering.empty()
                                        ? std::string()
                                        : rule->ordering + ":" + std::min(from->name, to->name) + "+" +
                                              std::max(from->name, to->name),
                  .ordering_phase = phase});
            }
          }
        }
      }
      return {};
    };
    if (rule->caller_trusts_callee) {
      if (auto ok = add_direction(*from, *to, rule->caller_phase, rule->caller_restarts); !ok) return fail(ok.error());
    }
    if (rule->callee_trusts_caller) {
      if (auto ok = add_direction(*to, *from, rule->callee_phase, {}); !ok) return fail(ok.error());
    }
  }
  return out;
}

}  // namespace trustctl::plans
