#include "tests/vossim/lab.hpp"

#include "engine/config/secrets.hpp"
#include "tests/vossim/known_hosts_writer.hpp"
#include "tests/vossim/preload_trust.hpp"
#include "tests/vossim/service_ports.hpp"
#include "tests/vossim/tls_pins_writer.hpp"
#include "tests/vossim/twin.hpp"

#include <openssl/ssl.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace vossim {

namespace fs = std::filesystem;
using trustctl::ErrorCode;

namespace {

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs job(i) for i in [0, count) on every core: a cold start generates one RSA key per node.
template <typename Job>
void parallel_for(std::size_t count, const Job& job) {
  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < std::min(threads, count); ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) job(i);
    });
  }
  for (auto& thread : pool) thread.join();
}

// The secret of every credential set a VOS node uses, resolved once.
trustctl::Result<std::map<std::string, trustctl::config::Secret>> resolve_secrets(const trustctl::Site& site) {
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
  return secrets;
}

}  // namespace

trustctl::Result<ExternalHostSpec> parse_external(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return trustctl::fail(ErrorCode::invalid_site, "--external wants NODE=CHAIN.pem:KEY.pem[:CIPHERS], got '" + text + "'");
  }
  ExternalHostSpec spec;
  spec.node = text.substr(0, eq);
  const std::string rest = text.substr(eq + 1);
  const auto first = rest.find(':');
  if (first == std::string::npos) {
    return trustctl::fail(ErrorCode::invalid_site, "--external " + spec.node + ": wants CHAIN.pem:KEY.pem[:CIPHERS]");
  }
  spec.chain = rest.substr(0, first);
  const auto second = rest.find(':', first + 1);
  spec.key = rest.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) spec.ciphers = rest.substr(second + 1);  // cipher lists contain ':' themselves
  if (spec.chain.empty() || spec.key.empty()) {
    return trustctl::fail(ErrorCode::invalid_site, "--external " + spec.node + ": wants CHAIN.pem:KEY.pem[:CIPHERS]");
  }
  return spec;
}

