#include "providers/vos/vos_provider.hpp"

#include <algorithm>

namespace trustctl::providers {

bool VosProvider::is_replicated(std::string_view store) const {
  return std::find(m_rules.replicated_stores.begin(), m_rules.replicated_stores.end(), store) !=
         m_rules.replicated_stores.end();
}

std::vector<std::string> VosProvider::services_to_restart(std::string_view store) const {
  auto it = m_rules.restarts_by_store.find(std::string(store));
  std::vector<std::string> out = it == m_rules.restarts_by_store.end() ? std::vector<std::string>{} : it->second;
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

std::vector<ServicePort> VosProvider::service_ports(const Node& node) const {
  std::vector<ServicePort> out = {{node.connection.https_port, m_rules.platform_service, "platform (Tomcat)"}};
  for (const auto& port : m_rules.ports) {
    if (port.port != node.connection.https_port) out.push_back(port);
  }
  return out;
}

}  // namespace trustctl::providers
