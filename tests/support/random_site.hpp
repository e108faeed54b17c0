#pragma once
// A seeded generator of random sites, and of the live state a refresh could have read from them, for property tests
// of the planner. The same seed gives the same site shape, rules, policies and live-state choices (certificates
// aside: their keys and serials differ per process, which no property depends on).
//
// Alongside the site it keeps a CertificateBook: who issued every certificate it made. Property tests check chains
// against that record (how the certificates were made), never by asking the planner's own chain code.
//
// The expected model (DesiredTrust) restates docs/appliances.md section 6 and docs/site-format.md's [[trust]] /
// identity semantics independently of plans/requirements.cpp and providers/integration_rules.cpp, so a test can compare
// the two.

#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "engine/state/managed_record.hpp"
#include "engine/state/pending_restart.hpp"
#include "support/test_pki.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustctl::testing {

// ---------------------------------------------------------------------------------------------------------------
// Who issued what, as recorded when each certificate was made.
class CertificateBook {
 public:
  void record(const Certificate& cert, const std::optional<Certificate>& issuer, std::string label) {
    m_certs.emplace(cert.fingerprint(), cert);
    m_issuer[cert.fingerprint()] = issuer ? issuer->fingerprint() : cert.fingerprint();
    m_label[cert.fingerprint()] = std::move(label);
  }
  bool knows(const Certificate& cert) const { return m_issuer.count(cert.fingerprint()) > 0; }
  bool self_signed(const Certificate& cert) const {
    auto it = m_issuer.find(cert.fingerprint());
    return it != m_issuer.end() && it->second == cert.fingerprint();
  }
  // The direct issuer, or nothing for a self-signed (or unknown) certificate.
  std::optional<Certificate> issuer_of(const Certificate& cert) const {
    auto it = m_issuer.find(cert.fingerprint());
    if (it == m_issuer.end() || it->second == cert.fingerprint()) return std::nullopt;
    return m_certs.at(it->second);
  }
  // Issuers nearest first, up to the root; `cert` itself is not included.
  std::vector<Certificate> issuers(const Certificate& cert) const {
    std::vector<Certificate> out;
    auto next = issuer_of(cert);
    while (next && out.size() < 16) {
      out.push_back(*next);
      next = issuer_of(*next);
    }
    return out;
  }
  std::string label(const Certificate& cert) const {
    auto it = m_label.find(cert.fingerprint());
    return it == m_label.end() ? cert.common_name() + "#" + cert.fingerprint().substr(0, 6) : it->second;
  }

 private:
  std::map<std::string, std::string> m_issuer;  // fingerprint -> issuer fingerprint (itself when self-signed)
  std::map<std::string, Certificate> m_certs;
  std::map<std::string, std::string> m_label;
};

// ---------------------------------------------------------------------------------------------------------------
// CAs made once per process: key generation and signing are the slow part, and no property depends on which keys.
struct PoolCa {
  std::string name;  // the [[ca]] name a site gives it
  TestCa ca;
};

class CaPool {
 public:
  static const CaPool& get() {
    static const CaPool pool;
    return pool;
  }

  std::vector<PoolCa> trusted;    // roots and intermediates a site declares, trusts, and signs identities with
  std::vector<PoolCa> retired;    // what `absent` entries name
  std::vector<PoolCa> stale;      // added by trustctl earlier and no longer wanted (policy.prune)
  std::vector<PoolCa> strangers;  // added by hand: never touched
  std::vector<PoolCa> vendor;     // a chain the site does not declare; only the appliances hold it (root, issuing)
  // Node identities (tomcat) carry an RSA key, as on the appliances (an EC leaf belongs to tomcat-ECDSA); one key
  // serves every identity: made once, it keeps self-signing cheap.
  pki::KeyPair leaf_key = *pki::KeyPair::generate("rsa-2048");
  CertificateBook book;

  const PoolCa* find(std::string_view name) const {
    for (const auto* list : {&trusted, &retired, &stale, &strangers, &vendor}) {
      for (const auto& ca : *list) {
        if (ca.name == name) return &ca;
      }
    }
    return nullptr;
  }

