#pragma once
// TLS handshakes on a node's service ports: what each service presents right now. Refresh records them for every VOS
// node (the planner owes a restart where a port still presents an older identity than the node stores) and verify
// checks them; both handshake the same way, through this file.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "providers/transport/tls_probe.hpp"

#include <chrono>
#include <vector>

namespace trustctl::providers {

// The node's address, the port, its FQDN as SNI, and the node's timeout capped at 30 s: a port that swallows the
// handshake must not hold a refresh for the node's whole command timeout.
transport::ProbeTarget port_target(const Node& node, int port);

// Every port at once (a port that times out costs its timeout once, not once per port), in the order given. A port
// that does not complete a handshake is recorded with its error: a service that is down or restarting is something
// to report, not a reason to fail the node.
std::vector<PresentedPort> read_presented(const Node& node, const std::vector<ServicePort>& ports);

// The port health check after a restart. `utils service restart` reports STARTED before Tomcat listens again; the next
// step (the next node of a rolling restart, a REST call, verify) must not find the port closed. Handshakes every port
// until all of them present a certificate, polling every `poll`, for at most `timeout`. The error names the node, each
// port still silent with what serves it, and its last handshake error.
Result<std::vector<PresentedPort>> wait_ports_answer(const Node& node, const std::vector<ServicePort>& ports,
                                                     std::chrono::milliseconds timeout,
                                                     std::chrono::milliseconds poll);

}  // namespace trustctl::providers
