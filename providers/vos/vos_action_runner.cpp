#include "providers/vos/vos_action_runner.hpp"

#include "engine/base/atomic_file.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/transport/http_client.hpp"
#include "providers/transport/tls_pins.hpp"
#include "providers/vos/port_handshakes.hpp"
#include "providers/vos/vos_cli.hpp"
#include "providers/vos/vos_provider.hpp"

#include <optional>
#include <thread>

namespace trustctl::providers {

const ProductExtensions& VosActionRunner::extensions(const Cluster& cluster) const {
  static const ProductExtensions none;
  const auto* provider = dynamic_cast<const VosProvider*>(m_providers.find(cluster.product));
  return provider ? provider->extensions() : none;
}

std::vector<ServicePort> VosActionRunner::node_ports(const Cluster& cluster, const Node& node) const {
  const Provider* provider = m_providers.find(cluster.product);
  return provider ? provider->service_ports(node) : std::vector<ServicePort>{};
}

// The service behind the node's https_port: the platform port HTTPS clients pin.
std::string VosActionRunner::platform_service(const Cluster& cluster, const Node& node) const {
  auto ports = node_ports(cluster, node);
  return ports.empty() ? std::string() : ports.front().service;
}

// An upload or wait planned "known after apply" carries the identity its node made earlier in this apply: read over
// that node's authenticated session now that it exists, then run as if the plan had named it.
Result<Action> VosActionRunner::with_made_identity(const Action& action) {
  const Node* source = m_site.find_node(action.identity_node);
  if (!source) return fail(Error(ErrorCode::internal, "the plan names an unknown node").on(action.node, action.describe()));
  std::optional<Certificate> made;
  auto read = m_pool.with_session(*source, [&](transport::CliSession& session) -> Result<void> {
    auto identity = vos::read_own_certificate(session, action.identity_unit);
    if (!identity) return fail(identity.error());
    if (!identity->empty()) made = identity->front();
    return {};
  });
  if (!read) return fail(Error(read.error()).on(action.node, action.describe()));
  if (!made) {
    return fail(Error(ErrorCode::protocol, action.identity_node + " shows no " + action.identity_unit +
                                               " identity to carry; check it with `show cert own " +
                                               action.identity_unit + "` and run apply again")
                    .on(action.node, action.describe()));
  }
  Action resolved = action;
  resolved.certificate = std::move(made);
  return resolved;
}

VosActionRunner::RestartUnderWay::RestartUnderWay(VosActionRunner& runner, std::string node, std::string service)
    : m_runner(runner), m_key(std::move(node), std::move(service)) {
  std::lock_guard lock(m_runner.m_restarting_mutex);
  m_runner.m_restarting.insert(m_key);
}

VosActionRunner::RestartUnderWay::~RestartUnderWay() {
  std::lock_guard lock(m_runner.m_restarting_mutex);
  m_runner.m_restarting.erase(m_runner.m_restarting.find(m_key));
}

Result<void> VosActionRunner::run(const Action& action) {
  const Node* node = m_site.find_node(action.node);
  if (!node) return fail(Error(ErrorCode::internal, "the plan names an unknown node").on(action.node, action.describe()));
  if (!action.certificate && !action.identity_node.empty()) {
    auto resolved = with_made_identity(action);
    if (!resolved) return fail(resolved.error());
    return run(*resolved);
  }
  if (action.kind == ActionKind::wait_replication) return wait_replication(*node, action);
  if (action.kind == ActionKind::wait_identity) {
    if (auto arrived = wait_identity(*node, action); !arrived) return arrived;
    return action.store == "tomcat" ? pin_new_identity(*node, action) : Result<void>{};
  }
  const Cluster* cluster = m_site.find_cluster(node->cluster);
  if (action.kind == ActionKind::restart_system) {
    if (!cluster) return fail(Error(ErrorCode::internal, "the node has no cluster").on(action.node, action.describe()));
    return label(restart_node(*cluster, *node), action);
  }
  if (cluster && extensions(*cluster).uses_api(*cluster) && extensions(*cluster).runs_over_api(action.kind)) {
    return label(run_rest(*node, action), action);
  }

  // Known as under way until this restart is healthy (or failed): see start_platform_if_stopped.
  std::optional<RestartUnderWay> under_way;
  if (action.kind == ActionKind::restart_service) under_way.emplace(*this, action.node, action.service);
  std::optional<Certificate> platform_identity;  // what the platform port must present after this restart
  auto result = with_session(*node, action, [&](transport::CliSession& session) -> Result<void> {
    switch (action.kind) {
      case ActionKind::upload_trust: return vos::import_trust(session, {*action.certificate});
      case ActionKind::delete_trust: return vos::delete_trust(session, action.file);
      case ActionKind::restart_service:
        // After this restart the platform port presents the identity the node stores, whoever put it there (an
        // administrator who regenerated it by hand and never restarted): read over this authenticated session, it is
        // pinned beside the old one first, so HTTPS (health checks, CUCM REST) keeps verifying after the restart.
        if (cluster && !node->connection.tls_pins.empty() && action.service == platform_service(*cluster, *node)) {
          auto stored = vos::read_own_certificate(session, "tomcat");
          if (!stored) return fail(stored.error());
          if (!stored->empty()) {
            platform_identity = stored->front();
            if (auto pinned = pin_fingerprint(*node, stored->front().fingerprint()); !pinned) return pinned;
          }
        }
        return vos::restart_service(session, action.service);
      case ActionKind::regenerate_identity: return vos::regenerate_identity(session, action.store);
      case ActionKind::renew_identity: return renew_identity(session, action);
      case ActionKind::install_identity: return install_identity(session, action);
      case ActionKind::export_csr: return export_csr(session, action);
      case ActionKind::wait_replication:
      case ActionKind::wait_identity:
      case ActionKind::restart_system: break;
    }
    return fail(ErrorCode::internal, "unhandled action kind");
  });
  if (!result && action.kind == ActionKind::restart_service) result = explain_failed_restart(*node, action, result);
  if (!result) return label(std::move(result), action);
  // The HTTPS pins follow the platform port, which presents the RSA tomcat identity.
  if (action.changes_identity()) return action.store == "tomcat" ? pin_new_identity(*node, action) : Result<void>{};
  if (action.kind == ActionKind::restart_service && cluster) {
    // Done only when healthy: the ports answer again, the CLI still lists the service STARTED, and Finesse says
    // IN_SERVICE; only then may the next node of a rolling restart go down.
    auto healthy = wait_service_ports(*cluster, *node, action.service, platform_identity);
    if (!healthy) return label(fail(healthy.error()), action);
    // The platform port now presents the stored identity: pins follow the rotation, the old one is dropped.
    if (*healthy) {
      if (auto settled = settle_pins(*node, platform_identity->fingerprint()); !settled) {
        return label(std::move(settled), action);
      }
    }
    auto listed = with_session(*node, action, [&](transport::CliSession& session) {
      return vos::check_service_started(session, action.service);
    });
    if (!listed) return label(std::move(listed), action);
    const ProductExtensions& product = extensions(*cluster);
    if (product.checks_health_after(action.service)) {
      // The health check is answered through the platform's Tomcat: a Cisco Tomcat left stopped by an earlier
      // failed restart is started first, or the check could never pass.
      if (auto started = start_platform_if_stopped(*cluster, *node); !started) return label(std::move(started), action);
      return label(wait_healthy(product, *node), action);
    }
  }
  return {};
}

// The restart is done when every port the service serves answers a handshake again, and the platform port presents
// the identity the node stores: a restart that loaded something else did not do what it was for. True when the
// platform port was seen presenting that identity (an RSA leaf to compare with it).
Result<bool> VosActionRunner::wait_service_ports(const Cluster& cluster, const Node& node, const std::string& service,
                                                 const std::optional<Certificate>& platform_identity) {
  auto ports = node_ports(cluster, node);
  std::erase_if(ports, [&](const ServicePort& p) { return !service.empty() && p.service != service; });
  if (ports.empty()) return false;
  auto presented = wait_ports_answer(node, ports, std::chrono::seconds(node.connection.timeout_s),
                                     m_settings.port_poll);
  if (!presented) return fail(presented.error());
  if (!platform_identity) return false;
  bool confirmed = false;
  for (const auto& port : *presented) {
    if (port.port.port != node.connection.https_port) continue;
    if (port.chain.front() == *platform_identity) {
      confirmed = true;
      continue;
    }
    // A node holding tomcat-ECDSA may present it to a handshake that offers ECDSA first, as this one does (Finesse's
    // suites): only an RSA leaf can be compared with the stored tomcat identity.
    if (port.chain.front().key_type() == "EC") continue;
    return fail(Error(ErrorCode::unhealthy, "after the restart port " + std::to_string(port.port.port) +
                                                " presents " + port.chain.front().fingerprint() +
                                                ", not the tomcat identity the node stores (" +
                                                platform_identity->fingerprint() +
                                                "); check `show cert own tomcat` on the node and run apply again")
                    .on(node.name, "port health check"));
  }
  return confirmed;
}

Result<void> VosActionRunner::with_session(const Node& node, const Action& action,
                                           const std::function<Result<void>(transport::CliSession&)>& fn) {
  return action.restarts() ? m_pool.with_idle_session(node, fn) : m_pool.with_session(node, fn);
}

// A failed restart says what state the service was left in and what happens next, so the person reading the
// summary knows whether agents are affected now and that nothing more is needed than the next apply.
Result<void> VosActionRunner::explain_failed_restart(const Node& node, const Action& action,
                                                     const Result<void>& failed) {
  std::string state = "in an unknown state";
  auto listed = with_session(node, action, [&](transport::CliSession& session) -> Result<void> {
    auto services = vos::list_services(session);
    if (!services) return fail(services.error());
    for (const auto& s : *services) {
      if (s.name == action.service) state = s.state;
    }
    return {};
  });
  Error e = failed.error();
  e.message += "; " + action.service + " was left " + (listed ? state : "in an unknown state (the node did not "
                                                                        "answer `utils service list`)") +
               " on " + node.name + ". The restart stays owed: the next apply runs it first, then the node's other "
               "restarts in the product's order";
  return fail(std::move(e));
}

Result<void> VosActionRunner::start_platform_if_stopped(const Cluster& cluster, const Node& node) {
  const std::string platform = platform_service(cluster, node);
  if (platform.empty()) return {};
  {
    // Restarting together: the platform's own restart beside this one brings it back; the health check waits for it.
    std::lock_guard lock(m_restarting_mutex);
    if (m_restarting.count({node.name, platform})) return {};
  }
  // Part of a restart: the node's other restarts may hold its usual session (restart_services together).
  return m_pool.with_idle_session(node, [&](transport::CliSession& session) -> Result<void> {
    auto services = vos::list_services(session);
    if (!services) return fail(services.error());
    for (const auto& s : *services) {
      if (s.name == platform && !s.started()) return vos::restart_service(session, platform);
    }
    return {};
  });
}

// The product's health check after a restart (Finesse: IN_SERVICE): until it passes agents are interrupted, and the
// next node of a rolling restart must not go down (an HA pair never loses both nodes).
Result<void> VosActionRunner::wait_healthy(const ProductExtensions& product, const Node& node) {
  auto secret = m_pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, m_site, *secret);
  if (!http) return fail(http.error());
  return product.wait_healthy(**http, std::chrono::seconds(node.connection.timeout_s), m_settings.health_poll);
}

