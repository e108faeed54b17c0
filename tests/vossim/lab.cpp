#include "tests/vossim/lab.hpp"

#include "engine/config/secrets.hpp"
#include "tests/vossim/known_hosts_writer.hpp"

#include <map>

namespace vossim {

namespace fs = std::filesystem;
using trustctl::ErrorCode;

trustctl::Result<std::unique_ptr<Lab>> Lab::create(const trustctl::Site& site, LabSettings settings,
                                                   StopSignal& stop) {
  std::unique_ptr<Lab> lab(new Lab());
  lab->m_stop = &stop;
  lab->m_state_dir = settings.state_dir.empty() ? site.state_dir / "vos-sim" : settings.state_dir;
  lab->m_replicator = std::make_unique<Replicator>(settings.replication_delay);

  // Resolve each credential set once, before touching anything: a missing secret is a startup error.
  std::map<std::string, trustctl::config::Secret> secrets;
  for (const auto& cluster : site.clusters) {
    if (!trustctl::is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      const std::string& name = node.connection.credentials;
      if (secrets.count(name) > 0) continue;
      const trustctl::Credentials* credentials = site.find_credentials(name);
      if (credentials == nullptr) {
        return trustctl::fail(ErrorCode::secret, "node " + node.name + ": credential set '" + name + "' is not defined");
      }
      auto secret = trustctl::config::resolve_credentials(*credentials);
      if (!secret) {
        return trustctl::fail(ErrorCode::secret,
                              "credential set '" + name + "' (node " + node.name + "): " + secret.error().message);
      }
      secrets.emplace(name, *secret);
    }
  }

  std::map<fs::path, std::vector<KnownHostsEntry>> known_hosts;
  for (const auto& cluster : site.clusters) {
    if (!trustctl::is_vos(cluster.product)) continue;
    std::vector<SimNode*> members;
    for (const auto& node : cluster.nodes) {
      NodeSpec spec{node.name, node.fqdn, cluster.name, cluster.product, node.role};
      auto sim = std::make_unique<SimNode>(spec, lab->m_state_dir / node.name);
      if (auto loaded = sim->load_or_initialize(); !loaded) {
        return trustctl::fail(loaded.error().code, "node " + node.name + ": " + loaded.error().message);
      }
      auto host_key = ensure_host_key(lab->m_state_dir / node.name / "ssh_host_ed25519_key");
      if (!host_key) return trustctl::fail(host_key.error().code, "node " + node.name + ": " + host_key.error().message);

      const auto& secret = secrets.at(node.connection.credentials);
      SshEndpoint endpoint{node.address, node.connection.ssh_port, secret.username, secret.password, *host_key};
      lab->m_servers.push_back(std::make_unique<SshNodeServer>(*sim, endpoint, settings.cli, stop));
      known_hosts[node.connection.known_hosts].push_back(
          KnownHostsEntry{node.fqdn, node.address, node.connection.ssh_port, host_key->type, host_key->base64});
      members.push_back(sim.get());
      lab->m_nodes.push_back(std::move(sim));
    }
    seed_cluster_trust(members);
    connect_cluster(members, *lab->m_replicator);
  }

  for (const auto& [path, entries] : known_hosts) {
    if (path.empty()) continue;
    if (auto written = update_known_hosts(path, entries); !written) return trustctl::fail(written.error());
  }
  return lab;
}

Lab::~Lab() { stop_and_join(); }

void Lab::seed_cluster_trust(const std::vector<SimNode*>& cluster_nodes) {
  // Only where a node is new: a restarted lab keeps whatever trustctl did to its stores.
  for (SimNode* node : cluster_nodes) {
    for (SimNode* peer : cluster_nodes) {
      if (node == peer || !(node->fresh() || peer->fresh())) continue;
      node->seed_trust(peer->own_tomcat());
    }
  }
}

void Lab::connect_cluster(const std::vector<SimNode*>& cluster_nodes, Replicator& replicator) {
  std::vector<SimNode*> subscribers;
  for (SimNode* node : cluster_nodes) {
    if (node->spec().role == trustctl::Role::subscriber) subscribers.push_back(node);
  }
  for (SimNode* node : cluster_nodes) {
    if (node->spec().role != trustctl::Role::publisher) continue;
    node->set_replication_hook([subscribers, &replicator](const SimNode&, const std::vector<Certificate>& accepted) {
      for (SimNode* subscriber : subscribers) {
        for (const auto& certificate : accepted) replicator.schedule(*subscriber, certificate);
      }
    });
  }
  // Subscribers get no hook: on the appliance a trust upload belongs on the publisher (DOMAIN.md section 3). An
  // import typed on a subscriber stays on that subscriber only; this keeps the simulation simple and still makes
  // "uploaded to the wrong node" visible to trustctl, which must read every node to confirm.
}

trustctl::Result<void> Lab::listen() {
  for (auto& server : m_servers) {
    if (auto listening = server->listen(); !listening) return listening;
  }
  return {};
}

void Lab::start() {
  m_replicator->start();
  for (auto& server : m_servers) server->start();
}

void Lab::stop_and_join() {
  if (m_stop != nullptr) m_stop->request();
  for (auto& server : m_servers) server->join();
  if (m_replicator) m_replicator->stop_and_flush();
}

SimNode* Lab::find_node(const std::string& name) {
  for (auto& node : m_nodes) {
    if (node->spec().name == name) return node.get();
  }
  return nullptr;
}

}  // namespace vossim
