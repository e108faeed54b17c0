#include "cli/stages/lint_gate.hpp"

#include "cli/output/errors.hpp"
#include "providers/pki/lint/linter.hpp"
#include "providers/pki/lint/site_lint.hpp"

#include <algorithm>

namespace trustctl::cli {

namespace {

// A certificate an outside CA returned, before it becomes a node's identity: against the node, the CSR it answers
// (TC009), and the tomcat-trust the node will hold by then (TC007: its issuer chain).
std::vector<pki::lint::Finding> lint_install(const Site& site, const LiveState& live, const plans::Plan& plan,
                                             const Action& a) {
  const Cluster* cluster = site.find_cluster(a.cluster);
  const Node* node = site.find_node(a.node);
  if (!cluster || !node) return {};
  auto context = pki::lint::context_for(site, *cluster, node, a.store);
  std::vector<Certificate> store;
  if (auto it = live.nodes.find(a.node); it != live.nodes.end()) {
    if (auto s = it->second.stores.find("tomcat-trust"); s != it->second.stores.end()) {
      for (const auto& entry : s->second) store.push_back(entry.certificate);
    }
    if (auto csr = it->second.pending_csrs.find(a.store); csr != it->second.pending_csrs.end()) {
      if (auto info = pki::inspect_csr(csr->second.pem)) context.csr = std::move(*info);
    }
  }
  for (const auto& other : plan.graph.actions()) {
    if (other.node == a.node && other.store == "tomcat-trust" && other.certificate &&
        (other.kind == ActionKind::upload_trust || other.kind == ActionKind::wait_replication)) {
      store.push_back(*other.certificate);
    }
  }
  context.trust_store = std::move(store);
  return pki::lint::lint_certificate(*a.certificate, context);
}

}  // namespace

std::vector<pki::lint::Finding> lint_plan(const Site& site, const LiveState& live, const plans::Plan& plan) {
  auto findings = pki::lint::lint_site_references(site);
  for (auto i : plan.order) {
    const Action& a = plan.graph.action(i);
    if (a.kind == ActionKind::install_identity && a.certificate) {
      auto more = lint_install(site, live, plan, a);
      findings.insert(findings.end(), more.begin(), more.end());
      continue;
    }
    if (a.kind != ActionKind::upload_trust || !a.certificate) continue;
    const Cluster* cluster = site.find_cluster(a.cluster);
    const Node* node = site.find_node(a.node);
    if (!cluster || !node) continue;
    auto context = pki::lint::context_for(site, *cluster, node, a.store);
    // What the store will hold when this upload runs: the live content and everything the plan uploads there.
    std::vector<Certificate> store;
    if (auto it = live.nodes.find(a.node); it != live.nodes.end()) {
      if (auto s = it->second.stores.find(a.store); s != it->second.stores.end()) {
        for (const auto& entry : s->second) store.push_back(entry.certificate);
      }
    }
    for (const auto& other : plan.graph.actions()) {
      if (other.node == a.node && other.store == a.store && other.certificate &&
          (other.kind == ActionKind::upload_trust || other.kind == ActionKind::wait_replication)) {
        store.push_back(*other.certificate);
      }
    }
    context.trust_store = std::move(store);
    auto more = pki::lint::lint_certificate(*a.certificate, context);
    findings.insert(findings.end(), more.begin(), more.end());
  }
  return pki::lint::deduplicate(std::move(findings));
}

// A deployed certificate's finding does not block: apply cannot change it by uploading (verify fails its calls).
bool lint_blocks_apply(const std::vector<pki::lint::Finding>& findings, const Site& site) {
  return site.policy.lint != "warn" && std::any_of(findings.begin(), findings.end(), [](const pki::lint::Finding& f) {
           return f.severity == pki::lint::Severity::error && !f.deployed;
         });
}

bool pass_lint_gate(const RunContext& context) {
  if (!lint_blocks_apply(context.findings, context.site)) return true;
  std::vector<Error> errors;
  // The text plan just printed lists every finding with its fix: said once there, not again here.
  for (const auto& f : context.findings) {
    if (context.machine() && f.severity == pki::lint::Severity::error && !f.deployed) {
      errors.push_back(Error(ErrorCode::invalid_site, pki::lint::headline(f) + " (fix: " + f.fix + ")"));
    }
  }
  errors.push_back(Error(ErrorCode::invalid_site,
                         "lint errors block apply (policy.lint = \"error\"; the plan lists them); nothing was "
                         "changed. Fix them, or set policy.lint = \"warn\" to apply anyway"));
  report_errors(errors, context.common, context.term);
  return false;
}

}  // namespace trustctl::cli
