#pragma once
// Which service owns which TLS port on each product (docs/appliances.md section 1). The platform port (Cisco Tomcat,
// where the REST API lives) is the node's connection.https_port as the site file says, because that is where trustctl
// connects; every other port is the product's well-known port plus --port-offset.

#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace vossim {

struct ServicePort {
  int port = 0;
  std::string service;  // whose loaded identity the port presents, and whose restart closes it
};

std::vector<ServicePort> service_ports(trustctl::Product product, int https_port, int port_offset);

}  // namespace vossim