 private:
  CaPool() {
    auto root = [&](std::vector<PoolCa>& into, const std::string& name, const std::string& cn) -> const PoolCa& {
      into.push_back({name, make_root(cn)});
      book.record(into.back().ca.certificate, std::nullopt, name);
      return into.back();
    };
    auto issued = [&](std::vector<PoolCa>& into, const std::string& name, const std::string& cn,
                      const std::string& issuer) {
      TestCa parent = find(issuer)->ca;  // copy: `into` may reallocate
      into.push_back({name, make_intermediate(cn, parent)});
      book.record(into.back().ca.certificate, parent.certificate, name);
    };
    trusted.reserve(16);
    root(trusted, "root-a", "Prop Root A");
    root(trusted, "root-b", "Prop Root B");
    root(trusted, "root-c", "Prop Root C");
    issued(trusted, "issuing-a1", "Prop Issuing A1", "root-a");
    issued(trusted, "issuing-a2", "Prop Issuing A2", "root-a");
    issued(trusted, "issuing-b1", "Prop Issuing B1", "root-b");
    issued(trusted, "policy-a1x", "Prop Policy A1x", "issuing-a1");  // three levels: root, issuing, policy CA
    issued(trusted, "issuing-c1", "Prop Issuing C1", "root-c");
    for (int k = 0; k < 3; ++k) root(retired, "retired-" + std::to_string(k), "Prop Retired Root " + std::to_string(k));
    for (int k = 0; k < 3; ++k) root(stale, "stale-" + std::to_string(k), "Prop Stale Root " + std::to_string(k));
    for (int k = 0; k < 2; ++k) root(strangers, "stranger-" + std::to_string(k), "Hand Added CA " + std::to_string(k));
    vendor.reserve(2);
    root(vendor, "vendor-root", "Vendor Root");
    issued(vendor, "vendor-issuing", "Vendor Issuing", "vendor-root");
  }
};

// ---------------------------------------------------------------------------------------------------------------
// docs/appliances.md section 6, restated for the tests (not read from providers/integration_rules.cpp).
struct Relation {
  Product from;
  Product to;
  std::string kind;
  bool caller_trusts_callee = true;
  bool callee_trusts_caller = false;
  bool script = false;      // UCCX scripts: the caller restarts the CCX Engine
  bool cuic_first = false;  // PCCE: CUIC roots on Finesse before Finesse roots on CUIC
};

inline const std::vector<Relation>& relations() {
  using P = Product;
  static const std::vector<Relation> table = {
      {P::uccx, P::mediasense, ""},
      {P::mediasense, P::uccx, ""},
      {P::mediasense, P::finesse, ""},
      {P::uccx, P::socialminer, "", true, true},
      {P::uccx, P::cucm, ""},
      {P::uccx, P::external, "script", true, false, true},
      {P::uccx, P::external, ""},
      {P::finesse, P::cuic, "", true, true, false, true},
      {P::cuic, P::finesse, "", true, true, false, true},
      {P::finesse, P::external, ""},
  };
  return table;
}

inline const Relation* find_relation(Product from, Product to, const std::string& kind) {
  for (const auto& r : relations()) {
    if (r.from == from && r.to == to && r.kind == kind) return &r;
  }
  return nullptr;
}

// The CA a cluster's tomcat identity policy names, or nullptr for none / "self".
inline const CaEntry* identity_ca(const Site& site, const Cluster& cluster) {
  for (const auto& policy : cluster.identities) {
    if (policy.unit == "tomcat" && policy.issuer != "self") return site.find_ca(policy.issuer);
  }
  return nullptr;
}

inline const IdentityPolicy* identity_policy(const Cluster& cluster) {
  for (const auto& policy : cluster.identities) {
    if (policy.unit == "tomcat") return &policy;
  }
  return nullptr;
}

// What a peer must trust to accept `node`'s identity: the policy CA's chain when a CA policy names one (the identity
// is going to be signed by it), else the issuers of the identity the node has, or the identity itself if self-signed.
inline std::vector<Certificate> peer_chain(const Site& site, const LiveState& live, const CertificateBook& book,
                                           const Cluster& cluster, const Node& node) {
  if (is_vos(cluster.product)) {
    if (const CaEntry* ca = identity_ca(site, cluster)) {
      std::vector<Certificate> chain = {ca->certificates.front()};
      auto up = book.issuers(ca->certificates.front());
      chain.insert(chain.end(), up.begin(), up.end());
      return chain;
    }
  }
  const auto& state = live.nodes.at(node.name);
  const auto& leaf = state.identities.at(is_vos(cluster.product) ? "tomcat" : "presented").front();
  if (book.self_signed(leaf)) return {leaf};
  return book.issuers(leaf);
}