Result<void> VosActionRunner::label(Result<void> result, const Action& action) {
  if (result) return result;
  Error e = result.error();
  e.node = action.node;
  e.operation = action.describe();
  if (!e.region && action.region) e.region = action.region;
  return fail(std::move(e));
}

// A product API (CUCM 14+'s certificate REST API) for uploads and identities; the CLI stays for what it lacks. A new
// tomcat identity is pinned beside the old one, so HTTPS keeps verifying across the restart that follows.
Result<void> VosActionRunner::run_rest(const Node& node, const Action& action) {
  const Cluster* cluster = m_site.find_cluster(node.cluster);
  if (!cluster) return fail(ErrorCode::internal, "the plan names a node outside every cluster");
  auto secret = m_pool.secret_for(node);
  if (!secret) return fail(secret.error());
  auto http = transport::open_https(node, m_site, *secret);
  if (!http) return fail(http.error());
  // The CA key is loaded before the node is asked for a CSR: a key trustctl cannot use leaves the node untouched.
  std::optional<pki::KeyPair> key;
  if (action.kind == ActionKind::renew_identity) {
    auto loaded = signing_key(action);
    if (!loaded) return fail(loaded.error());
    key = std::move(*loaded);
  }
  auto sign = [&](const std::string& csr) -> Result<std::vector<Certificate>> {
    if (!key) return fail(ErrorCode::internal, "a CSR to sign outside an identity renewal");
    const Certificate& ca = m_site.find_ca(action.issuer_ca)->certificates.front();
    auto leaf = pki::sign_csr(csr, ca, *key);
    if (!leaf) return fail(leaf.error());
    return std::vector<Certificate>{*leaf, ca};
  };
  auto changed = extensions(*cluster).run_over_api(**http, node, action, policy_key(node, action.store), sign);
  if (!changed) return fail(changed.error());
  return !changed->empty() && action.store == "tomcat" ? pin_fingerprint(node, *changed) : Result<void>{};
}

