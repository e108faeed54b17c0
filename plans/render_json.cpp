#include "plans/render_json.hpp"

#include "plans/estimate.hpp"
#include "plans/restart_waves.hpp"

#include <string>
#include <unordered_map>

namespace trustctl::plans {
namespace {

// A fleet's plan names the same few CA certificates on thousands of nodes; their subject, issuer and serial are
// decoded through OpenSSL once each.
using CertificateJson = std::unordered_map<std::string, nlohmann::json>;

nlohmann::json action_to_json(const Plan& plan, ActionGraph::Index i, const Action& a, CertificateJson& certificates) {
  nlohmann::json j;
  j["id"] = a.id();
  j["kind"] = to_string(a.kind);
  j["node"] = a.node;
  j["cluster"] = a.cluster;
  if (!a.store.empty()) j["store"] = a.store;
  if (a.certificate) {
    auto [it, added] = certificates.try_emplace(a.certificate->fingerprint());
    if (added) {
      it->second = {{"fingerprint_sha256", a.certificate->fingerprint()},
                    {"subject", a.certificate->subject()},
                    {"issuer", a.certificate->issuer()},
                    {"serial", a.certificate->serial_hex()}};
    }
    j["certificate"] = it->second;
  }
  if (!a.file.empty()) j["file"] = a.file;
  if (!a.service.empty()) j["service"] = a.service;
  if (!a.source_node.empty()) j["source_node"] = a.source_node;
  if (!a.identity_node.empty()) j["identity_of"] = {{"node", a.identity_node}, {"unit", a.identity_unit}};
  if (!a.issuer_ca.empty()) j["issuer_ca"] = a.issuer_ca;
  if (a.multi_server) j["multi_server"] = true;
  j["reason"] = a.reason;
  if (!a.owes.empty()) {
    nlohmann::json owes = nlohmann::json::array();
    for (const auto& r : a.owes) owes.push_back({{"node", r.node}, {"service", r.service}});
    j["owes_restarts"] = std::move(owes);
  }
  if (a.region) j["source"] = a.region->describe();
  j["description"] = a.describe();
  nlohmann::json deps = nlohmann::json::array();
  if (i != static_cast<ActionGraph::Index>(-1)) {
    for (auto pre : plan.graph.predecessors(i)) {
      deps.push_back({{"id", plan.graph.action(pre).id()}, {"rule", plan.graph.rule_of(pre, i)}});
    }
  }
  j["after"] = std::move(deps);
  return j;
}

}  // namespace

nlohmann::json finding_to_json(const PlanFinding& f) {
  return {{"rule", f.rule},       {"severity", f.severity}, {"subject", f.subject},
          {"message", f.message}, {"fix", f.fix},           {"deployed", f.deployed}};
}

nlohmann::json lint_to_json(const PlanLint& lint) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : lint.findings) findings.push_back(finding_to_json(f));
  return {{"policy", lint.policy}, {"blocks_apply", lint.blocks_apply}, {"findings", std::move(findings)}};
}

nlohmann::json plan_to_json(const Plan& plan) {
  nlohmann::json j;
  j["format_version"] = kPlanFormatVersion;
  j["site"] = {{"name", plan.site_name}, {"file", plan.site_file}, {"digest_sha256", plan.site_digest}};
  j["observed"] = plan.observed;
  CertificateJson certificates;
  nlohmann::json actions = nlohmann::json::array();
  for (auto i : plan.order) actions.push_back(action_to_json(plan, i, plan.graph.action(i), certificates));
  j["actions"] = std::move(actions);
  nlohmann::json manual = nlohmann::json::array();
  for (const auto& a : plan.manual_restarts) manual.push_back(action_to_json(plan, static_cast<ActionGraph::Index>(-1), a, certificates));
  j["manual_restarts"] = std::move(manual);
  nlohmann::json restarts = nlohmann::json::array();
  for (const auto& wave : restart_waves(plan)) {
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& node : wave.nodes) {
      nodes.push_back({{"node", node.node}, {"down", node.whole ? "node" : "services"}, {"services", node.services}});
      if (node.together) nodes.back()["together"] = true;
    }
    restarts.push_back({{"cluster", wave.cluster}, {"rolling", wave.rolling}, {"nodes", std::move(nodes)}});
  }
  j["restarts"] = std::move(restarts);
  const Estimate e = estimate(plan);
  nlohmann::json per_node = nlohmann::json::array();
  for (const auto& node : e.per_node) {
    per_node.push_back(
        {{"node", node.node}, {"cluster", node.cluster}, {"down_s", node.down_s}, {"restarts", node.restarts}});
  }
  j["estimate"] = {{"duration_s", e.duration_s}, {"per_node", std::move(per_node)}};
  if (e.other) {
    j["estimate"]["other"] = {{"restart_services", to_string(e.other->restart_services)},
                              {"duration_s", e.other->duration_s}};
  }
  j["notes"] = plan.notes;
  j["lint"] = lint_to_json(plan.lint);
  // Only a partial plan says so: a whole-site plan's document is unchanged by targeting's existence.
  if (plan.target.partial()) {
    j["target"] = {{"partial", true},
                   {"clusters", plan.target.clusters},
                   {"nodes", plan.target.nodes},
                   {"exclude_clusters", plan.target.exclude_clusters},
                   {"exclude_nodes", plan.target.exclude_nodes},
                   {"pulled_in", plan.target.pulled_in}};
  }
  PlanSummary s = plan.summary();
  j["summary"] = {{"add", s.add},
                  {"change", s.change},
                  {"remove", s.remove},
                  {"restarts", s.restarts},
                  {"manual_restarts", s.manual_restarts},
                  {"waits", s.waits},
                  {"no_changes", plan.empty()}};
  return j;
}

}  // namespace trustctl::plans
