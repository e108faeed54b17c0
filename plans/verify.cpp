#include "plans/verify.hpp"

#include "plans/owed_restarts.hpp"
#include "plans/presented.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace trustctl::plans {
namespace {

// cluster name -> clusters whose nodes must trust it -> the integration that says so, as the site file writes it.
std::map<std::string, std::map<std::string, std::string>> trusters_by_cluster(const Site& site,
                                                                              const ProviderLookup& providers) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& integration : site.integrations) {
    const Cluster* from = site.find_cluster(integration.from);
    const Cluster* to = site.find_cluster(integration.to);
    if (!from || !to) continue;
    const IntegrationRule* rule = providers.integration(from->product, to->product, integration.kind);
    if (!rule) continue;
    const std::string text = integration.from + " -> " + integration.to;
    if (rule->caller_trusts_callee && is_vos(from->product)) out[to->name].emplace(from->name, text);
    if (rule->callee_trusts_caller && is_vos(to->product)) out[from->name].emplace(to->name, text);
  }
  return out;
}

}  // namespace

bool store_accepts(const std::vector<StoreEntry>& truster_store, const std::vector<Certificate>& chain) {
  if (chain.empty()) return false;
  std::set<std::string> trusted;
  std::vector<Certificate> candidates(chain.begin() + 1, chain.end());
  for (const auto& entry : truster_store) {
    trusted.insert(entry.certificate.fingerprint());
    candidates.push_back(entry.certificate);
  }
  if (trusted.count(chain.front().fingerprint())) return true;
  auto path = issuer_chain(chain.front(), candidates);
  return std::any_of(path.issuers.begin(), path.issuers.end(),
                     [&](const Certificate& c) { return trusted.count(c.fingerprint()) > 0; });
}

namespace {

std::string owed_problem(const Site& site, const ProviderLookup& providers, const PendingRestart& owed) {
  // One apply cannot run (a node gone from the site, a service the product does not have) says how to settle it.
  if (auto why = unrunnable_owed_restart(site, providers, owed)) return *why;
  if (owed.service == kSystemRestart) {
    return owed.node + " has not been restarted (utils system restart) since " + owed.owed_by +
           " was committed (the journal owes the restart): its services still run with what they loaded before; run "
           "trustctl apply, which restarts it";
  }
  return owed.service + " on " + owed.node + " has not been restarted since " + owed.owed_by +
         " was committed (the journal owes the restart): it still runs with what it loaded before; run trustctl "
         "apply, which restarts it";
}

}  // namespace

