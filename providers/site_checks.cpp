#include "providers/site_checks.hpp"

#include "engine/config/site_keys.hpp"
#include "engine/config/version.hpp"
#include "engine/model/printable.hpp"
#include "providers/pki/key_pair.hpp"
#include "providers/vos/vos_provider.hpp"

#include <algorithm>
#include <set>

namespace trustctl::providers {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& last = " or ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last : ", ";
    out += items[i];
  }
  return out;
}

// "rsa-2048" -> ("rsa", 2048)
std::pair<std::string, int> split_key(const std::string& key) {
  auto dash = key.find('-');
  if (dash == std::string::npos) return {key, 0};
  return {key.substr(0, dash), std::atoi(key.c_str() + dash + 1)};
}

std::string product_at(const Cluster& cluster) {
  return std::string(to_string(cluster.product)) + (cluster.version.empty() ? "" : " " + cluster.version);
}

class Checker {
 public:
  Checker(const Site& site, const ProviderLookup& providers) : m_site(site), m_providers(providers) {}

  SiteCheckResult run() {
    for (const auto& cluster : m_site.clusters) {
      const Provider* provider = m_providers.find(cluster.product);
      if (!provider || !provider->administered()) continue;
      // Product facts beyond the Provider interface live in the VOS products' rules; a provider of another kind
      // (a test's own) has none, and only the interface's checks apply to it.
      const auto* vos = dynamic_cast<const VosProvider*>(provider);
      for (const auto& policy : cluster.identities) check_identity(cluster, *provider, vos ? &vos->rules() : nullptr, policy);
    }
    for (const auto& rule : m_site.trust) check_trust(rule);
    for (const auto& ca : m_site.cas) {
      check_uploadable(ca.certificates, "ca.certificate", ca.keys.at("certificate", ca.region));
    }
    for (const auto& integration : m_site.integrations) check_integration(integration);
    return std::move(m_result);
  }

 private:
  void error(SourceRegion where, std::string message) {
    m_result.errors.push_back(Error(ErrorCode::invalid_site, std::move(message)).at(std::move(where)));
  }
  void warning(SourceRegion where, std::string message) {
    m_result.warnings.push_back(Error(ErrorCode::invalid_site, std::move(message)).at(std::move(where)));
  }

  void check_identity(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                      const IdentityPolicy& policy);
  void check_ecdsa_sources(const Cluster& cluster, const ProductRules& rules, const IdentityPolicy& policy);
  void check_key(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                 const IdentityPolicy& policy);
  void check_multi_server(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                          const IdentityPolicy& policy);
  void check_issuer(const Cluster& cluster, const IdentityPolicy& policy);
  void check_local_key(const CaEntry& ca);
  void check_trust(const TrustRule& rule);
  void check_uploadable(const std::vector<Certificate>& certificates, const std::string& key_name,
                        const SourceRegion& where);
  void check_integration(const Integration& integration);

  const Site& m_site;
  const ProviderLookup& m_providers;
  SiteCheckResult m_result;
  std::set<const CaEntry*> m_keys_checked;  // a CA several policies name: its key is checked once
};

void Checker::check_identity(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                             const IdentityPolicy& policy) {
  if (!provider.has_identity_unit(policy.unit, cluster.version)) {
    std::string since = rules ? " (it exists from " + rules->ecdsa_since.to_string() + " on, docs/appliances.md "
                                "section 2)" : "";
    error(policy.region, "cluster '" + cluster.name + "': " + product_at(cluster) + " has no " + policy.unit +
                             " unit" + since + "; remove [cluster.identity." + policy.unit +
                             "] or correct cluster.version");
    return;  // what the unit would hold does not matter
  }
  if (rules && policy.unit == "tomcat-ECDSA") check_ecdsa_sources(cluster, *rules, policy);
  check_key(cluster, provider, rules, policy);
  if (policy.distribution == "multi-server") check_multi_server(cluster, provider, rules, policy);
  if (policy.issuer != "self") check_issuer(cluster, policy);
}

void Checker::check_ecdsa_sources(const Cluster& cluster, const ProductRules& rules, const IdentityPolicy& policy) {
  if (!rules.ecdsa_uncertain_since) return;
  auto version = config::parse_version(cluster.version);
  if (version && !version->at_least(*rules.ecdsa_uncertain_since)) return;
  warning(policy.region, "cluster '" + cluster.name + "': whether " + product_at(cluster) +
                             " presents its tomcat-ECDSA identity on any port is uncertain from " +
                             rules.ecdsa_uncertain_since->to_string() +
                             " on (no primary source; TC013): the policy is kept; `trustctl verify` shows what each "
                             "port presents after apply");
}

