#include "providers/vos/port_handshakes.hpp"

#include "engine/exec/parallel.hpp"

#include <algorithm>
#include <chrono>

namespace trustctl::providers {

transport::ProbeTarget port_target(const Node& node, int port) {
  return transport::ProbeTarget{.host = node.address,
                                .port = port,
                                .servername = node.fqdn,
                                .timeout = std::chrono::seconds(std::min(node.connection.timeout_s, 30))};
}

std::vector<PresentedPort> read_presented(const Node& node, const std::vector<ServicePort>& ports) {
  std::vector<PresentedPort> out(ports.size());
  parallel_for_each(ports.size(), static_cast<int>(ports.size()), [&](std::size_t i) {
    out[i].port = ports[i];
    auto probe = transport::probe_tls(port_target(node, ports[i].port));
    if (probe && probe->chain.empty()) {
      out[i].error = "the handshake completed without a certificate";
    } else if (probe) {
      out[i].chain = std::move(probe->chain);
    } else {
      out[i].error = probe.error().message;
    }
  });
  return out;
}

}  // namespace trustctl::providers
