#include "tests/vossim/service_ports.hpp"

#include <algorithm>

namespace vossim {

using trustctl::Product;

std::vector<ServicePort> service_ports(Product product, int https_port, int port_offset) {
  constexpr const char* kTomcat = "Cisco Tomcat";
  std::vector<ServicePort> fixed;  // the well-known ports other than the platform's 8443
  switch (product) {
    case Product::uccx:
      fixed = {{8445, "Cisco Finesse Tomcat"},
               {8444, "Cisco Unified Intelligence Center Reporting Service"},
               {7443, "Cisco Unified CCX Notification Service"},
               {12015, "Cisco Unified CCX Socket.IO Service"}};
      break;
    case Product::finesse:
      fixed = {{8445, "Cisco Finesse Tomcat"}, {7443, "Cisco Finesse Notification Service"}};
      break;
    case Product::cuic:
      fixed = {{8444, "Cisco Unified Intelligence Center Reporting Service"},
               {12015, "Cisco Unified Intelligence Center Live Data"}};
      break;
    case Product::socialminer: fixed = {{443, "SocialMiner Runtime"}, {7443, "SocialMiner Runtime"}}; break;
    case Product::mediasense: fixed = {{8440, "MediaSense API service"}}; break;
    case Product::cucm: fixed = {{443, kTomcat}}; break;
    case Product::external: return {};
  }
  std::vector<ServicePort> ports = {{https_port, kTomcat}};
  for (auto& entry : fixed) {
    entry.port += port_offset;
    // A site whose https_port equals a well-known port keeps one listener (the platform's).
    const bool taken = std::any_of(ports.begin(), ports.end(), [&](const ServicePort& p) { return p.port == entry.port; });
    if (!taken) ports.push_back(entry);
  }
  return ports;
}

}  // namespace vossim
