#include "providers/pki/lint/live_lint.hpp"

#include "providers/pki/lint/linter.hpp"
#include "providers/pki/lint/site_lint.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace trustctl::pki::lint {
namespace {

// The rules that hold for a certificate already in place (issue scope: what a peer or the appliance judges at
// every handshake); the others judge an upload (TC007, TC009, TC011) or a site's intent (TC008, TC013, TC014).
const std::vector<std::string_view> kDeployedRules = {"TC001", "TC002", "TC003", "TC005", "TC006", "TC012"};

// A call of `caller` to a node of `callee`, as an integration implies it (docs/appliances.md section 6).
struct Call {
  const Cluster* caller;
  const Cluster* callee;
  std::string integration;
};

std::vector<Call> calls_of(const Site& site, const ProviderLookup& providers) {
  std::vector<Call> out;
  for (const auto& integration : site.integrations) {
    const Cluster* from = site.find_cluster(integration.from);
    const Cluster* to = site.find_cluster(integration.to);
    if (!from || !to) continue;
    const IntegrationRule* rule = providers.integration(from->product, to->product, integration.kind);
    if (!rule) continue;
    const std::string text = integration.from + " -> " + integration.to + " (" + integration.region.describe() + ")";
    if (rule->caller_trusts_callee) out.push_back({from, to, text});
    if (rule->callee_trusts_caller) out.push_back({to, from, text});
  }
  return out;
}

// Whether a finding makes a caller of `caller` product fail its handshake: a name that does not match (TC002), a
// validity that has ended or not begun (TC006, its error variants), and a critical extension other than Key Usage
// and Basic Constraints on the callee's identity when UCCX calls (TC003, docs/appliances.md section 6; on a CA in the
// caller's store, such as critical name constraints, it is reported, not taken to break the call). Key size, weak
// digests and an RSA-signed ECDSA identity (never presented, section 10) weaken or break other things, not the call.
bool breaks_call(const Finding& finding, Product caller, bool identity) {
  if (finding.severity != Severity::error) return false;
  if (finding.rule == "TC002" || finding.rule == "TC006") return true;
  return finding.rule == "TC003" && caller == Product::uccx && identity;
}

void add(std::vector<LiveFinding>& out, std::vector<Finding> found, const std::string& node, const std::string& unit,
         const std::vector<std::pair<const Call*, std::string>>& callers) {
  for (auto& f : found) {
    LiveFinding live{node, unit, std::move(f), {}};
    std::string broken;
    for (const auto& [call, callee_node] : callers) {
      if (!breaks_call(live.finding, call->caller->product, unit != "tomcat-trust")) continue;
      live.breaks.push_back({call->caller->name, callee_node, call->integration});
      if (broken.find(call->integration) == std::string::npos) broken += (broken.empty() ? "" : ", ") + call->integration;
    }
    live.finding.subject += " (" + unit + " on " + node + ")";
    live.finding.message += broken.empty() ? " [deployed on " + node + "]"
                                           : " [deployed on " + node + "; it breaks the integration " + broken + "]";
    live.finding.deployed = true;
    out.push_back(std::move(live));
  }
}

// A node's identities: every unit refresh read.
void lint_identities(const Site& site, const Cluster& cluster, const Node& node, const NodeState& state,
                     const std::vector<Call>& calls, TimePoint now, std::vector<LiveFinding>& out) {
  std::vector<std::pair<const Call*, std::string>> callers;
  for (const auto& call : calls) {
    if (call.callee == &cluster) callers.push_back({&call, node.name});
  }
  for (const auto& [unit, chain] : state.identities) {
    if (chain.empty() || (unit != "tomcat" && unit != "tomcat-ECDSA")) continue;
    LintContext context = context_for(site, cluster, &node, unit);
    context.now = now;
    add(out, lint_certificate(chain.front(), context, kDeployedRules), node.name, unit, callers);
  }
}

// The tomcat-trust entries each caller node relies on for each callee node's identity chain.
void lint_relied_entries(const Site& site, const LiveState& live, const Call& call, TimePoint now,
                         std::vector<LiveFinding>& out) {
  for (const auto& callee : call.callee->nodes) {
    auto callee_state = live.nodes.find(callee.name);
    if (callee_state == live.nodes.end()) continue;
    for (const auto& caller : call.caller->nodes) {
      auto caller_state = live.nodes.find(caller.name);
      if (caller_state == live.nodes.end()) continue;
      auto store = caller_state->second.stores.find("tomcat-trust");
      if (store == caller_state->second.stores.end()) continue;
      std::vector<Certificate> entries;
      for (const auto& entry : store->second) entries.push_back(entry.certificate);
      for (const auto& [unit, chain] : callee_state->second.identities) {
        if (chain.empty()) continue;
        std::vector<Certificate> candidates = entries;
        candidates.insert(candidates.end(), chain.begin() + 1, chain.end());
        for (const auto& issuer : issuer_chain(chain.front(), candidates).issuers) {
          if (std::find(entries.begin(), entries.end(), issuer) == entries.end()) continue;  // presented, not held
          LintContext context = context_for(site, *call.caller, &caller, "tomcat-trust");
          context.now = now;
          add(out, lint_certificate(issuer, context, kDeployedRules), caller.name, "tomcat-trust",
              {{&call, callee.name}});
        }
      }
    }
  }
}

}  // namespace

std::vector<LiveFinding> lint_live(const Site& site, const LiveState& live, const ProviderLookup& providers,
                                   TimePoint now) {
  const auto calls = calls_of(site, providers);
  std::vector<LiveFinding> out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      auto state = live.nodes.find(node.name);
      if (state != live.nodes.end()) lint_identities(site, cluster, node, state->second, calls, now, out);
    }
  }
  for (const auto& call : calls) {
    if (is_vos(call.caller->product)) lint_relied_entries(site, live, call, now, out);
  }
  // One finding per deployed certificate and rule; the calls it breaks are gathered under it.
  std::vector<LiveFinding> merged;
  for (auto& f : out) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const LiveFinding& m) {
      return std::tie(m.node, m.unit, m.finding.rule, m.finding.subject) ==
             std::tie(f.node, f.unit, f.finding.rule, f.finding.subject);
    });
    if (same == merged.end()) {
      merged.push_back(std::move(f));
      continue;
    }
    for (auto& b : f.breaks) {
      bool known = std::any_of(same->breaks.begin(), same->breaks.end(), [&](const BrokenCall& k) {
        return k.caller_cluster == b.caller_cluster && k.callee_node == b.callee_node;
      });
      if (!known) same->breaks.push_back(std::move(b));
    }
  }
  return merged;
}

std::vector<Finding> findings_of(const std::vector<LiveFinding>& live) {
  std::vector<Finding> out;
  for (const auto& f : live) out.push_back(f.finding);
  return out;
}

}  // namespace trustctl::pki::lint
