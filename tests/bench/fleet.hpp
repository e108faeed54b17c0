#pragma once
// A synthetic fleet for the planning benchmark: a Site of N two-node clusters mixing every VOS product, and the
// LiveState a refresh would have recorded from it (some certificates present, some missing, some to delete), built
// in memory so the benchmark measures planning and nothing else (no network, no TOML parsing).
//
// The fleet is made of pods of six clusters (UCCX, MediaSense, SocialMiner, CUCM, Finesse, CUIC), as one contact
// center would be, with the pod's integrations (UCCX -> MediaSense, UCCX <-> SocialMiner, UCCX -> CUCM,
// Finesse <-> CUIC). Every cluster also has a [[trust]] rule for six corporate/partner CA certificates (two roots and their
// intermediates) and an
// `absent` entry for a retired root. Half the pods have CA-signed node identities, half self-signed ones. That comes
// to about ten trust requirements per node; make_fleet reports the exact count.
//
// Deterministic: the same size and seed give the same site and state (certificates aside, whose keys and validity
// dates differ per run; the plan's shape does not).

#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "providers/pki/certificate_builder.hpp"

#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustctl::bench {

struct FleetOptions {
  int nodes = 6000;       // rounded down to whole two-node clusters
  unsigned seed = 20240;  // the live state's random choices
  int present_percent = 50;  // chance that a wanted certificate is already on the publisher
};

struct Fleet {
  Site site;
  LiveState live;
  std::size_t nodes = 0;
  std::size_t clusters = 0;
  std::size_t certificates = 0;  // distinct certificates made (CA pool and node identities)
};

namespace detail {

// Certificates are the slow part of building a fleet: one key signs every certificate of a kind, and only the
// certificate (subject, serial) differs, which is all the planner looks at.
class CertificateFactory {
 public:
  CertificateFactory() : m_key(*pki::KeyPair::generate("ec-256")) {}

  Certificate root(const std::string& cn) {
    return check(pki::self_signed({.common_name = cn, .organization = "Fleet", .is_ca = true, .days = 3650}, m_key));
  }
  Certificate issued(const std::string& cn, const Certificate& issuer, bool ca) {
    return check(pki::issue_certificate(
        {.common_name = cn, .dns_names = ca ? std::vector<std::string>{} : std::vector<std::string>{cn},
         .organization = "Fleet", .is_ca = ca, .days = ca ? 1825 : 730},
        m_key, &issuer, m_key));
  }
  Certificate self_signed_identity(const std::string& fqdn) {
    return check(pki::self_signed({.common_name = fqdn, .dns_names = {fqdn}, .days = 730}, m_key));
  }
  std::size_t made() const { return m_made; }

 private:
  Certificate check(Result<Certificate> cert) {
    if (!cert) throw std::runtime_error("fleet: " + cert.error().message);
    ++m_made;
    return *cert;
  }
  pki::KeyPair m_key;
  std::size_t m_made = 0;
};

inline CertificateRef ca_ref(const CaEntry& ca, const SourceRegion& region) {
  CertificateRef ref;
  ref.text = ca.name;
  ref.ca = ca.name;
  ref.certificates = ca.certificates;
  ref.region = region;
  return ref;
}

}  // namespace detail