// One (node, store, certificate) the site wants present or absent.
struct Want {
  std::string node;
  std::string store;
  Certificate certificate;
  bool present = true;
  bool cluster_wide = false;
  bool script = false;  // a UCCX script integration needs it (the CCX Engine restarts)
  std::string why;
};

inline std::vector<Want> desired_trust(const Site& site, const LiveState& live, const CertificateBook& book) {
  std::vector<Want> out;
  for (const auto& rule : site.trust) {
    std::vector<const Node*> targets;
    if (rule.cluster) {
      for (const auto& n : site.find_cluster(*rule.cluster)->nodes) targets.push_back(&n);
    } else {
      targets.push_back(site.find_node(*rule.node));
    }
    for (bool present : {true, false}) {
      for (const auto& ref : present ? rule.certificates : rule.absent) {
        for (const auto& cert : ref.certificates) {
          for (const Node* n : targets) {
            out.push_back({n->name, rule.store, cert, present, rule.cluster.has_value(), false, "trust rule"});
          }
        }
      }
    }
  }
  for (const auto& integration : site.integrations) {
    const Cluster* from = site.find_cluster(integration.from);
    const Cluster* to = site.find_cluster(integration.to);
    const Relation* relation = find_relation(from->product, to->product, integration.kind);
    if (!relation) throw std::logic_error("generator made an integration docs/appliances.md does not list");
    auto direction = [&](const Cluster& truster, const Cluster& trusted, bool script) {
      if (!is_vos(truster.product)) return;
      for (const auto& peer : trusted.nodes) {
        for (const auto& cert : peer_chain(site, live, book, trusted, peer)) {
          for (const auto& n : truster.nodes) {
            out.push_back({n.name, "tomcat-trust", cert, true, true, script,
                           "integration " + integration.from + " -> " + integration.to});
          }
        }
      }
    };
    if (relation->caller_trusts_callee) direction(*from, *to, relation->script);
    if (relation->callee_trusts_caller) direction(*to, *from, false);
  }
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    if (const CaEntry* ca = identity_ca(site, cluster)) {
      std::vector<Certificate> chain = {ca->certificates.front()};
      auto up = book.issuers(ca->certificates.front());
      chain.insert(chain.end(), up.begin(), up.end());
      for (const auto& cert : chain) {
        for (const auto& n : cluster.nodes) {
          out.push_back({n.name, "tomcat-trust", cert, true, true, false, "identity policy of " + cluster.name});
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// docs/appliances.md section 5, restated: the services each product names for a tomcat or tomcat-trust change.
// SocialMiner and MediaSense say "restart the application": any restart on the node satisfies them.
inline std::vector<std::string> domain_restarts(Product product) {
  switch (product) {
    case Product::uccx:
      return {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Notification Service",
              "Cisco Unified CCX Socket.IO Service", "Cisco Unified Intelligence Center Reporting Service"};
    case Product::finesse:
      return {"Cisco Finesse Notification Service", "Cisco Finesse Tomcat"};
    case Product::cuic:
      return {"Cisco Tomcat", "Cisco Unified Intelligence Center Reporting Service"};
    case Product::cucm:
      return {"Cisco Tomcat"};
    case Product::socialminer:
    case Product::mediasense:
    case Product::external:
      return {};
  }
  return {};
}
inline const char* kCcxEngine = "Cisco Unified CCX Engine";

// ---------------------------------------------------------------------------------------------------------------
struct RandomSite {
  unsigned seed = 0;
  Site site;
  LiveState live;
  ManagedRecord managed;
  std::vector<PendingRestart> pending;
  CertificateBook book;  // the pool's certificates and every identity made for this site

  // Enough to rebuild the case by hand: policy, clusters and identities, rules, integrations, live stores.
  std::string describe() const {
    std::ostringstream out;
    const char* restart = site.policy.restart == RestartPolicy::rolling       ? "rolling"
                          : site.policy.restart == RestartPolicy::all_at_once ? "all-at-once"
                                                                              : "manual";
    out << "seed " << seed << " (PLAN_PROPERTY_SEED=" << seed << "): restart=" << restart
        << " prune=" << (site.policy.prune ? "on" : "off") << "\n";
    for (const auto& c : site.clusters) {
      out << "  cluster " << c.name << " (" << to_string(c.product) << ")";
      if (const auto* p = identity_policy(c)) {
        out << " identity=" << p->issuer;
        if (p->renew_before_days) out << " renew_before_days=" << *p->renew_before_days;
      }
      out << ":";
      for (const auto& n : c.nodes) {
        out << " " << n.name << (n.role == Role::publisher ? "[pub]" : "");
        auto it = live.nodes.find(n.name);
        if (it == live.nodes.end()) continue;
        for (const auto& [unit, chain] : it->second.identities) {
          if (chain.empty()) continue;
          const Certificate& leaf = chain.front();
          auto days =
              std::chrono::duration_cast<std::chrono::days>(leaf.not_after() - now_utc());
          out << "{" << unit << ": " << (book.self_signed(leaf) ? "self" : "by " + book.label(*book.issuer_of(leaf)))
              << ", " << days.count() << "d";
          auto names = leaf.dns_names();
          if (std::find(names.begin(), names.end(), n.fqdn) == names.end()) out << ", SAN lacks fqdn";
          if (chain.size() > 1) out << ", +" << chain.size() - 1 << " chain";
          out << "}";
        }
      }
      out << "\n";
    }
    for (const auto& i : site.integrations) {
      out << "  integration " << i.from << " -> " << i.to << (i.kind.empty() ? "" : " (" + i.kind + ")") << "\n";
    }
    for (const auto& r : site.trust) {
      out << "  trust " << (r.cluster ? "cluster " + *r.cluster : "node " + *r.node) << " " << r.store << ":";
      for (const auto& ref : r.certificates) {
        out << " +" << ref.text;
        if (ref.certificates.size() > 1) out << "(" << ref.certificates.size() << " certs)";
      }
      for (const auto& ref : r.absent) out << " -" << ref.text;
      out << "\n";
    }
    for (const auto& [name, state] : live.nodes) {
      for (const auto& [store, entries] : state.stores) {
        out << "  live " << name << " " << store << ":";
        for (const auto& e : entries) {
          out << " " << book.label(e.certificate)
              << (managed.contains(name, store, e.certificate.fingerprint()) ? "(managed)" : "");
        }
        out << "\n";
      }
    }
    for (const auto& p : pending) out << "  pending restart " << p.node << " " << p.service << "\n";
    return out.str();
  }
};

// A node identity: self-signed (issuer null) or issued by `issuer`; `days_left` from now.
inline Certificate make_identity(CertificateBook& book, const std::string& fqdn, const TestCa* issuer,
                                 int lifetime_days, int days_left, bool san_has_fqdn = true) {
  const auto& pool = CaPool::get();
  pki::CertificateSpec spec{.common_name = fqdn,
                            .dns_names = {san_has_fqdn ? fqdn : "www." + fqdn},
                            .days = lifetime_days,
                            .not_before_offset_days = days_left - lifetime_days};
  auto cert = issuer ? pki::issue_certificate(spec, pool.leaf_key, &issuer->certificate, issuer->key)
                     : pki::self_signed(spec, pool.leaf_key);
  if (!cert) throw std::runtime_error("random site: " + cert.error().message);
  book.record(*cert, issuer ? std::optional<Certificate>(issuer->certificate) : std::nullopt,
              std::string(issuer ? "id:" : "self:") + fqdn);
  return *cert;
}

inline RandomSite make_random_site(unsigned seed) {
  const CaPool& pool = CaPool::get();
  RandomSite out;
  out.seed = seed;
  out.book = pool.book;
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto chance = [&](int percent) { return pick(100) < percent; };
  Site& site = out.site;
  LiveState& live = out.live;

  auto file = std::make_shared<const std::string>("prop-" + std::to_string(seed) + ".toml");
  int line = 1;
  auto region = [&](int column = 1) { return SourceRegion{file, line++, column}; };
  site.name = "prop-" + std::to_string(seed);
  site.file = *file;
  site.file_digest = std::string(64, '0');
  site.domain = "prop.example";
  site.state_dir = "/nonexistent/prop-state";
  int restart = pick(3);
  site.policy.restart = restart == 0   ? RestartPolicy::rolling
                        : restart == 1 ? RestartPolicy::all_at_once
                                       : RestartPolicy::manual;
  site.policy.prune = chance(50);
  if (site.policy.prune) site.policy.region = region();  // the [policy] table prune deletes point at

  for (const auto& ca : pool.trusted) {
    site.cas.push_back({.name = ca.name,
                        .local_key = "/nonexistent/" + ca.name + ".key",
                        .certificates = {ca.ca.certificate},
                        .region = region()});
  }
  for (const auto* list : {&pool.retired, &pool.stale}) {
    for (const auto& ca : *list)
      site.cas.push_back({.name = ca.name, .certificates = {ca.ca.certificate}, .region = region()});
  }

  // Clusters: at least one VOS cluster; the publisher first (the loader keeps file order, publisher first).
  const Product products[] = {Product::uccx,       Product::finesse, Product::cuic,    Product::socialminer,
                              Product::mediasense, Product::cucm,    Product::external};
  int cluster_count = 1 + pick(5);
  // A PCCE pair (Finesse and CUIC, in either order) in a quarter of the sites: the cross-product rule needs both.
  bool pcce = chance(25);
  bool cuic_first = chance(50);
  if (pcce) cluster_count = std::max(cluster_count, 2);
  for (int c = 0; c < cluster_count; ++c) {
    Product product = products[pick(7)];
    if (c == 0 && product == Product::external) product = Product::uccx;
    if (pcce && c < 2) product = (c == 0) == cuic_first ? Product::cuic : Product::finesse;
    Cluster cluster;
    cluster.product = product;
    cluster.name = std::string(to_string(product)) + std::to_string(c);
    cluster.version = "12.5";
    cluster.region = region();
    int nodes = 1;
    switch (product) {
      case Product::uccx:
      case Product::finesse:
      case Product::cuic:
      case Product::mediasense:
        nodes = 1 + pick(2);
        break;
      case Product::cucm:
        nodes = 1 + pick(4);
        break;
      case Product::socialminer:
      case Product::external:
        nodes = 1;
        break;
    }
    for (int n = 0; n < nodes; ++n) {
      Node node;
      node.name = cluster.name + "-" + std::to_string(n + 1);
      node.fqdn = node.name + ".prop.example";
      node.address = node.fqdn;
      node.role = n == 0 ? Role::publisher : Role::subscriber;
      node.cluster = cluster.name;
      node.region = region();
      cluster.nodes.push_back(std::move(node));
    }
    if (is_vos(product)) {
      int policy = pick(4);  // none, none, self, CA
      if (policy >= 2) {
        IdentityPolicy p;
        p.unit = "tomcat";
        p.issuer = policy == 2
                       ? "self"
                       : pool.trusted[static_cast<std::size_t>(pick(static_cast<int>(pool.trusted.size())))].name;
        if (chance(20)) p.renew_before_days = chance(50) ? 30 : 60;
        p.region = region(3);
        cluster.identities.push_back(p);
      }
    }
    site.clusters.push_back(std::move(cluster));
  }

  // Identities as refresh read them.
  int external_count = 0;
  for (const auto& cluster : site.clusters) {
    const CaEntry* policy_ca = identity_ca(site, cluster);
    for (const auto& node : cluster.nodes) {
      NodeState& state = live.nodes[node.name];
      state.node = node.name;
      int days_left = chance(20) ? 10 : 700;  // 10 days: inside any renewal window
      if (!is_vos(cluster.product)) {
        // An external host presents a leaf (and maybe its intermediate); a self-signed one must be declared.
        if (chance(35)) {
          Certificate leaf = make_identity(out.book, node.fqdn, nullptr, 730, 700);
          site.cas.push_back(
              {.name = "external-" + std::to_string(external_count++), .certificates = {leaf}, .region = region()});
          state.identities["presented"] = {leaf};
        } else {
          const PoolCa& issuer =
              pool.trusted[static_cast<std::size_t>(3 + pick(static_cast<int>(pool.trusted.size()) - 3))];
          Certificate leaf = make_identity(out.book, node.fqdn, &issuer.ca, 730, 700);
          state.identities["presented"] =
              chance(50) ? std::vector<Certificate>{leaf, issuer.ca.certificate} : std::vector<Certificate>{leaf};
        }
        continue;
      }
      int kind = pick(10);
      std::vector<Certificate> chain;
      if (kind < 4) {
        chain = {make_identity(out.book, node.fqdn, nullptr, days_left == 10 ? 100 : 730, days_left)};
      } else if (kind < 9) {
        const TestCa* issuer = nullptr;
        if (policy_ca && chance(60)) {
          issuer = &pool.find(policy_ca->name)->ca;
        } else {
          issuer = &pool.trusted[static_cast<std::size_t>(pick(static_cast<int>(pool.trusted.size())))].ca;
        }
        chain = {make_identity(out.book, node.fqdn, issuer, days_left == 10 ? 100 : 730, days_left, !chance(8))};
        if (chance(40)) chain.push_back(issuer->certificate);
      } else {
        // Signed by a CA the site does not declare: the chain is found in the node's own tomcat-trust.
        const TestCa& issuer = pool.find("vendor-issuing")->ca;
        chain = {make_identity(out.book, node.fqdn, &issuer, 730, 700), issuer.certificate};
      }
      state.identities["tomcat"] = chain;
    }
  }
  // Every node's own self-signed identity sits in its cluster's tomcat-trust (docs/appliances.md section 2), and so
  // does a vendor chain a node's identity came from.
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      const Certificate& leaf = live.nodes[node.name].identities["tomcat"].front();
      std::vector<Certificate> shared;
      if (out.book.self_signed(leaf)) {
        shared.push_back(leaf);
      } else if (!out.book.knows(leaf) || out.book.issuers(leaf).back() == pool.find("vendor-root")->ca.certificate) {
        shared = {pool.find("vendor-root")->ca.certificate, pool.find("vendor-issuing")->ca.certificate};
      }
      for (const auto& member : cluster.nodes) {
        auto& store = live.nodes[member.name].stores["tomcat-trust"];
        for (const auto& cert : shared) {
          bool there =
              std::any_of(store.begin(), store.end(), [&](const StoreEntry& e) { return e.certificate == cert; });
          if (!there) store.push_back({"tomcat-trust/" + cert.trust_file_name(), cert});
        }
      }
    }
  }

  // Integrations docs/appliances.md section 6 allows between the clusters drawn.
  struct Candidate {
    std::string from, to, kind;
  };
  std::vector<Candidate> candidates;
  for (const auto& a : site.clusters) {
    for (const auto& b : site.clusters) {
      if (a.name == b.name) continue;
      for (const auto& r : relations()) {
        if (r.from == a.product && r.to == b.product) candidates.push_back({a.name, b.name, r.kind});
      }
    }
  }
  std::shuffle(candidates.begin(), candidates.end(), rng);
  int integrations = candidates.empty() ? 0 : pick(std::min<int>(4, static_cast<int>(candidates.size()) + 1));
  if (pcce) {
    // The PCCE pair's integration first (one direction or both), then the random ones.
    auto pair = std::stable_partition(candidates.begin(), candidates.end(), [&](const Candidate& k) {
      return (k.from == site.clusters[0].name || k.from == site.clusters[1].name) &&
             (k.to == site.clusters[0].name || k.to == site.clusters[1].name);
    });
    integrations = std::max<int>(integrations, chance(30) ? static_cast<int>(pair - candidates.begin()) : 1);
  }
  for (int k = 0; k < integrations; ++k) {
    site.integrations.push_back({.from = candidates[static_cast<std::size_t>(k)].from,
                                 .to = candidates[static_cast<std::size_t>(k)].to,
                                 .kind = candidates[static_cast<std::size_t>(k)].kind,
                                 .region = region()});
  }

  // [[trust]] rules on VOS clusters or nodes: pool CAs (by name, or a "file:" chain) and `absent` retired roots.
  std::vector<const Cluster*> vos;
  for (const auto& c : site.clusters) {
    if (is_vos(c.product)) vos.push_back(&c);
  }
  int rules = pick(5);
  for (int k = 0; k < rules; ++k) {
    const Cluster& target = *vos[static_cast<std::size_t>(pick(static_cast<int>(vos.size())))];
    TrustRule rule;
    rule.store = "tomcat-trust";
    rule.region = region();
    if (chance(65)) {
      rule.cluster = target.name;
    } else {
      rule.node = target.nodes[static_cast<std::size_t>(pick(static_cast<int>(target.nodes.size())))].name;
    }
    int count = pick(4);
    for (int c = 0; c < count; ++c) {
      const PoolCa& ca = pool.trusted[static_cast<std::size_t>(pick(static_cast<int>(pool.trusted.size())))];
      CertificateRef ref;
      ref.region = region(18);
      if (chance(20)) {
        // A file holding a whole chain, leaf CA first, as CAs often hand them out.
        ref.text = "file:" + ca.name + "-chain.pem";
        ref.file = ca.name + "-chain.pem";
        ref.certificates = {ca.ca.certificate};
        for (const auto& up : pool.book.issuers(ca.ca.certificate)) ref.certificates.push_back(up);
      } else {
        ref.text = ca.name;
        ref.ca = ca.name;
        ref.certificates = {ca.ca.certificate};
      }
      rule.certificates.push_back(ref);
    }
    if (chance(40)) {
      const PoolCa& ca = pool.retired[static_cast<std::size_t>(pick(static_cast<int>(pool.retired.size())))];
      CertificateRef ref;
      ref.text = ca.name;
      ref.ca = ca.name;
      ref.certificates = {ca.ca.certificate};
      ref.region = region(18);
      rule.absent.push_back(ref);
    }
    site.trust.push_back(std::move(rule));
  }

  // Trust stores: part of what is wanted is there already (subscribers mostly mirror their publisher, as replication
  // would, but not always), retired roots here and there, stale managed entries, certificates added by hand.
  int present_percent = pick(101);
  std::map<std::string, std::set<std::string>> wanted_fps;
  std::map<std::string, std::vector<Certificate>> wanted_by_node;
  for (const auto& want : desired_trust(site, live, out.book)) {
    if (!want.present || want.store != "tomcat-trust") continue;
    if (wanted_fps[want.node].insert(want.certificate.fingerprint()).second) {
      wanted_by_node[want.node].push_back(want.certificate);
    }
  }
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    const Node* publisher = cluster.publisher();
    std::set<std::string> on_publisher;
    for (const auto& node : cluster.nodes) {
      auto& store = live.nodes[node.name].stores["tomcat-trust"];
      auto put = [&](const Certificate& cert, bool managed) {
        bool there =
            std::any_of(store.begin(), store.end(), [&](const StoreEntry& e) { return e.certificate == cert; });
        if (!there) store.push_back({"tomcat-trust/" + cert.trust_file_name(), cert});
        if (managed) out.managed.add(node.name, "tomcat-trust", cert.fingerprint());
      };
      bool is_publisher = &node == publisher;
      for (const auto& cert : wanted_by_node[node.name]) {
        bool here =
            is_publisher ? chance(present_percent) : (on_publisher.count(cert.fingerprint()) ? chance(85) : chance(10));
        if (here) {
          put(cert, chance(50));
          if (is_publisher) on_publisher.insert(cert.fingerprint());
        }
      }
      for (const auto& ca : pool.retired) {
        if (chance(25)) put(ca.ca.certificate, chance(50));
      }
      for (const auto& ca : pool.stale) {
        if (chance(25)) put(ca.ca.certificate, true);
      }
      for (const auto& ca : pool.strangers) {
        if (chance(25)) put(ca.ca.certificate, false);
      }
    }
  }

  // Restarts an earlier apply owed and did not run (journal).
  if (chance(20)) {
    const Cluster& cluster = *vos[static_cast<std::size_t>(pick(static_cast<int>(vos.size())))];
    const Node& node = cluster.nodes[static_cast<std::size_t>(pick(static_cast<int>(cluster.nodes.size())))];
    auto services = domain_restarts(cluster.product);
    if (services.empty()) services = {"Cisco Tomcat"};
    int count = 1 + pick(2);
    for (int k = 0; k < count; ++k) {
      out.pending.push_back({node.name, services[static_cast<std::size_t>(pick(static_cast<int>(services.size())))],
                             node.name + ":upload-trust:tomcat-trust:0123456789abcdef"});
    }
    // As engine/state/journal.cpp pending_restarts() returns them: one per (node, service), sorted.
    std::sort(out.pending.begin(), out.pending.end());
    out.pending.erase(std::unique(out.pending.begin(), out.pending.end(),
                                  [](const PendingRestart& a, const PendingRestart& b) {
                                    return a.node == b.node && a.service == b.service;
                                  }),
                      out.pending.end());
  }
  return out;
}

}  // namespace trustctl::testing