// After an identity change the platform port will present a new certificate at its next restart: the pins file
// gets the new fingerprint beside the old one, so HTTPS keeps verifying before and after the restart.
Result<void> VosActionRunner::pin_new_identity(const Node& node, const Action& action) {
  std::string fingerprint;
  auto read = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
    auto now = vos::read_own_certificate(session, action.store);
    if (!now) return fail(now.error());
    if (!now->empty()) fingerprint = now->front().fingerprint();
    return {};
  });
  if (!read) return label(std::move(read), action);
  return fingerprint.empty() ? Result<void>{} : pin_fingerprint(node, fingerprint);
}

Result<void> VosActionRunner::pin_fingerprint(const Node& node, const std::string& fingerprint) {
  if (node.connection.tls_pins.empty()) return {};
  return transport::update_pins(node.connection.tls_pins,
                                {transport::pin_key(node.fqdn, node.connection.https_port),
                                 transport::pin_key(node.address, node.connection.https_port)},
                                fingerprint, /*keep_existing=*/true);
}

Result<void> VosActionRunner::settle_pins(const Node& node, const std::string& fingerprint) {
  if (node.connection.tls_pins.empty()) return {};
  return transport::settle_pins(node.connection.tls_pins,
                                {transport::pin_key(node.fqdn, node.connection.https_port),
                                 transport::pin_key(node.address, node.connection.https_port)},
                                fingerprint);
}

