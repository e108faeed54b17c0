#include "providers/vos/vos_provider.hpp"

#include <algorithm>
#include <cstdio>

namespace trustctl::providers {

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

bool VosProvider::has_identity_unit(std::string_view unit, std::string_view version) const {
  if (unit == "tomcat") return true;
  if (unit != "tomcat-ECDSA" || !m_rules.ecdsa) return false;
  int major = -1, minor = 0;
  if (!version.empty() && std::sscanf(std::string(version).c_str(), "%d.%d", &major, &minor) < 1) major = -1;
  if (major < 0) return m_rules.product != Product::uccx;  // a current version; UCCX dropped the unit in 11.6
  if (major < 11 || (major == 11 && minor < 5)) return false;
  if (m_rules.product == Product::uccx) return major == 11 && minor == 5;
  return true;
}

std::vector<ServicePort> VosProvider::service_ports(const Node& node) const {
  std::vector<ServicePort> out = {{node.connection.https_port, m_rules.platform_service, "platform (Tomcat)"}};
  for (const auto& port : m_rules.ports) {
    if (port.port != node.connection.https_port) out.push_back(port);
  }
  return out;
}

}  // namespace trustctl::providers
