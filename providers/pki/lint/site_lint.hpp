#pragma once
// Lint in terms of a site: where a certificate is bound (cluster, node, unit) decides which rules apply and with
// which facts. Nothing here connects anywhere.

#include "engine/model/site.hpp"
#include "providers/pki/lint/finding.hpp"
#include "providers/pki/lint/lint_context.hpp"

#include <string_view>
#include <vector>

namespace trustctl::pki::lint {

// The facts the site knows about a certificate bound for `unit` on `node` of `cluster` (node nullptr: the cluster
// as a whole, e.g. a replicated trust store): product, version, node FQDN, the cluster's FQDNs, and, for identity
// units, the identity policy's renewal window and distribution. Callers add what they observed (CSR, trust store,
// probe) before calling lint_certificate.
LintContext context_for(const Site& site, const Cluster& cluster, const Node* node, std::string_view unit);

// lint_certificate(certificate, context_for(site, cluster, node, unit)).
std::vector<Finding> lint_for_destination(const Certificate& certificate, const Site& site, const Cluster& cluster,
                                          const Node* node, std::string_view unit);

// Every certificate the site itself references, against where it is bound: [[trust]] certificates as trust entries
// of their target cluster's store, [[ca]] certificates as trust entries of each cluster whose identities they issue
// (their chain goes into tomcat-trust first), and a [[ca]] bound nowhere with the rules that hold for any product.
// TC007 looks for each certificate's issuers among everything the site puts into the same cluster's store.
// Each finding's subject ends with where the certificate is bound ("... in uccx tomcat-trust").
std::vector<Finding> lint_site_references(const Site& site);

}  // namespace trustctl::pki::lint