trustctl::Result<std::unique_ptr<Lab>> Lab::create(const trustctl::Site& site, LabSettings settings,
                                                   StopSignal& stop) {
  std::unique_ptr<Lab> lab(new Lab());
  lab->m_stop = &stop;
  lab->m_settings = settings;
  lab->m_state_dir = settings.state_dir.empty() ? site.state_dir / "vos-sim" : settings.state_dir;
  lab->m_replicator = std::make_unique<Replicator>(settings.replication_delay);
  lab->m_workers = std::make_unique<Workers>();
  lab->m_loop = std::make_unique<NetLoop>();
  lab->m_settings.cli.faults = &lab->m_faults;
  FaultBook* faults = &lab->m_faults;
  lab->m_replicator->set_stall_check([faults](const std::string& origin) { return faults->replication_stalled(origin); });

  // Each credential set once, before touching anything: a missing secret is a startup error.
  auto secrets_or = resolve_secrets(site);
  if (!secrets_or) return trustctl::fail(secrets_or.error());
  const auto& secrets = *secrets_or;

  // Node state first, in parallel (what exists on disk, and the SSH host keys: ed25519, made in microseconds). Missing
  // identities are made after listening, in the background.
  std::vector<const trustctl::Node*> site_nodes;
  for (const auto& cluster : site.clusters) {
    if (!trustctl::is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) {
      NodeSpec spec{node.name, node.fqdn, cluster.name, cluster.product, node.role, node.address, cluster.version};
      lab->m_nodes.push_back(std::make_unique<SimNode>(spec, lab->m_state_dir / node.name));
      lab->m_nodes.back()->set_event_log(&lab->m_event_log);
      site_nodes.push_back(&node);
    }
  }
  if (auto prepared = lab->prepare_node_state(site); !prepared) return trustctl::fail(prepared.error());
  auto loaded_keys = lab->load_nodes(site_nodes);
  if (!loaded_keys) return trustctl::fail(loaded_keys.error());
  const std::vector<HostKey>& host_keys = *loaded_keys;

  std::map<fs::path, std::vector<KnownHostsEntry>> known_hosts;
  std::vector<PinTarget> ready_pins;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  lab->m_identities = std::make_unique<IdentityFactory>(std::min(std::max(1u, settings.identity_threads), cores));
  std::size_t index = 0;
  for (const auto& cluster : site.clusters) {
    if (!trustctl::is_vos(cluster.product)) continue;
    std::vector<SimNode*> members;
    std::vector<PinTarget> pins;
    for (const auto& node : cluster.nodes) {
      SimNode* sim = lab->m_nodes[index].get();
      const HostKey& host_key = host_keys[index];
      ++index;
      const auto& secret = secrets.at(node.connection.credentials);
      auto net = std::make_unique<NodeNet>();
      net->node = sim;
      SshEndpoint endpoint{node.address, node.connection.ssh_port, secret.username, secret.password, host_key};
      net->ssh = std::make_unique<SshNodeServer>(*sim, endpoint, lab->m_settings.cli, stop, *lab->m_workers);
      net->rest = std::make_unique<RestApi>(*sim, RestContext{secret.username, secret.password, faults});
      net->contexts = std::make_unique<TlsContextCache>();
      lab->add_node_listeners(*net, node);
      lab->m_nets.push_back(std::move(net));
      known_hosts[node.connection.known_hosts].push_back(
          KnownHostsEntry{node.fqdn, node.address, node.connection.ssh_port, host_key.type, host_key.base64});
      members.push_back(sim);
      pins.push_back(PinTarget{sim, node.connection.tls_pins, node.fqdn, node.address, node.connection.https_port});
    }
    const bool missing = std::any_of(members.begin(), members.end(), [](SimNode* m) { return m->identities_missing(); });
    if (!missing) {
      for (SimNode* member : members) member->finish_start();
      ready_pins.insert(ready_pins.end(), pins.begin(), pins.end());
    } else {
      // One job per cluster: its trust seeding needs every member's identity. Every member waits for it.
      Lab* self = lab.get();
      const std::size_t job = lab->m_identities->add([self, members, pins] { self->identity_job(members, pins); });
      IdentityFactory* factory = lab->m_identities.get();
      for (SimNode* member : members) member->set_identity_waiter([factory, job] { factory->wait(job); });
      ++lab->m_identity_jobs_left;
    }
    connect_cluster(members, *lab->m_replicator);
    std::vector<const SimNode*> view(members.begin(), members.end());
    for (SimNode* member : members) member->set_cluster(view);
  }

  for (const auto& external : settings.externals) {
    if (auto added = lab->add_external(external, site); !added) return trustctl::fail(added.error());
  }

  if (settings.control_port) {
    if (auto added = lab->add_control_api(site); !added) return trustctl::fail(added.error());
  }

  for (const auto& [path, entries] : known_hosts) {
    if (path.empty()) continue;
    if (auto written = update_known_hosts(path, entries); !written) return trustctl::fail(written.error());
  }
  if (auto written = lab->write_pins(ready_pins); !written) return trustctl::fail(written.error());
  return lab;
}

trustctl::Result<std::vector<HostKey>> Lab::load_nodes(const std::vector<const trustctl::Node*>& site_nodes) {
  std::vector<std::optional<trustctl::Error>> errors(site_nodes.size());
  std::vector<HostKey> host_keys(site_nodes.size());
  parallel_for(site_nodes.size(), [&](std::size_t i) {
    if (auto loaded = m_nodes[i]->load_state(); !loaded) {
      errors[i] = loaded.error();
      return;
    }
    auto host_key = ensure_host_key(m_state_dir / site_nodes[i]->name / "ssh_host_ed25519_key");
    if (!host_key) {
      errors[i] = host_key.error();
      return;
    }
    host_keys[i] = *host_key;
  });
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (errors[i]) return trustctl::fail(errors[i]->code, "node " + site_nodes[i]->name + ": " + errors[i]->message);
  }
  return host_keys;
}

