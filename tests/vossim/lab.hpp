#pragma once
// A lab: the simulated VOS nodes of a site file, their state directory, replication between them, and their network
// faces (SSH, a TLS listener per service port with HTTPS behind it, external hosts, the control API), all listening
// sockets in one poll loop. Startup order: resolve credentials (a missing secret stops everything), load each node's
// state and SSH host key (in parallel), write known_hosts and the TLS pins of nodes that exist, then listen on every
// port. Missing identities (a cold start: one RSA key per node) are made in the background by an IdentityFactory,
// one job per cluster (make, seed the cluster's trust, pin); the first use of a node waits for its job.

#include "engine/model/site.hpp"
#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/control_api.hpp"
#include "tests/vossim/event_log.hpp"
#include "tests/vossim/fault_book.hpp"
#include "tests/vossim/identity_factory.hpp"
#include "tests/vossim/net_loop.hpp"
#include "tests/vossim/replicator.hpp"
#include "tests/vossim/rest_api.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/ssh_server.hpp"
#include "tests/vossim/tls_endpoint.hpp"
#include "tests/vossim/workers.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
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
  unsigned identity_threads = 2;  // background identity workers (at most the machine's cores)
  // main() waits this long after listening for identities still being made before it prints the ready line.
  std::chrono::milliseconds identity_wait{5000};
  // Cisco's COP that stops UCCX and SocialMiner presenting tomcat-ECDSA at all (docs/appliances.md section 10) is
  // installed on every node: every port presents the RSA tomcat identity.
  bool ecdsa_cop = false;
  int preload_trust = 0;               // public-root-like CA certificates in each fresh node's tomcat-trust
  std::filesystem::path from_inventory;  // a twin: seed nodes from `trustctl show --format json` output
};

class Lab {
 public:
  // Builds the nodes and their state; does not listen yet.
  static trustctl::Result<std::unique_ptr<Lab>> create(const trustctl::Site& site, LabSettings settings,
                                                       StopSignal& stop);
  ~Lab();

  trustctl::Result<void> listen();  // every port, or the first failure (naming node, address and port)
  void start();                     // serving, and identity creation in the background
  void stop_and_join();             // requests stop, joins servers, lands pending replication
  // Waits up to limit for every identity to exist; true when they all do.
  bool wait_identities(std::chrono::milliseconds limit);
  std::size_t identity_jobs_pending() const;

  std::size_t node_count() const { return m_nodes.size(); }
  SimNode* find_node(const std::string& name);
  const std::filesystem::path& state_dir() const { return m_state_dir; }
  Replicator& replicator() { return *m_replicator; }
  void mark_ready_reported() { m_ready_reported = true; }
  std::optional<int> control_port() const;  // the bound port, once listening

  // Wires trust imports on any node to every other node of the same cluster (a publisher's to its subscribers, a
  // subscriber's to its publisher and the other subscribers: docs/appliances.md section 3), and multi-server
  // identities to the nodes they name. Public so tests can build a lab of SimNodes without a site file.
  static void connect_cluster(const std::vector<SimNode*>& cluster_nodes, Replicator& replicator);
  // First start: every node's self-signed tomcat identity goes into every peer's tomcat-trust
  // (docs/appliances.md section 2). A node created in this run gets every peer's self-signed identities; every node
  // gets what a peer created.
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
  // Before the nodes load their state: a twin's seeding (--from-inventory) and the preloaded roots (--preload-trust).
  trustctl::Result<void> prepare_node_state(const trustctl::Site& site);
  // Each node's state and SSH host key, in parallel (what exists on disk; ed25519 keys take microseconds).
  trustctl::Result<std::vector<HostKey>> load_nodes(const std::vector<const trustctl::Node*>& site_nodes);
  // The control API and the integration oracle behind it.
  trustctl::Result<void> add_control_api(const trustctl::Site& site);
  void add_node_listeners(NodeNet& net, const trustctl::Node& node);
  trustctl::Result<void> add_external(const ExternalHostSpec& spec, const trustctl::Site& site);
  struct PinTarget {
    SimNode* node;
    std::filesystem::path file;
    std::string fqdn;
    std::string address;
    int port;
  };
  // Writes the pins of these nodes (fresh ones replace their lines; the others only fill a missing line).
  trustctl::Result<void> write_pins(const std::vector<PinTarget>& targets);
  void identity_job(const std::vector<SimNode*>& members, const std::vector<PinTarget>& pins);

  StopSignal* m_stop = nullptr;
  LabSettings m_settings;
  std::filesystem::path m_state_dir;
  EventLog m_event_log;
  FaultBook m_faults;
  std::unique_ptr<Replicator> m_replicator;
  std::vector<std::unique_ptr<SimNode>> m_nodes;
  std::vector<std::unique_ptr<NodeNet>> m_nets;
  std::vector<std::shared_ptr<SSL_CTX>> m_external_contexts;
  std::unique_ptr<IntegrationOracle> m_oracle;
  std::unique_ptr<ControlApi> m_control;
  std::mutex m_pins_mutex;
  std::unique_ptr<IdentityFactory> m_identities;
  std::atomic<std::size_t> m_identity_jobs_left{0};
  std::chrono::steady_clock::time_point m_started_at;
  std::atomic<bool> m_ready_reported{false};
  int m_control_listener = -1;
  // Declared last: destroyed first, so no connection or accept runs while the objects above go away.
  std::unique_ptr<Workers> m_workers;
  std::unique_ptr<NetLoop> m_loop;
};

}  // namespace vossim
