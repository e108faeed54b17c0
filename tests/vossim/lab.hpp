#pragma once
// A lab: the simulated VOS nodes of a site file, their state directory, replication between them and their SSH
// servers. Startup order: resolve credentials (a missing secret stops everything), load or create each node's
// state, seed cluster trust, write known_hosts, then listen on every node before reporting ready.

#include "engine/model/site.hpp"
#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/replicator.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/ssh_server.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

namespace vossim {

struct LabSettings {
  std::filesystem::path state_dir;  // empty: <site state_dir>/vos-sim
  std::chrono::milliseconds replication_delay{2000};
  CliSettings cli;
};

class Lab {
 public:
  // Builds the nodes and their state; does not listen yet.
  static trustctl::Result<std::unique_ptr<Lab>> create(const trustctl::Site& site, LabSettings settings,
                                                       StopSignal& stop);
  ~Lab();

  trustctl::Result<void> listen();  // every node, or the first failure (naming node, address and port)
  void start();
  void stop_and_join();             // requests stop, joins servers, lands pending replication

  std::size_t node_count() const { return m_nodes.size(); }
  SimNode* find_node(const std::string& name);
  const std::filesystem::path& state_dir() const { return m_state_dir; }
  Replicator& replicator() { return *m_replicator; }

  // Wires publisher imports to the subscribers of the same cluster. Public so tests can build a lab of SimNodes
  // without a site file.
  static void connect_cluster(const std::vector<SimNode*>& cluster_nodes, Replicator& replicator);
  // First start: every node's self-signed tomcat identity goes into every peer's tomcat-trust (DOMAIN.md section 2).
  static void seed_cluster_trust(const std::vector<SimNode*>& cluster_nodes);

 private:
  Lab() = default;

  StopSignal* m_stop = nullptr;
  std::filesystem::path m_state_dir;
  std::unique_ptr<Replicator> m_replicator;
  std::vector<std::unique_ptr<SimNode>> m_nodes;
  std::vector<std::unique_ptr<SshNodeServer>> m_servers;
};

}  // namespace vossim