void Checker::check_key(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                        const IdentityPolicy& policy) {
  const std::string key_name = "cluster.identity." + policy.unit + ".key";
  const SourceRegion where = policy.keys.at("key", policy.region);
  if (rules) {
    auto [family, bits] = split_key(policy.key);
    const auto& allowed = family == "ec" ? rules->ec_key_bits : rules->rsa_key_bits;
    if (std::find(allowed.begin(), allowed.end(), bits) == allowed.end()) {
      std::vector<std::string> specs;
      for (int b : allowed) specs.push_back(family + "-" + std::to_string(b));
      error(where, key_name + ": " + std::string(to_string(cluster.product)) + " does not take " + policy.key +
                       " (it takes " + join(specs) + ": docs/appliances.md section 4, TC001); use " + specs.back());
      return;
    }
  }
  if (auto made = provider.key_the_node_makes(cluster, policy)) {
    warning(where, key_name + ": " + product_at(cluster) + " cannot be asked for " + policy.key +
                       ": its admin CLI makes CSRs and self-signed identities with its own key (`set csr gen` and "
                       "`set cert regen` take no key parameter), so new " + policy.unit + " identities get " + *made +
                       "; write key = \"" + *made + "\" to say what the nodes will hold");
  }
}

void Checker::check_multi_server(const Cluster& cluster, const Provider& provider, const ProductRules* rules,
                                 const IdentityPolicy& policy) {
  const SourceRegion where = policy.keys.at("distribution", policy.region);
  const std::string prefix = "cluster '" + cluster.name + "': ";
  if (!provider.allows_multi_server()) {
    error(where, prefix + std::string(to_string(cluster.product)) + " does not take a multi-server (SAN) identity "
                          "(docs/appliances.md section 10); use distribution = \"node\"");
    return;
  }
  if (rules && rules->multi_server_since) {
    auto version = config::parse_version(cluster.version);
    if (version && !version->at_least(*rules->multi_server_since)) {
      error(where, prefix + product_at(cluster) + " takes a multi-server (SAN) identity only from " +
                       rules->multi_server_since->to_string() + " on (docs/appliances.md section 10); use "
                       "distribution = \"node\", or correct cluster.version if the cluster runs " +
                       rules->multi_server_since->to_string() + " or later");
    }
  }
  if (rules && rules->multi_server_max_nodes > 0 && cluster.nodes.size() > rules->multi_server_max_nodes) {
    error(where, prefix + "a " + std::string(to_string(cluster.product)) + " multi-server (SAN) certificate may name "
                          "only the cluster's publisher and subscriber (TC008), and this cluster lists " +
                          std::to_string(cluster.nodes.size()) + " nodes; list only the " +
                          std::string(to_string(cluster.product)) + " nodes, or use distribution = \"node\"");
  }
  if (policy.issuer == "self") {
    error(policy.keys.at("issuer", where), prefix + "a multi-server identity is CA-signed: set issuer to a [[ca]] "
                                                    "name, or distribution = \"node\"");
  }
}

void Checker::check_issuer(const Cluster& cluster, const IdentityPolicy& policy) {
  const CaEntry* ca = m_site.find_ca(policy.issuer);
  if (!ca || ca->certificates.empty()) return;  // the loader reported it
  const SourceRegion where = policy.keys.at("issuer", policy.region);
  const std::string prefix = "cluster '" + cluster.name + "': ";
  if (!ca->signs_locally() && !ca->signs_outside()) {
    error(where, prefix + "identity issuer '" + ca->name +
                     "' has neither local_key nor signed_dir: give the CA's key file as local_key (trustctl signs, "
                     "lab CAs), or a signed_dir where the certificates an outside CA signs are placed (`trustctl csr` "
                     "exports the requests), or keep issuer = \"self\"");
  }
  const Certificate& certificate = ca->certificates.front();
  if (policy.unit == "tomcat-ECDSA" && certificate.key_type() != "EC") {
    error(where, prefix + "tomcat-ECDSA signed by '" + ca->name + "', whose key is " + certificate.key_type() +
                     " (TC005): an ECDSA identity an RSA CA signs is not presented and breaks SocialMiner chat and "
                     "email (CSCvb58580, docs/appliances.md section 10); name a CA with an EC key, or issuer = \"self\"");
  }
  std::vector<Certificate> declared;
  for (const auto& entry : m_site.cas) declared.insert(declared.end(), entry.certificates.begin(), entry.certificates.end());
  auto chain = issuer_chain(certificate, declared);
  if (!chain.complete) {
    const Certificate& last = chain.issuers.empty() ? certificate : chain.issuers.back();
    error(where, prefix + "identity issuer '" + ca->name + "': its chain stops at " + last.subject() +
                     ", whose issuer is not among the site's [[ca]] entries; add it (the nodes need the whole chain "
                     "in tomcat-trust before they take the identity, TC007)");
  }
  if (ca->signs_locally() && m_keys_checked.insert(ca).second) check_local_key(*ca);
}

