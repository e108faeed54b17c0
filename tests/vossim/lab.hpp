#pragma once
// A lab: the simulated VOS nodes of a site file, their state directory, replication between them, and their network
// faces (SSH, a TLS listener per service port with HTTPS behind it, external hosts, the control API), all listening
// sockets in one poll loop. Startup order: resolve credentials (a missing secret stops everything), load or create
// each node's state (in parallel: RSA key generation dominates a cold start), seed cluster trust, write known_hosts,
// then listen on every port before reporting ready.

#include "engine/model/site.hpp"
#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/control_api.hpp"
#include "tests/vossim/event_log.hpp"
#include "tests/vossim/fault_book.hpp"
#include "tests/vossim/net_loop.hpp"
#include "tests/vossim/replicator.hpp"
#include "tests/vossim/rest_api.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/ssh_server.hpp"
#include "tests/vossim/tls_endpoint.hpp"
#include "tests/vossim/workers.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace vossim {

// --external NODE=CHAIN.pem:KEY.pem[:CIPHERS]
struct ExternalHostSpec {
  std::string node;
  std::filesystem::path chain;
  std::filesystem::path key;
  std::string ciphers;
};
trustctl::Result<ExternalHostSpec> parse_external(const std::string& text);

struct LabSettings {
  std::filesystem::path state_dir;  // empty: <site state_dir>/vos-sim
  std::chrono::milliseconds replication_delay{2000};
  CliSettings cli;
  int port_offset = 0;             // added to every service port except the node's https_port (and not to SSH)
  std::optional<int> control_port;  // none: no control API; 0: any free port
  std::vector<ExternalHostSpec> externals;
};

class Lab {
 public:
  // Builds the nodes and their state; does not listen yet.
  static trustctl::Result<std::unique_ptr<Lab>> create(const trustctl::Site& site, LabSettings settings,
                                                       StopSignal& stop);
  ~Lab();

  trustctl::Result<void> listen();  // every port, or the first failure (naming node, address and port)
  void start();
  void stop_and_join();             // requests stop, joins servers, lands pending replication

  std::size_t node_count() const { return m_nodes.size(); }
  SimNode* find_node(const std::string& name);
  const std::filesystem::path& state_dir() const { return m_state_dir; }
  Replicator& replicator() { return *m_replicator; }
  std::optional<int> control_port() const;  // the bound port, once listening

  // Wires publisher imports to the subscribers of the same cluster. Public so tests can build a lab of SimNodes
  // without a site file.
  static void connect_cluster(const std::vector<SimNode*>& cluster_nodes, Replicator& replicator);
  // First start: every node's self-signed tomcat identity goes into every peer's tomcat-trust (DOMAIN.md section 2).
  static void seed_cluster_trust(const std::vector<SimNode*>& cluster_nodes);

 private:
  struct NodeNet {
    SimNode* node = nullptr;
    std::unique_ptr<SshNodeServer> ssh;
    std::unique_ptr<RestApi> rest;
    std::unique_ptr<TlsContextCache> contexts;
    std::vector<int> listener_ids;
  };
  Lab() = default;
  void add_node_listeners(NodeNet& net, const trustctl::Node& node);
  trustctl::Result<void> add_external(const ExternalHostSpec& spec, const trustctl::Site& site);

  StopSignal* m_stop = nullptr;
  LabSettings m_settings;
  std::filesystem::path m_state_dir;
  EventLog m_event_log;
  FaultBook m_faults;
  std::unique_ptr<Replicator> m_replicator;
  std::vector<std::unique_ptr<SimNode>> m_nodes;
  std::vector<std::unique_ptr<NodeNet>> m_nets;
  std::vector<std::shared_ptr<SSL_CTX>> m_external_contexts;
  std::unique_ptr<ControlApi> m_control;
  int m_control_listener = -1;
  // Declared last: destroyed first, so no connection or accept runs while the objects above go away.
  std::unique_ptr<Workers> m_workers;
  std::unique_ptr<NetLoop> m_loop;
};

}  // namespace vossim
