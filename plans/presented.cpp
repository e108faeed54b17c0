#include "plans/presented.hpp"

#include <algorithm>

namespace trustctl::plans {
namespace {

struct StalePort {
  const PresentedPort* port;
  std::string unit;
  const Certificate* stored;
};

}  // namespace

bool ecdsa_presentable(const Certificate& ecdsa_identity) {
  return ecdsa_identity.is_self_issued() || ecdsa_identity.signer_key_type() == "EC";
}

const std::string& unit_presented_on(const ServicePort& port, const NodeState* state, const CertificateUnits& units) {
  if (!port.may_present_ecdsa || !state) return units.identity;
  auto ec = state->identities.find(units.ec_identity);
  if (ec == state->identities.end() || ec->second.empty() || !ecdsa_presentable(ec->second.front())) {
    return units.identity;
  }
  return units.ec_identity;
}

PresentedFindings stale_presented(const Site& site, const LiveState& live, const CertificateUnits& units) {
  PresentedFindings out;
  for (const auto& cluster : site.clusters) {
    if (!is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      auto state = live.nodes.find(node.name);
      if (state == live.nodes.end()) continue;
      const auto& identities = state->second.identities;

      // Per service, its ports that present something else: one restart reloads them all.
      std::vector<std::pair<std::string, std::vector<StalePort>>> stale;
      for (const auto& presented : state->second.presented) {
        if (presented.chain.empty()) {
          out.notes.push_back(node.name + ":" + std::to_string(presented.port.port) + " (" +
                              presented.port.service + ") did not answer a TLS handshake (" + presented.error +
                              "): the service may be down or restarting, so what it presents is unknown; check it "
                              "with `utils service list` on " + node.name + ", or run `trustctl verify` later");
          continue;
        }
        const Certificate& leaf = presented.chain.front();
        // A Tomcat that holds an EC identity beside the RSA one presents either, by what the client offers
        // (docs/appliances.md section 2; an agent's browser gets the EC one): an EC leaf is compared with the EC unit.
        const std::string& unit = units.unit_for_key(leaf.key_type());
        auto stored = identities.find(unit);
        // Nothing read to compare with (tomcat-ECDSA is read only when a policy or show needs it).
        if (stored == identities.end() || stored->second.empty()) continue;
        if (leaf == stored->second.front() || presented.port.service.empty()) continue;
        auto it = std::find_if(stale.begin(), stale.end(),
                               [&](const auto& s) { return s.first == presented.port.service; });
        if (it == stale.end()) it = stale.insert(stale.end(), {presented.port.service, {}});
        it->second.push_back({&presented, unit, &stored->second.front()});
      }

      for (const auto& [service, ports] : stale) {
        std::string reason, units;
        for (const auto& p : ports) {
          reason += (reason.empty() ? "port " : ", port ") + std::to_string(p.port->port.port) + " presents " +
                    p.port->chain.front().short_fingerprint();
        }
        for (std::size_t k = 0; k < ports.size(); ++k) {
          // An init-capture, not [&]: clang 14 (the fuzz build) cannot capture a structured binding.
          bool seen = std::any_of(ports.begin(), ports.begin() + static_cast<long>(k),
                                  [&unit = ports[k].unit](const StalePort& q) { return q.unit == unit; });
          if (seen) continue;
          units += std::string(units.empty() ? ", the node's " : " and its ") + ports[k].unit + " identity is " +
                   ports[k].stored->short_fingerprint();
        }
        out.restarts.push_back({node.name, service,
                                reason + units + ": " + service + " was not restarted since the identity changed",
                                node.region});
      }
    }
  }
  return out;
}

}  // namespace trustctl::plans