// The key is read here only to compare its public half with the CA certificate's; it is never shown.
void Checker::check_local_key(const CaEntry& ca) {
  const SourceRegion where = ca.keys.at("local_key", ca.region);
  auto key = pki::KeyPair::load_file(ca.local_key->string());
  if (!key) {
    error(where, "ca.local_key: " + ca.local_key->filename().string() + " holds no usable private key (" +
                     key.error().message + "); give the CA's unencrypted PEM key");
    return;
  }
  if (key->public_pem() != ca.certificates.front().public_key_pem()) {
    error(where, "ca.local_key: " + ca.local_key->filename().string() + " is not the key of CA '" + ca.name +
                     "' (" + ca.certificates.front().subject() + "); give the key that belongs to its certificate");
  }
}

void Checker::check_trust(const TrustRule& rule) {
  const Cluster* cluster = rule.cluster ? m_site.find_cluster(*rule.cluster) : nullptr;
  if (rule.node) {
    if (const Node* node = m_site.find_node(*rule.node)) cluster = m_site.find_cluster(node->cluster);
  }
  if (!cluster) return;  // the loader reported it
  for (const auto& ref : rule.certificates) {
    if (ref.file) check_uploadable(ref.certificates, "trust.certificates", ref.region);  // [[ca]] ones are checked once
  }
  const SourceRegion target = rule.keys.at(rule.cluster ? "cluster" : "node", rule.region);
  const Provider* provider = m_providers.find(cluster->product);
  if (!provider || !provider->administered()) {
    error(target, "trust: cluster '" + cluster->name + "' is " + to_string(cluster->product) +
                      ": trustctl does not administer its stores; target a VOS cluster instead");
    return;
  }
  const auto* vos = dynamic_cast<const VosProvider*>(provider);
  if (!vos) return;
  const auto& stores = vos->rules().trust_stores;
  if (std::find(stores.begin(), stores.end(), rule.store) != stores.end()) return;
  std::string message = "trust.store: '" + rule.store + "' is not a store trustctl manages on " +
                        to_string(cluster->product) + " (it manages " + join(stores) + ")";
  std::vector<std::string_view> candidates(stores.begin(), stores.end());
  if (auto close = config::closest_match(rule.store, candidates)) message += "; did you mean '" + *close + "'?";
  error(rule.keys.at("store", rule.region), std::move(message));
}

// A VOS appliance names a trust file after the certificate's CN (docs/appliances.md section 2). With a control
// character in it, the file name could never be typed at the admin CLI again (vos_cli refuses to), so trustctl could
// neither read nor delete what it uploaded: such a certificate is refused before it goes anywhere.
void Checker::check_uploadable(const std::vector<Certificate>& certificates, const std::string& key_name,
                               const SourceRegion& where) {
  for (const auto& certificate : certificates) {
    if (!has_control_character(certificate.common_name())) continue;
    error(where, key_name + ": the CN of " + certificate.subject() + " holds a control character; an appliance "
                            "would name its trust file after it, which the admin CLI cannot be given back: use a "
                            "certificate whose CN is printable");
  }
}

void Checker::check_integration(const Integration& integration) {
  const Cluster* from = m_site.find_cluster(integration.from);
  const Cluster* to = m_site.find_cluster(integration.to);
  if (!from || !to || m_providers.integration(from->product, to->product, integration.kind)) return;
  error(integration.region, std::string("integration: trustctl knows no integration from ") +
                                to_string(from->product) + " to " + to_string(to->product) +
                                (integration.kind.empty() ? "" : " of kind '" + integration.kind + "'") +
                                " (docs/appliances.md section 6); use [[trust]] rules for this relation instead");
}

}  // namespace

SiteCheckResult check_site(const Site& site, const ProviderLookup& providers) {
  return Checker(site, providers).run();
}

}  // namespace trustctl::providers