inline Fleet make_fleet(const FleetOptions& options) {
  Fleet fleet;
  detail::CertificateFactory factory;
  std::mt19937 rng(options.seed);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };

  Site& site = fleet.site;
  site.name = "fleet-" + std::to_string(options.nodes);
  site.file = "fleet.toml";
  site.file_digest = std::string(64, '0');
  site.domain = "fleet.example";
  auto file = std::make_shared<const std::string>("fleet.toml");
  int line = 1;
  auto region = [&]() { return SourceRegion{file, line++, 1}; };

  // The CA pool: six roots with two intermediates each; the first four roots sign node identities.
  std::vector<CaEntry> roots, intermediates;
  for (int r = 0; r < 6; ++r) {
    CaEntry root{.name = "root-" + std::to_string(r), .certificates = {factory.root("Fleet Root " + std::to_string(r))},
                 .region = region()};
    for (int i = 0; i < 2; ++i) {
      std::string name = "issuing-" + std::to_string(r) + "-" + std::to_string(i);
      intermediates.push_back({.name = name,
                               .certificates = {factory.issued("Fleet Issuing " + std::to_string(r) + "." +
                                                                   std::to_string(i),
                                                               root.certificates.front(), true)},
                               .region = region()});
    }
    roots.push_back(std::move(root));
  }
  CaEntry retired{.name = "retired-root", .certificates = {factory.root("Fleet Retired Root")}, .region = region()};
  site.cas = roots;
  site.cas.insert(site.cas.end(), intermediates.begin(), intermediates.end());
  site.cas.push_back(retired);

  const Product pod[] = {Product::uccx, Product::mediasense, Product::socialminer,
                         Product::cucm, Product::finesse,    Product::cuic};
  const int pod_size = 6;
  int clusters = options.nodes / 2;
  for (int c = 0; c < clusters; ++c) {
    int pod_index = c / pod_size;
    Product product = pod[c % pod_size];
    Cluster cluster;
    cluster.name = "p" + std::to_string(pod_index) + "-" + to_string(product);
    cluster.product = product;
    cluster.version = "12.5";
    cluster.region = region();
    for (int n = 0; n < 2; ++n) {
      Node node;
      node.name = cluster.name + "-" + std::to_string(n + 1);
      node.fqdn = node.name + "." + site.domain;
      node.address = node.fqdn;
      node.role = n == 0 ? Role::publisher : Role::subscriber;
      node.cluster = cluster.name;
      node.region = region();
      cluster.nodes.push_back(std::move(node));
    }
    site.clusters.push_back(std::move(cluster));

    // Two roots with their intermediates, chosen per cluster: the chain-order rule has work to do, and the pool is
    // shared across the fleet as real corporate CAs are.
    TrustRule rule;
    rule.store = "tomcat-trust";
    rule.cluster = site.clusters.back().name;
    rule.region = region();
    for (std::size_t r : {static_cast<std::size_t>(c) % roots.size(), static_cast<std::size_t>(c + 1) % roots.size()}) {
      rule.certificates.push_back(detail::ca_ref(intermediates[r * 2 + 1], rule.region));
      rule.certificates.push_back(detail::ca_ref(roots[r], rule.region));
      rule.certificates.push_back(detail::ca_ref(intermediates[r * 2], rule.region));
    }
    rule.absent.push_back(detail::ca_ref(retired, rule.region));
    site.trust.push_back(std::move(rule));

    if (c % pod_size == pod_size - 1) {
      std::string p = "p" + std::to_string(pod_index) + "-";
      for (auto [from, to] : {std::pair{"uccx", "mediasense"}, std::pair{"uccx", "socialminer"},
                              std::pair{"uccx", "cucm"}, std::pair{"finesse", "cuic"}}) {
        site.integrations.push_back({.from = p + from, .to = p + to, .region = region()});
      }
    }
  }

  // The recorded live state: each node's identity, and a trust store holding part of what the site wants (the
  // subscriber mostly mirrors its publisher, as replication would), the retired root here and there, and a few
  // certificates the site does not mention.
  std::vector<Certificate> strangers;
  for (int k = 0; k < 4; ++k) strangers.push_back(factory.root("Unmanaged Vendor CA " + std::to_string(k)));
  for (std::size_t c = 0; c < site.clusters.size(); ++c) {
    const Cluster& cluster = site.clusters[c];
    bool ca_signed = (c / pod_size) % 2 == 0;
    const Certificate& issuer = intermediates[(c % 4) * 2].certificates.front();
    std::vector<Certificate> wanted;
    for (const auto& ref : site.trust[c].certificates) wanted.push_back(ref.certificates.front());
    std::vector<bool> on_publisher;
    for (std::size_t w = 0; w < wanted.size(); ++w) on_publisher.push_back(chance(options.present_percent));
    for (const auto& node : cluster.nodes) {
      NodeState& state = fleet.live.nodes[node.name];
      state.node = node.name;
      state.identities["tomcat"] = {ca_signed ? factory.issued(node.fqdn, issuer, false)
                                              : factory.self_signed_identity(node.fqdn)};
      auto& store = state.stores["tomcat-trust"];
      bool publisher = node.role == Role::publisher;
      for (std::size_t w = 0; w < wanted.size(); ++w) {
        if (on_publisher[w] && (publisher || chance(90))) store.push_back({wanted[w].trust_file_name(), wanted[w]});
      }
      if (chance(20)) store.push_back({retired.certificates.front().trust_file_name(), retired.certificates.front()});
      const Certificate& stranger = strangers[rng() % strangers.size()];
      store.push_back({stranger.trust_file_name(), stranger});
      // Every node's own identity sits in its cluster's tomcat-trust (docs/appliances.md section 2).
      store.push_back({state.identities["tomcat"].front().trust_file_name(), state.identities["tomcat"].front()});
    }
  }

  fleet.clusters = site.clusters.size();
  fleet.nodes = fleet.clusters * 2;
  fleet.certificates = factory.made();
  return fleet;
}

}  // namespace trustctl::bench
