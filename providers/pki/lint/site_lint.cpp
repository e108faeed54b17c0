#include "providers/pki/lint/site_lint.hpp"

#include "providers/pki/lint/linter.hpp"

#include <algorithm>
#include <set>

namespace trustctl::pki::lint {
namespace {

// One store of one cluster, and every certificate the site puts there.
struct Destination {
  const Cluster* cluster = nullptr;
  std::string store;
  std::vector<Certificate> certificates;
};

class Destinations {
 public:
  void add(const Cluster& cluster, const std::string& store, const std::vector<Certificate>& certificates) {
    auto it = std::find_if(m_list.begin(), m_list.end(),
                           [&](const Destination& d) { return d.cluster == &cluster && d.store == store; });
    if (it == m_list.end()) {
      m_list.push_back({&cluster, store, {}});
      it = std::prev(m_list.end());
    }
    for (const auto& certificate : certificates) {
      if (std::find(it->certificates.begin(), it->certificates.end(), certificate) == it->certificates.end()) {
        it->certificates.push_back(certificate);
      }
    }
  }
  const std::vector<Destination>& list() const { return m_list; }

 private:
  std::vector<Destination> m_list;
};

const Cluster* target_cluster(const Site& site, const TrustRule& rule) {
  if (rule.cluster) return site.find_cluster(*rule.cluster);
  if (rule.node) {
    if (const Node* node = site.find_node(*rule.node)) return site.find_cluster(node->cluster);
  }
  return nullptr;
}

// A CA that issues identities goes into tomcat-trust with everything above it, found by signature among the
// site's CAs (docs/site-format.md: "its issuer is found by signature, not by declaration").
std::vector<Certificate> with_issuers(const CaEntry& ca, const Site& site) {
  std::vector<Certificate> all;
  for (const auto& entry : site.cas) all.insert(all.end(), entry.certificates.begin(), entry.certificates.end());
  std::vector<Certificate> out = ca.certificates;
  for (const auto& certificate : ca.certificates) {
    auto issuers = issuer_chain(certificate, all).issuers;
    out.insert(out.end(), issuers.begin(), issuers.end());
  }
  return out;
}

void append(std::vector<Finding>& out, std::vector<Finding> found, const std::string& where) {
  for (auto& f : found) {
    f.subject += " " + where;
    out.push_back(std::move(f));
  }
}

}  // namespace

// The site parameter keeps callers independent of which facts come from the site as a whole and which from the
// cluster; today every one comes from the cluster.
LintContext context_for(const Site&, const Cluster& cluster, const Node* node, std::string_view unit) {
  LintContext context;
  context.product = cluster.product;
  context.unit = std::string(unit);
  context.version = cluster.version;
  if (node) context.fqdn = node->fqdn;
  for (const auto& n : cluster.nodes) context.cluster_fqdns.push_back(n.fqdn);
  if (context.identity()) {
    for (const auto& policy : cluster.identities) {
      if (policy.unit != unit) continue;
      context.renew_before_days = policy.renew_before_days;
      context.multi_server = policy.distribution == "multi-server";
    }
  }
  return context;
}

std::vector<Finding> lint_for_destination(const Certificate& certificate, const Site& site, const Cluster& cluster,
                                          const Node* node, std::string_view unit) {
  return lint_certificate(certificate, context_for(site, cluster, node, unit));
}

namespace {

// An outside CA's answers for tomcat-ECDSA identities (its signed_dir): an EC certificate naming a node of the
// cluster that an RSA key signed is refused before anything is written (TC005, docs/appliances.md section 10), not
// left waiting as if it had not come back.
void lint_signed_ecdsa(const Site& site, std::vector<Finding>& out) {
  for (const auto& cluster : site.clusters) {
    for (const auto& policy : cluster.identities) {
      const CaEntry* ca = policy.issuer == "self" ? nullptr : site.find_ca(policy.issuer);
      if (policy.unit != "tomcat-ECDSA" || !ca || !ca->signs_outside()) continue;
      for (const auto& file : ca->signed_files) {
        const Certificate& leaf = file.chain.front();
        if (leaf.key_type() != "EC") continue;
        const auto names = leaf.dns_names();
        for (const auto& node : cluster.nodes) {
          if (std::find(names.begin(), names.end(), node.fqdn) == names.end()) continue;
          auto found = lint_certificate(leaf, context_for(site, cluster, &node, policy.unit), {"TC005"});
          append(out, std::move(found), "(" + file.path.filename().string() + " in " + ca->name + "'s signed_dir, for " +
                                            node.name + " tomcat-ECDSA)");
          break;
        }
      }
    }
  }
}

}  // namespace

std::vector<Finding> lint_site_references(const Site& site) {
  Destinations destinations;
  for (const auto& rule : site.trust) {
    const Cluster* cluster = target_cluster(site, rule);
    if (!cluster) continue;  // the loader reports dangling references
    for (const auto& ref : rule.certificates) destinations.add(*cluster, rule.store, ref.certificates);
  }
  for (const auto& cluster : site.clusters) {
    for (const auto& policy : cluster.identities) {
      const CaEntry* ca = policy.issuer == "self" ? nullptr : site.find_ca(policy.issuer);
      if (ca) destinations.add(cluster, "tomcat-trust", with_issuers(*ca, site));
    }
  }

  std::vector<Finding> out;
  std::set<std::string> bound;  // fingerprints
  for (const auto& destination : destinations.list()) {
    LintContext context = context_for(site, *destination.cluster, nullptr, destination.store);
    context.trust_store = destination.certificates;
    for (const auto& certificate : destination.certificates) {
      bound.insert(certificate.fingerprint());
      append(out, lint_certificate(certificate, context), "in " + destination.cluster->name + " " + destination.store);
    }
  }
  for (const auto& ca : site.cas) {
    bool used = std::any_of(ca.certificates.begin(), ca.certificates.end(),
                            [&](const Certificate& c) { return bound.count(c.fingerprint()) > 0; });
    if (used) continue;
    LintContext context;
    context.unit = "tomcat-trust";
    for (const auto& certificate : ca.certificates) {
      append(out, lint_certificate(certificate, context), "(ca " + ca.name + ", bound to no cluster)");
    }
  }
  lint_signed_ecdsa(site, out);
  return deduplicate(std::move(out));
}

}  // namespace trustctl::pki::lint