// The key of the CA that signs the action's identity; only a CA with local_key gets here (the planner sends outside
// CAs through install_identity).
Result<pki::KeyPair> VosActionRunner::signing_key(const Action& action) const {
  const CaEntry* ca = m_site.find_ca(action.issuer_ca);
  if (!ca || !ca->local_key || ca->certificates.empty()) {
    return fail(ErrorCode::invalid_site, "CA '" + action.issuer_ca + "' has no local_key: trustctl cannot sign for it");
  }
  return pki::KeyPair::load_file(ca->local_key->string());
}

// The key the site's policy wants for the unit ("rsa-2048" when the cluster names none).
std::string VosActionRunner::policy_key(const Node& node, const std::string& unit) const {
  if (const Cluster* cluster = m_site.find_cluster(node.cluster)) {
    for (const auto& policy : cluster->identities) {
      if (policy.unit == unit) return policy.key;
    }
  }
  return unit == "tomcat-ECDSA" ? "ec-256" : "rsa-2048";
}

// CSR on the node (its key never leaves it), signed here with the CA key the site names, imported, then read back:
// the node must now hold exactly the certificate we signed. A multi-server CSR is made on the publisher and names
// every node of the cluster; the appliance distributes the signed certificate to them.
Result<void> VosActionRunner::renew_identity(transport::CliSession& session, const Action& action) {
  auto key = signing_key(action);
  if (!key) return fail(key.error());
  const CaEntry* ca = m_site.find_ca(action.issuer_ca);
  if (auto ok = vos::generate_csr(session, action.store, action.multi_server); !ok) return ok;
  auto csr = vos::read_csr(session, action.store);
  if (!csr) return fail(csr.error());
  auto signed_leaf = pki::sign_csr(*csr, ca->certificates.front(), *key);
  if (!signed_leaf) return fail(signed_leaf.error());
  if (auto ok = vos::import_own(session, {*signed_leaf}, action.store); !ok) return ok;
  return confirm_identity(session, action.store, *signed_leaf);
}

// A CSR for an outside CA: made on the node (its key never leaves it; a pending CSR is replaced), read back, and
// written where the csr command said, under a temporary name renamed into place (a request is no secret: 0644).
Result<void> VosActionRunner::export_csr(transport::CliSession& session, const Action& action) {
  if (auto ok = vos::generate_csr(session, action.store, action.multi_server); !ok) return ok;
  auto pem = vos::read_csr(session, action.store);
  if (!pem) return fail(pem.error());
  return AtomicFile::replace(action.file, *pem, 0644);
}

