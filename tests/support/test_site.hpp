#pragma once
// Small in-memory sites for planner tests (no file, no loader).

#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace trustctl::testing {

inline Cluster make_cluster(const std::string& name, Product product, std::vector<std::string> node_names) {
  Cluster cluster;
  cluster.name = name;
  cluster.product = product;
  bool first = true;
  for (const auto& n : node_names) {
    Node node;
    node.name = n;
    node.fqdn = n + ".lab.example";
    node.address = node.fqdn;
    node.role = first ? Role::publisher : Role::subscriber;
    node.cluster = name;
    cluster.nodes.push_back(node);
    first = false;
  }
  return cluster;
}

inline TrustRule trust_cluster(const std::string& cluster, std::vector<Certificate> certs, int line = 10) {
  TrustRule rule;
  rule.store = "tomcat-trust";
  rule.cluster = cluster;
  rule.region.line = line;
  rule.region.column = 1;
  CertificateRef ref;
  ref.text = "test-ca";
  ref.certificates = std::move(certs);
  rule.certificates.push_back(ref);
  return rule;
}

}  // namespace trustctl::testing
