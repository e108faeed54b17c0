#include "providers/vos/vos_provider.hpp"

#include "providers/vos/product_extensions.hpp"

#include <algorithm>

namespace trustctl::providers {

const ProductExtensions& VosProvider::extensions() const {
  static const ProductExtensions none;
  return m_rules.extensions ? *m_rules.extensions : none;
}

bool VosProvider::is_replicated(std::string_view store) const {
  return std::find(m_rules.replicated_stores.begin(), m_rules.replicated_stores.end(), store) !=
         m_rules.replicated_stores.end();
}

std::vector<std::string> VosProvider::services_to_restart(std::string_view store) const {
  auto it = m_rules.restarts_by_store.find(std::string(store));
  std::vector<std::string> out = it == m_rules.restarts_by_store.end() ? std::vector<std::string>{} : it->second;
  if (store == "tomcat-ECDSA") {
    // The EC identity is served beside the RSA one by the same services: the same restarts.
    return services_to_restart("tomcat");
  }
  if (store == "tomcat") {
    // A new identity is presented only by services that reload it: every service owning a TLS port restarts, or
    // verify would find the old certificate there.
    auto add = [&](const std::string& service) {
      if (!service.empty() && std::find(out.begin(), out.end(), service) == out.end()) out.push_back(service);
    };
    add(m_rules.platform_service);
    for (const auto& port : m_rules.ports) add(port.service);
  }
  return out;
}

std::vector<std::string> VosProvider::identity_units() const {
  if (!m_rules.ecdsa) return {m_rules.rsa_unit};
  return {m_rules.rsa_unit, m_rules.ec_unit};
}

bool VosProvider::has_identity_unit(std::string_view unit, std::string_view version) const {
  if (unit == m_rules.rsa_unit) return true;
  if (unit != m_rules.ec_unit || !m_rules.ecdsa) return false;
  if (version.empty()) return true;  // a current version
  auto parsed = config::parse_version(version);
  return !parsed || parsed->at_least(m_rules.ecdsa_since);  // validate refuses what does not parse
}

std::optional<std::string> VosProvider::key_the_node_makes(const Cluster& cluster, const IdentityPolicy& policy) const {
  auto made = m_rules.default_keys.find(policy.unit);
  if (made == m_rules.default_keys.end() || made->second == policy.key) return std::nullopt;
  if (m_rules.certificate_rest_since && policy.issuer != "self") {
    auto version = config::parse_version(cluster.version);
    if (version && version->at_least(*m_rules.certificate_rest_since)) return std::nullopt;
  }
  return made->second;
}

std::vector<ServicePort> VosProvider::service_ports(const Node& node) const {
  std::vector<ServicePort> out = {{node.connection.https_port, m_rules.platform_service, "platform (Tomcat)"}};
  for (const auto& port : m_rules.ports) {
    if (port.port != node.connection.https_port) out.push_back(port);
  }
  return out;
}

}  // namespace trustctl::providers