trustctl::Result<void> Lab::prepare_node_state(const trustctl::Site& site) {
  if (!m_settings.from_inventory.empty()) {
    // A twin: the nodes' state is written from the inventory before it is loaded like any state directory.
    std::map<std::string, SimNode*> by_name;
    for (auto& node : m_nodes) by_name[node->spec().name] = node.get();
    auto report = seed_twin(site, m_settings.from_inventory, m_state_dir, by_name);
    if (!report) return trustctl::fail(report.error());
    for (const auto& line : *report) std::fprintf(stderr, "vos-sim: twin: %s\n", line.c_str());
  }
  if (m_settings.preload_trust > 0) {
    // Made once per lab (and kept in the state directory): every fresh node starts with the same public roots.
    auto roots = preloaded_roots(m_state_dir / "preload-trust", static_cast<std::size_t>(m_settings.preload_trust));
    if (!roots) return trustctl::fail(roots.error());
    auto shared = std::make_shared<const std::vector<Certificate>>(std::move(*roots));
    for (auto& node : m_nodes) node->set_preloaded_trust(shared);
  }
  return {};
}

trustctl::Result<void> Lab::add_control_api(const trustctl::Site& site) {
  const std::string token = make_token();
  if (auto written = write_token(m_state_dir / "control.token", token); !written) {
    return trustctl::fail(written.error());
  }
  std::vector<SimNode*> nodes;
  for (auto& node : m_nodes) nodes.push_back(node.get());
  nlohmann::json described = {{"replication_delay_ms", m_settings.replication_delay.count()},
                              {"restart_ms", m_settings.cli.timings.restart.count()},
                              {"system_restart_ms", m_settings.cli.timings.system_restart_duration().count()},
                              {"first_prompt_ms", m_settings.cli.timings.first_prompt.count()},
                              {"command_latency_ms", m_settings.cli.timings.command_latency.count()},
                              {"preload_trust", m_settings.preload_trust},
                              {"ecdsa_cop", m_settings.ecdsa_cop},
                              {"port_offset", m_settings.port_offset}};
  for (const auto& [service, duration] : m_settings.cli.timings.restart_by_service) {
    described["restart_ms_by_service"][service] = duration.count();
  }
  for (const auto& [command_class, latency] : m_settings.cli.timings.latency_by_class) {
    described["command_latency_ms_by_class"][std::string(to_string(command_class))] = latency.count();
  }
  std::map<std::string, IntegrationOracle::Endpoint> endpoints;
  for (const auto& cluster : site.clusters) {
    for (const auto& node : cluster.nodes) {
      endpoints[node.name] = IntegrationOracle::Endpoint{node.name, node.fqdn, node.address,
                                                         node.connection.https_port, cluster.product,
                                                         find_node(node.name)};
    }
  }
  m_oracle = std::make_unique<IntegrationOracle>(site, std::move(endpoints), m_settings.port_offset);
  m_control = std::make_unique<ControlApi>(nodes, m_event_log, m_faults, token, described, m_oracle.get());
  ControlApi* control = m_control.get();
  Workers* workers = m_workers.get();
  m_control_listener = m_loop->add(NetLoop::ListenerSpec{
      "control API", "127.0.0.1", *m_settings.control_port, {}, [control, workers](int fd) {
        if (!workers->run([control, fd] { serve_http(fd, [control](const HttpRequest& r) { return control->handle(r); }); })) {
          ::close(fd);
        }
      }});
  return {};
}

trustctl::Result<void> Lab::write_pins(const std::vector<PinTarget>& targets) {
  std::map<fs::path, std::vector<TlsPin>> by_file;
  for (const auto& target : targets) {
    if (target.file.empty()) continue;
    auto certificate = target.node->stored_tomcat_if_present();
    if (!certificate) continue;
    // A node installed in this run (or seeded by a twin) replaces its lines; otherwise a line is only added where
    // none exists, so a restarted lab never undoes (or hides the lack of) trustctl's own pin update after a rotation.
    const bool fresh = target.node->pins_fresh();
    auto& pins = by_file[target.file];
    pins.push_back(TlsPin{target.fqdn, target.port, tls_pin(*certificate), fresh});
    if (!target.address.empty() && target.address != target.fqdn) {
      pins.push_back(TlsPin{target.address, target.port, tls_pin(*certificate), fresh});
    }
  }
  std::lock_guard lock(m_pins_mutex);
  for (const auto& [path, pins] : by_file) {
    if (auto written = update_tls_pins(path, pins); !written) return written;
  }
  return {};
}

