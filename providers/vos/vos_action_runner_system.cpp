// restart = "system": the whole node restarts (`utils system restart`) instead of its services, and is done only when
// it is healthy again, so the next node of a rolling wave may go down (docs/appliances.md section 5).

#include "providers/vos/vos_action_runner.hpp"

#include "providers/vos/vos_cli.hpp"

#include <set>

namespace trustctl::providers {
namespace {

// Once `utils system restart` was accepted the node went down: a second one must never follow by a retry, so a node
// slow to come back is reported (unhealthy, not retried) with what to check; the restart stays owed.
Error not_retried(Error error, const Node& node) {
  if (is_transient(error.code)) {
    error.code = ErrorCode::unhealthy;
    error.message += "; the node went down for `utils system restart` and is not healthy again within " +
                     std::to_string(node.connection.timeout_s) +
                     " s: check it on its console. The system restart stays owed: the next apply runs it again";
  }
  return error;
}

}  // namespace

Result<void> VosActionRunner::restart_node(const Cluster& cluster, const Node& node) {
  std::optional<Certificate> platform_identity;  // what the platform port must present once the node is back
  std::set<std::string> started_before;          // services that must be STARTED again
  bool sent = false;                             // `utils system restart` was typed
  auto restarted = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
    auto services = vos::list_services(session);
    if (!services) return fail(services.error());
    for (const auto& s : *services) {
      if (s.started()) started_before.insert(s.name);
    }
    // Pinned beside the old one first, as before a platform service restart: HTTPS keeps verifying afterwards.
    if (!node.connection.tls_pins.empty()) {
      auto stored = vos::read_own_certificate(session, "tomcat");
      if (!stored) return fail(stored.error());
      if (!stored->empty()) {
        platform_identity = stored->front();
        if (auto pinned = pin_fingerprint(node, stored->front().fingerprint()); !pinned) return pinned;
      }
    }
    sent = true;
    return vos::restart_system(session, std::chrono::seconds(node.connection.timeout_s));
  });
  if (!restarted) {
    // Before the command, or refused by the node (the prompt came back): nothing went down, a retry is safe. Anything
    // later must not be retried.
    if (!sent || restarted.error().code == ErrorCode::appliance_refused) return restarted;
    return fail(not_retried(restarted.error(), node));
  }
  // Healthy again: every port answers a handshake (the platform port presenting the identity the node stores), every
  // service that ran before runs again, and Finesse reports IN_SERVICE.
  auto ports = wait_service_ports(cluster, node, "", platform_identity);
  if (!ports) return fail(not_retried(ports.error(), node));
  if (*ports) {
    if (auto settled = settle_pins(node, platform_identity->fingerprint()); !settled) return settled;
  }
  auto listed = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
    auto services = vos::list_services(session);
    if (!services) return fail(services.error());
    for (const auto& s : *services) {
      if (started_before.count(s.name) && !s.started()) {
        return fail(Error(ErrorCode::unhealthy, "after `utils system restart` `utils service list` shows " + s.name +
                                                    " " + s.state + " (it was STARTED before); start it on the node "
                                                    "(or find why it stopped), then run apply again")
                        .on(node.name, "health check (utils service list)"));
      }
    }
    return {};
  });
  if (!listed) return fail(not_retried(listed.error(), node));
  // The product's own health check (Finesse: IN_SERVICE), when any of its services waits for one after a restart.
  const ProductExtensions& product = extensions(cluster);
  const Provider* provider = m_providers.find(cluster.product);
  bool checked = false;
  for (const auto& service : provider ? provider->services() : std::vector<std::string>{}) {
    if (checked || !product.checks_health_after(service)) continue;
    checked = true;
    if (auto healthy = wait_healthy(product, node); !healthy) return fail(not_retried(healthy.error(), node));
  }
  return {};
}

}  // namespace trustctl::providers
