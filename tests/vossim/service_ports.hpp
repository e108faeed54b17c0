#pragma once
// Which service owns which TLS port on each product (docs/appliances.md section 1), and which identity each port
// presents (section 10, the ECDSA guide's table). The platform port (Cisco Tomcat, where the REST API lives) is the
// node's connection.https_port as the site file says, because that is where trustctl connects; every other port is
// the product's well-known port plus --port-offset.

#include "engine/model/certificate.hpp"
#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace vossim {

struct ServicePort {
  int port = 0;
  std::string service;  // whose loaded identity the port presents, and whose restart closes it
  // The port can present tomcat-ECDSA (README: "Which port presents which identity"): it does so to a client that
  // offers ECDSA, when the node has the unit and ecdsa_presentable() says the identity may be presented.
  bool ecdsa_capable = false;
};

std::vector<ServicePort> service_ports(trustctl::Product product, int https_port, int port_offset);

// Section 10: a tomcat-ECDSA identity is presented only when it is self-signed or signed by an EC CA; one an RSA CA
// signed is never presented (the port presents the RSA tomcat identity instead).
bool ecdsa_presentable(const trustctl::Certificate& ecdsa_identity);

}  // namespace vossim