std::vector<VerifyRow> evaluate_verification(const Site& site, const LiveState& live,
                                             const std::vector<EndpointObservation>& observations,
                                             const ProviderLookup& providers,
                                             const std::vector<PendingRestart>& owed,
                                             const std::vector<DeployedDefect>& defects) {
  auto trusters = trusters_by_cluster(site, providers);
  std::map<std::pair<std::string, std::string>, const PendingRestart*> owed_by_service;
  std::map<std::string, const PendingRestart*> owed_by_node;
  for (const auto& o : owed) {
    owed_by_service.emplace(std::make_pair(o.node, o.service), &o);
    owed_by_node.emplace(o.node, &o);
  }
  std::set<std::pair<std::string, std::string>> shown;  // owed (node, service) that a port row already reports
  std::vector<VerifyRow> rows;
  for (const auto& observation : observations) {
    const Node* node = site.find_node(observation.node);
    if (!node) continue;
    const Cluster* cluster = site.find_cluster(node->cluster);
    VerifyRow row{.node = node->name, .fqdn = node->fqdn, .port = observation.port};
    std::string where = node->name + ":" + std::to_string(observation.port.port);
    if (observation.chain.empty()) {
      row.problems.push_back(where + " did not complete a TLS handshake (" + observation.error + ")" +
                             (observation.port.service.empty()
                                  ? std::string()
                                  : "; check that " + observation.port.service + " is started"));
      rows.push_back(std::move(row));
      continue;
    }
    const Certificate& leaf = observation.chain.front();
    row.presented = leaf.fingerprint().substr(0, 16);
    auto o = owed_by_service.find({node->name, observation.port.service});
    if (o == owed_by_service.end()) o = owed_by_service.find({node->name, kSystemRestart});  // every port waits for it
    if (o != owed_by_service.end()) {
      row.problems.push_back(where + ": " + owed_problem(site, providers, *o->second));
      shown.insert(o->first);
    }
    auto state = live.nodes.find(node->name);

    if (is_vos(cluster->product) && state != live.nodes.end()) {
      // The ECDSA guide's table says which identity the port presents (docs/appliances.md section 10); without the
      // node's tomcat-ECDSA read (no integration or policy needs it), an EC leaf is taken for that unit.
      const CertificateUnits& units = providers.units();
      const bool ec_read = state->second.identities.count(units.ec_identity) > 0;
      const std::string unit = ec_read ? unit_presented_on(observation.port, &state->second, units)
                                       : units.unit_for_key(leaf.key_type());
      auto stored = state->second.identities.find(unit);
      if (stored != state->second.identities.end() && !stored->second.empty() && !(stored->second.front() == leaf)) {
        row.problems.push_back(where + " presents " + leaf.fingerprint().substr(0, 16) + " but the node stores " +
                               stored->second.front().fingerprint().substr(0, 16) + " as its " + unit + " identity: " +
                               observation.port.service +
                               " has not been restarted since the identity changed; restart it (or run apply, which "
                               "owes the restart)");
      }
      for (const auto& policy : cluster->identities) {
        if (policy.unit != unit) continue;
        if (policy.issuer == "self") {
          if (!leaf.is_self_issued()) row.problems.push_back(where + " presents a CA-signed identity; the policy wants self-signed");
        } else if (const CaEntry* ca = site.find_ca(policy.issuer); ca && !ca->certificates.empty()) {
          if (!ca->certificates.front().issued(leaf)) {
            row.problems.push_back(where + " presents an identity not issued by " + ca->name + " (issuer: " +
                                   leaf.issuer() + ")");
          }
        }
      }
      auto names = leaf.dns_names();
      if (std::find(names.begin(), names.end(), node->fqdn) == names.end()) {
        row.problems.push_back(where + " presents a certificate whose SAN lacks " + node->fqdn +
                               " (TC002: browsers refuse it)");
      }
    }

    for (const auto& [truster_name, integration] : trusters[cluster->name]) {
      const std::string& truster_cluster = truster_name;  // a lambda below uses it: clang 14 cannot capture a binding
      const Cluster* tc = site.find_cluster(truster_cluster);
      for (const auto& truster : tc->nodes) {
        auto ts = live.nodes.find(truster.name);
        static const std::vector<StoreEntry> none;
        const std::vector<StoreEntry>* store = &none;
        if (ts != live.nodes.end()) {
          auto it = ts->second.stores.find(providers.units().trust_store);
          if (it != ts->second.stores.end()) store = &it->second;
        }
        bool ok = store_accepts(*store, observation.chain);
        auto truster_owes = owed_by_node.find(truster.name);
        auto defect = std::find_if(defects.begin(), defects.end(), [&](const DeployedDefect& d) {
          return d.caller_cluster == truster_cluster && d.callee_node == node->name;
        });
        if (defect != defects.end()) {
          ok = false;
          row.problems.push_back(truster.name + " cannot call " + where + ": " + defect->problem);
        } else if (!ok) {
          row.problems.push_back(truster.name + " does not trust what " + where + " presents; run apply (the "
                                 "integration " + integration + " needs its chain)");
        } else if (truster_owes != owed_by_node.end()) {
          ok = false;
          row.problems.push_back(truster.name + " holds the chain of " + where + " in its store, but " +
                                 owed_problem(site, providers, *truster_owes->second) + " (the integration " +
                                 integration + " uses what its services loaded)");
        }
        row.trusted_by.push_back({truster.name, ok});
      }
    }
    rows.push_back(std::move(row));
  }
  // Owed restarts of services no port row reported (the CCX Engine serves no TLS port, a port that did not answer).
  for (const auto& o : owed) {
    if (shown.count({o.node, o.service})) continue;
    const Node* node = site.find_node(o.node);
    VerifyRow row{.node = o.node, .fqdn = node ? node->fqdn : o.node,
                  .port = ServicePort{0, o.service, "service (restart owed)"}};
    row.problems.push_back(owed_problem(site, providers, o));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace trustctl::plans