void Lab::identity_job(const std::vector<SimNode*>& members, const std::vector<PinTarget>& pins) {
  for (SimNode* member : members) {
    if (auto created = member->create_missing_identities(); !created) {
      // Key generation failing means OpenSSL is unusable: nothing sensible can be served.
      std::fprintf(stderr, "vos-sim: node %s: cannot create its identities: %s\n", member->spec().name.c_str(),
                   created.error().message.c_str());
      std::_Exit(1);
    }
  }
  seed_cluster_trust(members);
  for (SimNode* member : members) member->finish_start();
  if (auto written = write_pins(pins); !written) {
    std::fprintf(stderr, "vos-sim: %s\n", written.error().message.c_str());
  }
  if (--m_identity_jobs_left == 0 && m_ready_reported) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started_at).count();
    std::fprintf(stderr, "vos-sim: every identity exists (%.1f s after listening began)\n", seconds);
  }
}

bool Lab::wait_identities(std::chrono::milliseconds limit) { return m_identities->wait_all_for(limit); }

std::size_t Lab::identity_jobs_pending() const { return m_identities ? m_identities->pending() : 0; }

void Lab::add_node_listeners(NodeNet& net, const trustctl::Node& node) {
  SimNode* sim = net.node;
  Workers* workers = m_workers.get();
  SshNodeServer* ssh = net.ssh.get();
  net.listener_ids.push_back(m_loop->add(NetLoop::ListenerSpec{
      node.name, node.address, node.connection.ssh_port,
      [sim](NetLoop::Clock::time_point now) { return !sim->is_down(now); },
      [ssh](int fd) { ssh->accept(fd); }}));

  RestApi* rest = net.rest.get();
  TlsContextCache* contexts = net.contexts.get();
  for (const auto& port : service_ports(sim->spec().product, node.connection.https_port, m_settings.port_offset)) {
    const std::string service = port.service;
    const bool ecdsa = port.ecdsa_capable && !m_settings.ecdsa_cop;
    net.listener_ids.push_back(m_loop->add(NetLoop::ListenerSpec{
        node.name, node.address, port.port,
        [sim, service](NetLoop::Clock::time_point now) {
          return !sim->is_down(now) && sim->service_state(service, now) == ServiceState::started;
        },
        [sim, service, ecdsa, rest, contexts, workers](int fd) {
          const bool started = workers->run([sim, service, ecdsa, rest, contexts, fd] {
            // What the service loaded at its last start, not what the store holds now.
            auto identity = sim->loaded_identity(service, Clock::now());
            auto context = identity ? contexts->get(*identity, ecdsa) : nullptr;
            serve_https(fd, context.get(), [rest](const HttpRequest& request) { return rest->handle(request); });
          });
          if (!started) ::close(fd);
        }}));
  }
  NetLoop* loop = m_loop.get();
  const std::vector<int> ids = net.listener_ids;
  sim->set_change_hook([loop, ids](const SimNode&, std::vector<Clock::time_point> times) { loop->schedule(ids, times); });
}

