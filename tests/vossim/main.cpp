// vos-sim: serves the simulated VOS nodes of a site file on loopback (SSH CLI, TLS service ports, HTTPS REST, an
// optional control API), until SIGINT/SIGTERM.
// See tests/vossim/README.md for the flags, the state directory and the command log.

#include "engine/config/site_loader.hpp"
#include "tests/vossim/lab.hpp"

#include <CLI/CLI.hpp>
#include <libssh/libssh.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  CLI::App app{"vos-sim: simulated Cisco VOS appliances for trustctl's tests"};
  std::string site_path;
  std::string state_dir;
  int replication_delay_ms = 2000;
  int restart_ms = 3000;
  int command_latency_ms = 0;
  app.add_option("site", site_path, "site file (TOML)")->required();
  app.add_option("--state-dir", state_dir, "state directory (default: <site state_dir>/vos-sim)");
  app.add_option("--replication-delay-ms", replication_delay_ms, "publisher-to-subscriber replication delay")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--restart-ms", restart_ms, "duration of a service restart")->check(CLI::NonNegativeNumber);
  app.add_option("--command-latency-ms", command_latency_ms, "delay before each command's output")
      ->check(CLI::NonNegativeNumber);
  int idle_timeout_ms = 0;
  app.add_option("--cli-idle-timeout-ms", idle_timeout_ms, "log out a CLI session idle this long (0: never)")
      ->check(CLI::NonNegativeNumber);
  int port_offset = 0;
  int control_port = -1;
  std::vector<std::string> externals;
  app.add_option("--port-offset", port_offset, "added to every service port except https_port (not to SSH)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--control-port", control_port, "control API on 127.0.0.1 (0: any free port; default: off)")
      ->check(CLI::Range(0, 65535));
  int identity_wait_ms = 2000;
  int identity_threads = 2;
  app.add_option("--identity-wait-ms", identity_wait_ms,
                 "after listening, wait at most this long for missing identities before the ready line")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--identity-threads", identity_threads, "background identity workers (capped at the cores)")
      ->check(CLI::Range(1, 64));
  app.add_option("--external", externals, "NODE=CHAIN.pem:KEY.pem[:CIPHERS]: serve an external node's HTTPS");
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

  auto loaded = trustctl::config::load_site(site_path);
  if (!loaded.site) {
    for (const auto& error : loaded.errors) std::cerr << "vos-sim: " << error.describe() << "\n";
    if (loaded.errors.empty()) std::cerr << "vos-sim: cannot load " << site_path << "\n";
    return 1;
  }

  ssh_init();
  vossim::LabSettings settings;
  settings.state_dir = state_dir;
  settings.replication_delay = std::chrono::milliseconds(replication_delay_ms);
  settings.cli.restart_duration = std::chrono::milliseconds(restart_ms);
  settings.cli.command_latency = std::chrono::milliseconds(command_latency_ms);
  settings.cli.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  settings.port_offset = port_offset;
  if (control_port >= 0) settings.control_port = control_port;
  settings.identity_wait = std::chrono::milliseconds(identity_wait_ms);
  settings.identity_threads = static_cast<unsigned>(identity_threads);
  for (const auto& text : externals) {
    auto external = vossim::parse_external(text);
    if (!external) {
      std::cerr << "vos-sim: " << external.error().message << "\n";
      return 1;
    }
    settings.externals.push_back(*external);
  }

  vossim::StopSignal stop;
  int status = 0;
  {
    auto lab = vossim::Lab::create(*loaded.site, settings, stop);
    if (!lab) {
      std::cerr << "vos-sim: " << lab.error().message << "\n";
      ssh_finalize();
      return 1;
    }
    if (auto listening = (*lab)->listen(); !listening) {
      std::cerr << "vos-sim: " << listening.error().message << "\n";
      status = 1;
    } else {
      (*lab)->start();
      // Every socket accepts now. Identities still being made (a cold start) get a short grace, so a small lab is
      // complete at the ready line; a big one carries on in the background and a node's first use waits for it.
      (*lab)->wait_identities(settings.identity_wait);
      (*lab)->mark_ready_reported();
      std::cout << "vos-sim: " << (*lab)->node_count() << " nodes listening";
      if (auto port = (*lab)->control_port()) std::cout << " control=127.0.0.1:" << *port;
      std::cout << std::endl;
      int received = 0;
      sigwait(&signals, &received);
    }
    (*lab)->stop_and_join();
  }
  ssh_finalize();
  return status;
}
