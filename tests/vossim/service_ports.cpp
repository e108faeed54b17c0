#include "tests/vossim/service_ports.hpp"

#include <algorithm>

namespace vossim {

using trustctl::Product;

namespace {

constexpr const char* kTomcat = "Cisco Tomcat";

struct PortRow {
  Product product;
  int port;  // 0: the node's https_port (the platform's Cisco Tomcat)
  const char* service;
  bool ecdsa_capable;
};

// The one table of ports. ecdsa_capable follows the ECDSA guide's table (docs/appliances.md section 10): of the UCCX
// ports only Socket.IO (Live Data) presents tomcat-ECDSA, of SocialMiner's only Openfire (7443, notifications);
// Tomcat and the UCCX Notification Service (Openfire) present the RSA tomcat identity. The guide's table names no
// other port: Finesse, CUIC and MediaSense ports, CUIC's Live Data and CUCM present RSA (vos-sim's choice, README).
constexpr PortRow kPorts[] = {
    {Product::uccx, 0, kTomcat, false},
    {Product::uccx, 8445, "Cisco Finesse Tomcat", false},
    {Product::uccx, 8444, "Cisco Unified Intelligence Center Reporting Service", false},
    {Product::uccx, 7443, "Cisco Unified CCX Notification Service", false},
    {Product::uccx, 12015, "Cisco Unified CCX Socket.IO Service", true},
    {Product::finesse, 0, kTomcat, false},
    {Product::finesse, 8445, "Cisco Finesse Tomcat", false},
    {Product::finesse, 7443, "Cisco Finesse Notification Service", false},
    {Product::cuic, 0, kTomcat, false},
    {Product::cuic, 8444, "Cisco Unified Intelligence Center Reporting Service", false},
    {Product::cuic, 12015, "Cisco Unified Intelligence Center Live Data", false},
    {Product::socialminer, 0, kTomcat, false},
    {Product::socialminer, 443, "SocialMiner Runtime", false},
    {Product::socialminer, 7443, "SocialMiner Runtime", true},
    {Product::mediasense, 0, kTomcat, false},
    {Product::mediasense, 8440, "MediaSense API service", false},
    {Product::cucm, 0, kTomcat, false},
    {Product::cucm, 443, kTomcat, false},
};

}  // namespace

std::vector<ServicePort> service_ports(Product product, int https_port, int port_offset) {
  std::vector<ServicePort> ports;
  for (const auto& row : kPorts) {
    if (row.product != product) continue;
    const int port = row.port == 0 ? https_port : row.port + port_offset;
    // A site whose https_port equals a well-known port keeps one listener (the platform's).
    const bool taken = std::any_of(ports.begin(), ports.end(), [&](const ServicePort& p) { return p.port == port; });
    if (!taken) ports.push_back(ServicePort{port, row.service, row.ecdsa_capable});
  }
  return ports;
}

bool ecdsa_presentable(const trustctl::Certificate& ecdsa_identity) {
  return ecdsa_identity.is_self_issued() || ecdsa_identity.signer_key_type() == "EC";
}

}  // namespace vossim