trustctl::Result<void> Lab::add_external(const ExternalHostSpec& spec, const trustctl::Site& site) {
  const trustctl::Node* node = site.find_node(spec.node);
  if (node == nullptr) return trustctl::fail(ErrorCode::invalid_site, "--external: no node '" + spec.node + "' in the site");
  const trustctl::Cluster* cluster = site.find_cluster(node->cluster);
  if (cluster == nullptr || cluster->product != trustctl::Product::external) {
    return trustctl::fail(ErrorCode::invalid_site, "--external: node '" + spec.node + "' is not in an external cluster");
  }
  auto chain_text = read_text(spec.chain);
  auto key_text = read_text(spec.key);
  if (!chain_text) return trustctl::fail(ErrorCode::io, "--external " + spec.node + ": cannot read " + spec.chain.string());
  if (!key_text) return trustctl::fail(ErrorCode::io, "--external " + spec.node + ": cannot read " + spec.key.string());
  auto chain = trustctl::parse_certificates(*chain_text);
  if (!chain) return trustctl::fail(ErrorCode::invalid_site, "--external " + spec.node + ": " + chain.error().message);
  auto context = make_server_context(*chain, *key_text, TlsOptions{spec.ciphers});
  if (!context) return trustctl::fail(ErrorCode::invalid_site, "--external " + spec.node + ": " + context.error().message);
  m_external_contexts.push_back(*context);
  SSL_CTX* ctx = context->get();
  Workers* workers = m_workers.get();
  const std::string fqdn = node->fqdn;
  m_loop->add(NetLoop::ListenerSpec{node->name, node->address, node->connection.https_port, {}, [ctx, workers, fqdn](int fd) {
    const bool started = workers->run([ctx, fd, fqdn] {
      serve_https(fd, ctx, [fqdn](const HttpRequest&) {
        HttpResponse response;
        response.content_type = "text/plain";
        response.body = "vos-sim external host " + fqdn + "\n";
        return RestOutcome{response, false, {}};
      });
    });
    if (!started) ::close(fd);
  }});
  return {};
}

Lab::~Lab() { stop_and_join(); }

void Lab::seed_cluster_trust(const std::vector<SimNode*>& cluster_nodes) {
  // Only what is new: a restarted lab keeps whatever trustctl did to its stores.
  for (SimNode* node : cluster_nodes) {
    for (SimNode* peer : cluster_nodes) {
      if (node == peer) continue;
      for (const auto& certificate : node->fresh() ? peer->self_signed_identities() : peer->created_identities()) {
        node->seed_trust(certificate);
      }
    }
  }
}

void Lab::connect_cluster(const std::vector<SimNode*>& cluster_nodes, Replicator& replicator) {
  // The cluster database carries a trust upload from whichever node took it to every other node: the product
  // guides upload on the publisher, and the PCCE guide says roots uploaded on the secondary appear on the primary.
  for (SimNode* node : cluster_nodes) {
    std::vector<SimNode*> others;
    for (SimNode* other : cluster_nodes) {
      if (other != node) others.push_back(other);
    }
    node->set_replication_hook(
        [others, &replicator](const SimNode& origin, const std::vector<UploadedCertificate>& accepted) {
          for (SimNode* target : others) {
            for (const auto& certificate : accepted) replicator.schedule(*target, certificate, origin.spec().name);
          }
        });
  }
  // A multi-server identity imported on the publisher reaches every other node it names after the replication delay.
  for (SimNode* node : cluster_nodes) {
    node->set_distribution_hook([cluster_nodes, &replicator](const SimNode& origin, const std::string& unit,
                                                             const Certificate& leaf, const std::string& key_pem) {
      const auto names = leaf.dns_names();
      for (SimNode* target : cluster_nodes) {
        if (target == &origin || std::find(names.begin(), names.end(), target->spec().fqdn) == names.end()) continue;
        replicator.schedule_task([target, unit, leaf, key_pem] { target->receive_distributed_identity(unit, leaf, key_pem); },
                                 origin.spec().name);
      }
    });
  }
  // Deletes never replicate (section 3): each node's copy is deleted on that node.
}

trustctl::Result<void> Lab::listen() { return m_loop->bind_all(); }

std::optional<int> Lab::control_port() const {
  if (m_control_listener < 0) return std::nullopt;
  return m_loop->bound_port(m_control_listener);
}

void Lab::start() {
  m_started_at = std::chrono::steady_clock::now();
  m_replicator->start();
  m_loop->start();
  m_identities->start();
}

void Lab::stop_and_join() {
  if (m_stop != nullptr) m_stop->request();
  if (m_loop) m_loop->stop_and_join();
  if (m_workers) m_workers->join_all();
  if (m_identities) m_identities->stop_and_join();  // the job under way finishes; the rest waits for the next start
  if (m_replicator) m_replicator->stop_and_flush();
}

SimNode* Lab::find_node(const std::string& name) {
  for (auto& node : m_nodes) {
    if (node->spec().name == name) return node.get();
  }
  return nullptr;
}

}  // namespace vossim
