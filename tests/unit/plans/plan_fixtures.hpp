#pragma once
// Plans made in the test for the renderer and plan-file tests.
//
// Golden files hold real fingerprints: the certificates are fixed files (tests/unit/plans/golden/certs, public
// certificates only, made once with openssl and valid until 2126; their keys were discarded), the site digest is a
// fixed string, and every other field is derived from them. So nothing in a golden is normalised or masked, and a
// changed fingerprint, digest or id is a real difference.

#include "plans/diff.hpp"
#include "providers/registry.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

namespace trustctl::testing {

inline std::filesystem::path plans_golden_dir() {
  return std::filesystem::path(TRUSTCTL_SOURCE_DIR) / "tests/unit/plans/golden";
}

inline Certificate fixed_certificate(const std::string& name) {
  auto path = plans_golden_dir() / "certs" / (name + ".pem");
  auto certs = load_certificate_file(path.string());
  if (!certs || certs->size() != 1) throw std::runtime_error("cannot load test certificate " + path.string());
  return certs->front();
}

struct PlanScenario {
  Certificate root = fixed_certificate("corp-root");
  Certificate issuing = fixed_certificate("corp-issuing");
  Certificate retired = fixed_certificate("retired-root");
  Certificate partner = fixed_certificate("partner-root");  // its CN and O carry Markdown and HTML punctuation
  std::shared_ptr<const std::string> file = std::make_shared<const std::string>("sites/lab.toml");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();
  std::vector<PendingRestart> pending;

  PlanScenario() {
    site.name = "lab";
    site.file = *file;
    site.file_digest = std::string(64, 'a');
    site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    for (const auto& cluster : site.clusters) {
      for (const auto& node : cluster.nodes) live.nodes[node.name].node = node.name;
    }
  }

  void add_cluster(const std::string& name, Product product, std::vector<std::string> nodes) {
    site.clusters.push_back(make_cluster(name, product, nodes));
    for (const auto& n : nodes) live.nodes[n].node = n;
  }

  TrustRule& rule(std::optional<std::string> cluster, std::optional<std::string> node, int line) {
    TrustRule rule;
    rule.store = "tomcat-trust";
    rule.cluster = std::move(cluster);
    rule.node = std::move(node);
    rule.region = SourceRegion{file, line, 1};
    site.trust.push_back(rule);
    return site.trust.back();
  }

  CertificateRef ref(const std::string& text, std::vector<Certificate> certs, int line) {
    CertificateRef r;
    r.text = text;
    r.ca = text;
    r.certificates = std::move(certs);
    r.region = SourceRegion{file, line, 18};
    return r;
  }

  void holds(const std::string& node, const Certificate& cert) {
    live.nodes[node].stores["tomcat-trust"].push_back({cert.trust_file_name(), cert});
  }

  plans::Plan plan() const {
    auto plan = plans::make_plan(site, live, registry, pending);
    if (!plan) throw std::runtime_error("make_plan failed: " + plan.error().describe());
    return std::move(*plan);
  }
};

// Every kind of action and edge: chain order and replication on a UCCX pair, deletes of a retired root, a node-only
// rule on a Finesse subscriber, a restart owed from the journal on SocialMiner, rolling restarts.
inline PlanScenario mixed_scenario() {
  PlanScenario s;
  s.add_cluster("finesse", Product::finesse, {"fin1", "fin2"});
  s.add_cluster("sm", Product::socialminer, {"sm1"});
  auto& uccx = s.rule("uccx", std::nullopt, 20);
  uccx.certificates.push_back(s.ref("corp-issuing", {s.issuing}, 22));
  uccx.certificates.push_back(s.ref("corp-root", {s.root}, 22));
  uccx.absent.push_back(s.ref("retired-root", {s.retired}, 23));
  auto& fin2 = s.rule(std::nullopt, "fin2", 30);
  fin2.certificates.push_back(s.ref("partner-root", {s.partner}, 32));
  s.holds("uccx1", s.retired);
  s.holds("uccx2", s.retired);
  s.holds("fin1", s.partner);
  s.pending.push_back({"sm1", "Cisco Tomcat", "sm1:upload-trust:tomcat-trust:0123456789abcdef"});
  return s;
}

// policy.restart = "manual": the restarts are listed, never scheduled.
inline PlanScenario manual_scenario() {
  PlanScenario s;
  s.site.policy.restart = RestartPolicy::manual;
  auto& uccx = s.rule("uccx", std::nullopt, 20);
  uccx.certificates.push_back(s.ref("corp-root", {s.root}, 22));
  return s;
}

// Every node already holds what the site asks for.
inline PlanScenario empty_scenario() {
  PlanScenario s;
  auto& uccx = s.rule("uccx", std::nullopt, 20);
  uccx.certificates.push_back(s.ref("corp-root", {s.root}, 22));
  s.holds("uccx1", s.root);
  s.holds("uccx2", s.root);
  return s;
}

}  // namespace trustctl::testing
