#include "providers/vos/port_handshakes.hpp"

#include "engine/exec/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

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

Result<std::vector<PresentedPort>> wait_ports_answer(const Node& node, const std::vector<ServicePort>& ports,
                                                     std::chrono::milliseconds timeout,
                                                     std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto presented = read_presented(node, ports);
    const bool all = std::all_of(presented.begin(), presented.end(), [](const PresentedPort& p) { return !p.chain.empty(); });
    if (all) return presented;
    if (std::chrono::steady_clock::now() + poll > deadline) {
      std::string silent;
      for (const auto& p : presented) {
        if (!p.chain.empty()) continue;
        silent += "\n  port " + std::to_string(p.port.port) + " (" + p.port.service + "): " + p.error;
      }
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
      return fail(Error(ErrorCode::unhealthy, "after the restart these ports did not answer a TLS handshake within " +
                                                std::to_string(seconds) + " s:" + silent +
                                                "\ncheck the services with `utils service list` on the node, then "
                                                "run apply again: the restart stays pending until a health check passes")
                      .on(node.name, "port health check"));
    }
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace trustctl::providers