// An outside CA's certificate, picked up by the planner from the CA's signed_dir: it answers the CSR pending on the
// node (the plan checked the public key; the appliance checks it again).
Result<void> VosActionRunner::install_identity(transport::CliSession& session, const Action& action) {
  if (!action.certificate) return fail(ErrorCode::internal, "install identity without a certificate");
  if (auto ok = vos::import_own(session, {*action.certificate}, action.store); !ok) return ok;
  return confirm_identity(session, action.store, *action.certificate);
}

Result<void> VosActionRunner::confirm_identity(transport::CliSession& session, const std::string& unit,
                                               const Certificate& wanted) {
  auto now = vos::read_own_certificate(session, unit);
  if (!now) return fail(now.error());
  if (now->empty() || !(now->front() == wanted)) {
    return fail(ErrorCode::protocol, "the node reported success but does not hold the " + unit +
                                         " certificate trustctl imported");
  }
  return {};
}

// A multi-server identity reaches the other nodes by distribution, which is never assumed: the node is read until it
// holds the certificate the publisher now has, within the node's operation timeout.
Result<void> VosActionRunner::wait_identity(const Node& node, const Action& action) {
  std::string wanted = action.certificate ? action.certificate->fingerprint() : std::string();
  if (wanted.empty()) {
    const Node* source = m_site.find_node(action.source_node);
    if (!source) return fail(Error(ErrorCode::internal, "unknown source node").on(node.name, action.describe()));
    auto read = m_pool.with_session(*source, [&](transport::CliSession& session) -> Result<void> {
      auto identity = vos::read_own_certificate(session, action.store);
      if (!identity) return fail(identity.error());
      if (!identity->empty()) wanted = identity->front().fingerprint();
      return {};
    });
    if (!read) return label(std::move(read), action);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(node.connection.timeout_s);
  while (true) {
    std::string holds;
    auto read = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
      auto identity = vos::read_own_certificate(session, action.store);
      if (!identity) return fail(identity.error());
      if (!identity->empty()) holds = identity->front().fingerprint();
      return {};
    });
    if (!read) return label(std::move(read), action);
    if (!wanted.empty() && holds == wanted) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error(ErrorCode::timeout, "the multi-server " + action.store + " identity made on " +
                                                action.source_node + " did not reach this node within " +
                                                std::to_string(node.connection.timeout_s) +
                                                " s; check database replication (utils dbreplication runtimestate) "
                                                "and run apply again")
                      .on(node.name, action.describe()));
    }
    std::this_thread::sleep_for(m_settings.replication_poll);
  }
}

// Replication is never assumed: the subscriber is read until the certificate is there (by fingerprint), within the
// node's operation timeout.
Result<void> VosActionRunner::wait_replication(const Node& node, const Action& action) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(node.connection.timeout_s);
  const std::string& wanted = action.certificate->fingerprint();
  const std::string expected_file = action.certificate->trust_file_name();
  while (true) {
    bool present = false;
    auto read = m_pool.with_session(node, [&](transport::CliSession& session) -> Result<void> {
      auto list = vos::list_trust(session);
      if (!list) return fail(list.error());
      for (const auto& entry : *list) {
        if (entry.unit != action.store) continue;
        // 12.x/14.x name a trust file <CN>_<serial>.pem, so only that file can hold it; its content is still
        // compared by fingerprint.
        if (entry.file != expected_file) continue;
        auto certs = vos::read_trust_certificate(session, entry.path());
        if (!certs) return fail(certs.error());
        for (const auto& c : *certs) present = present || c.fingerprint() == wanted;
      }
      return {};
    });
    if (!read) {
      Error e = read.error();
      e.node = node.name;
      e.operation = action.describe();
      return fail(std::move(e));
    }
    if (present) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error(ErrorCode::timeout, "the certificate did not replicate from " + action.source_node +
                                                " within " + std::to_string(node.connection.timeout_s) +
                                                " s; check database replication (utils dbreplication runtimestate) "
                                                "and run apply again")
                      .on(node.name, action.describe()));
    }
    std::this_thread::sleep_for(m_settings.replication_poll);
  }
}

}  // namespace trustctl::providers
