// vos-sim: serves the simulated VOS nodes of a site file on loopback (SSH CLI, TLS service ports, HTTPS REST, an
// optional control API), until SIGINT/SIGTERM.
// See tests/vossim/README.md for the flags, the state directory and the command log.

#include "engine/config/site_loader.hpp"
#include "tests/vossim/lab.hpp"
#include "providers/vos/vos_units.hpp"

#include <CLI/CLI.hpp>
#include <libssh/libssh.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

namespace {

struct Options {
  std::string site_path;
  std::string state_dir;
  int replication_delay_ms = 2000;
  bool appliance_timings = false;
  bool ecdsa_cop = false;
  std::optional<int> first_prompt_ms;
  std::vector<std::string> restart_ms;
  std::optional<int> system_restart_ms;
  std::vector<std::string> command_latency_ms;
  int idle_timeout_ms = 0;
  int port_offset = 0;
  int control_port = -1;
  std::vector<std::string> externals;
  int identity_wait_ms = 5000;
  int identity_threads = 2;
  int preload_trust = 0;
  std::string from_inventory;
};

void add_options(CLI::App& app, Options& o) {
  app.add_option("site", o.site_path, "site file (TOML)")->required();
  app.add_option("--state-dir", o.state_dir, "state directory (default: <site state_dir>/vos-sim)");
  app.add_option("--replication-delay-ms", o.replication_delay_ms, "publisher-to-subscriber replication delay")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--appliance-timings", o.appliance_timings,
               "a real appliance's timings (first prompt, restarts, command latencies); the flags below override");
  app.add_option("--first-prompt-ms", o.first_prompt_ms, "time before the welcome line and the first prompt")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--restart-ms", o.restart_ms, "N: every service restart; SERVICE=N: one service (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--system-restart-ms", o.system_restart_ms, "how long utils system restart keeps the node down")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--command-latency-ms", o.command_latency_ms,
                 "N: delay before each command's output; CLASS=N: one class (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--cli-idle-timeout-ms", o.idle_timeout_ms, "log out a CLI session idle this long (0: never)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--port-offset", o.port_offset, "added to every service port except https_port (not to SSH)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--control-port", o.control_port, "control API on 127.0.0.1 (0: any free port; default: off)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--identity-wait-ms", o.identity_wait_ms,
                 "after listening, wait at most this long for missing identities before the ready line")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--identity-threads", o.identity_threads, "background identity workers (capped at the cores)")
      ->check(CLI::Range(1, 64));
  app.add_option("--external", o.externals, "NODE=CHAIN.pem:KEY.pem[:CIPHERS]: serve an external node's HTTPS")
      ->allow_extra_args(false);
  app.add_flag("--ecdsa-cop", o.ecdsa_cop,
               "Cisco's COP that stops presenting tomcat-ECDSA is installed: every port presents the RSA identity");
  app.add_option("--preload-trust", o.preload_trust,
                 "each new node's tomcat-trust starts with N public-root-like CA certificates")
      ->check(CLI::Range(0, 10000));
  app.add_option("--from-inventory", o.from_inventory,
                 "a twin: seed the nodes from `trustctl show --format json` output (matched by name)");
}

// Plain values first, then per-service or per-class ones, whatever their order on the command line.
trustctl::Result<vossim::Timings> make_timings(const Options& o) {
  vossim::Timings timings = o.appliance_timings ? vossim::appliance_timings() : vossim::Timings{};
  if (o.first_prompt_ms) timings.first_prompt = std::chrono::milliseconds(*o.first_prompt_ms);
  for (bool plain : {true, false}) {
    for (const auto& value : o.restart_ms) {
      if ((value.find('=') == std::string::npos) != plain) continue;
      if (auto ok = vossim::apply_restart_flag(timings, value); !ok) return trustctl::fail(ok.error());
    }
    for (const auto& value : o.command_latency_ms) {
      if ((value.find('=') == std::string::npos) != plain) continue;
      if (auto ok = vossim::apply_latency_flag(timings, value); !ok) return trustctl::fail(ok.error());
    }
  }
  if (o.system_restart_ms) timings.system_restart = std::chrono::milliseconds(*o.system_restart_ms);
  return timings;
}

trustctl::Result<vossim::LabSettings> make_settings(const Options& o) {
  vossim::LabSettings settings;
  settings.state_dir = o.state_dir;
  settings.replication_delay = std::chrono::milliseconds(o.replication_delay_ms);
  auto timings = make_timings(o);
  if (!timings) return trustctl::fail(timings.error());
  settings.cli.timings = *timings;
  settings.cli.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  settings.port_offset = o.port_offset;
  if (o.control_port >= 0) settings.control_port = o.control_port;
  settings.identity_wait = std::chrono::milliseconds(o.identity_wait_ms);
  settings.identity_threads = static_cast<unsigned>(o.identity_threads);
  settings.ecdsa_cop = o.ecdsa_cop;
  settings.preload_trust = o.preload_trust;
  settings.from_inventory = o.from_inventory;
  for (const auto& text : o.externals) {
    auto external = vossim::parse_external(text);
    if (!external) return trustctl::fail(external.error());
    settings.externals.push_back(*external);
  }
  return settings;
}

// Listens, reports readiness, and serves until a signal arrives; the exit status.
int serve(vossim::Lab& lab, const vossim::LabSettings& settings, sigset_t& signals) {
  if (auto listening = lab.listen(); !listening) {
    std::cerr << "vos-sim: " << listening.error().message << "\n";
    return 1;
  }
  lab.start();
  // Every socket accepts now. Identities still being made (a cold start) get a short grace, so a small lab is
  // complete at the ready line; a big one carries on in the background and a node's first use waits for it.
  lab.wait_identities(settings.identity_wait);
  lab.mark_ready_reported();
  std::cout << "vos-sim: " << lab.node_count() << " nodes listening";
  if (auto port = lab.control_port()) std::cout << " control=127.0.0.1:" << *port;
  std::cout << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vos-sim: simulated Cisco VOS appliances for trustctl's tests"};
  Options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);

  // Signals are taken synchronously by the main thread (sigwait), so every thread started below inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that vanishes must not kill the lab
  // Every node has several listening sockets (500 nodes: about 3000): lift the soft descriptor limit to the hard one.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  auto settings = make_settings(options);
  if (!settings) {
    std::cerr << "vos-sim: " << settings.error().message << "\n";
    return 1;
  }
  auto loaded = trustctl::config::load_site(options.site_path, trustctl::providers::vos_units());
  if (!loaded.site) {
    for (const auto& error : loaded.errors) std::cerr << "vos-sim: " << error.describe() << "\n";
    if (loaded.errors.empty()) std::cerr << "vos-sim: cannot load " << options.site_path << "\n";
    return 1;
  }

  ssh_init();
  vossim::StopSignal stop;
  int status = 0;
  {
    auto lab = vossim::Lab::create(*loaded.site, *settings, stop);
    if (!lab) {
      std::cerr << "vos-sim: " << lab.error().message << "\n";
      ssh_finalize();
      return 1;
    }
    status = serve(**lab, *settings, signals);
    (*lab)->stop_and_join();
  }
  ssh_finalize();
  return status;
}
