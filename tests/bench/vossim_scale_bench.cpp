// vos-sim at scale (issue 3, point 9): one process serving 500 nodes on this machine. A timed harness rather than a
// Google Benchmark loop, because the figures are one-off: time to ready (cold: host keys made, every socket
// listening, identities still being made in the background; warm: state reused), the first use of a node whose
// identity did not exist yet, the time until every identity exists (and the TLS pins file is complete), resident
// memory per node, and a few real sessions (SSH CLI, TLS handshakes) against a full lab.
//
//   vossim_scale_bench [NODES]          (default 500; VOS_SIM_BIN overrides the vos-sim path)

#include <libssh/libssh.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr const char* kPassword = "Bench-Secret-1";
constexpr int kSshPort = 2222;

std::string node_address(int i) { return "127.9." + std::to_string(1 + i / 250) + "." + std::to_string(1 + i % 250); }

// UCCX pairs: the product with the most service ports (five TLS listeners plus SSH per node).
std::string site_text(int nodes) {
  std::ostringstream s;
  s << "version = 1\n[site]\nname = \"scale\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
    << "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"VOSSIM_BENCH_PASSWORD\"\n"
    << "[connection]\ncredentials = \"os-admin\"\nssh_port = " << kSshPort << "\nknown_hosts = \"state/known_hosts\"\n";
  for (int i = 0; i < nodes; i += 2) {
    s << "[[cluster]]\nname = \"uccx" << i / 2 << "\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n";
    for (int j = i; j < std::min(nodes, i + 2); ++j) {
      s << "  { name = \"n" << j << "\", fqdn = \"n" << j << ".lab.example\", role = \""
        << (j == i ? "publisher" : "subscriber") << "\", address = \"" << node_address(j) << "\" },\n";
    }
    s << "]\n";
  }
  return s.str();
}

struct Sim {
  pid_t pid = -1;
  int out = -1;
  int err = -1;
  std::string err_seen;
};

Sim start(const fs::path& bin, const fs::path& site) {
  int pipe_fds[2];
  int err_fds[2];
  if (::pipe(pipe_fds) != 0 || ::pipe(err_fds) != 0) std::exit(1);
  Sim sim;
  sim.pid = ::fork();
  if (sim.pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(err_fds[1], STDERR_FILENO);
    ::close(pipe_fds[0]);
    ::close(err_fds[0]);
    ::execl(bin.c_str(), bin.c_str(), site.c_str(), "--restart-ms", "1000", "--replication-delay-ms", "500",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  ::close(err_fds[1]);
  sim.out = pipe_fds[0];
  sim.err = err_fds[0];
  return sim;
}

// Reads the child's stderr until a line holds needle (vos-sim reports "every identity exists" there).
bool wait_stderr(Sim& sim, const std::string& needle, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (sim.err_seen.find(needle) == std::string::npos && Clock::now() < deadline) {
    pollfd fd{sim.err, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    char buffer[256];
    const auto n = ::read(sim.err, buffer, sizeof buffer);
    if (n <= 0) return false;
    sim.err_seen.append(buffer, static_cast<std::size_t>(n));
  }
  return sim.err_seen.find(needle) != std::string::npos;
}

int count_lines(const fs::path& path) {
  std::ifstream in(path);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty() && line[0] != '#';
  return n;
}

bool wait_ready(const Sim& sim, std::chrono::seconds limit) {
  std::string seen;
  const auto deadline = Clock::now() + limit;
  while (seen.find('\n') == std::string::npos && Clock::now() < deadline) {
    pollfd fd{sim.out, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    char buffer[256];
    const auto n = ::read(sim.out, buffer, sizeof buffer);
    if (n <= 0) return false;
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  return seen.find("nodes listening") != std::string::npos;
}

void stop(Sim& sim) {
  ::kill(sim.pid, SIGTERM);
  ::waitpid(sim.pid, nullptr, 0);
  ::close(sim.out);
  ::close(sim.err);
}

long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

int thread_count(pid_t pid) { return static_cast<int>(status_kib(pid, "Threads")); }

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Connect, authenticate, open a shell, run one command, read until the prompt comes back.
double ssh_command(const std::string& address, const fs::path& known_hosts) {
  const auto begin = Clock::now();
  ssh_session session = ssh_new();
  const int port = kSshPort;
  ssh_options_set(session, SSH_OPTIONS_HOST, address.c_str());
  ssh_options_set(session, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  double elapsed = -1;
  if (ssh_connect(session) == SSH_OK && ssh_session_is_known_server(session) == SSH_KNOWN_HOSTS_OK &&
      ssh_userauth_password(session, "admin", kPassword) == SSH_AUTH_SUCCESS) {
    ssh_channel channel = ssh_channel_new(session);
    if (ssh_channel_open_session(channel) == SSH_OK && ssh_channel_request_pty_size(channel, "vt100", 80, 24) == SSH_OK &&
        ssh_channel_request_shell(channel) == SSH_OK) {
      std::string seen;
      char buffer[4096];
      auto read_prompt = [&] {
        const auto deadline = Clock::now() + std::chrono::seconds(20);
        while (Clock::now() < deadline) {
          const int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 200);
          if (n < 0) return false;
          seen.append(buffer, static_cast<std::size_t>(n));
          if (seen.size() >= 7 && seen.compare(seen.size() - 7, 7, "\nadmin:") == 0) return true;
        }
        return false;
      };
      if (read_prompt()) {
        seen.clear();
        const std::string command = "show cert list trust\r";
        ssh_channel_write(channel, command.data(), static_cast<uint32_t>(command.size()));
        if (read_prompt() && seen.find("tomcat-trust/") != std::string::npos) elapsed = ms_since(begin);
      }
      ssh_channel_close(channel);
    }
    ssh_channel_free(channel);
  }
  ssh_disconnect(session);
  ssh_free(session);
  return elapsed;
}

double tls_handshake(const std::string& address, int port) {
  const auto begin = Clock::now();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &target.sin_addr);
  double elapsed = -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1 && SSL_get0_peer_certificate(ssl) != nullptr) elapsed = ms_since(begin);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  ::close(fd);
  return elapsed;
}

fs::path sim_binary() {
  if (const char* env = std::getenv("VOS_SIM_BIN")) return env;
  return fs::canonical("/proc/self/exe").parent_path() / "vossim" / "vos-sim";  // build/tests/vossim/vos-sim
}

}  // namespace

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::atoi(argv[1]) : 500;
  const fs::path bin = sim_binary();
  if (!fs::exists(bin)) {
    std::cerr << "vos-sim not found at " << bin << " (set VOS_SIM_BIN)\n";
    return 1;
  }
  ::setenv("VOSSIM_BENCH_PASSWORD", kPassword, 1);
  std::signal(SIGPIPE, SIG_IGN);
  const fs::path dir = fs::temp_directory_path() / ("vossim-scale-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path site = dir / "site.toml";
  std::ofstream(site) << site_text(nodes);
  const fs::path one_site = dir / "one.toml";
  std::ofstream(one_site) << site_text(1);
  int status = 0;

  // Baseline: the same process with one node, to separate per-node cost from the process's fixed cost.
  Sim one = start(bin, one_site);
  if (!wait_ready(one, std::chrono::seconds(60))) status = 1;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long one_rss = status_kib(one.pid, "VmRSS");
  stop(one);

  auto begin = Clock::now();
  Sim cold = start(bin, site);
  const bool cold_ready = wait_ready(cold, std::chrono::seconds(300));
  const double cold_ms = ms_since(begin);
  // First use of a node at the end of the queue: its handshake makes (waits for) its cluster's identities.
  const double first_use_ms = tls_handshake(node_address(nodes - 1), 8443);
  const double second_use_ms = tls_handshake(node_address(nodes - 1), 8445);
  const bool identities_done = wait_stderr(cold, "every identity exists", std::chrono::seconds(600));
  const double identities_ms = identities_done ? ms_since(begin) : -1;
  const long cold_rss = status_kib(cold.pid, "VmRSS");
  stop(cold);
  const int pin_lines = count_lines(dir / "state" / "tls_pins");

  begin = Clock::now();
  Sim warm = start(bin, site);
  const bool warm_ready = wait_ready(warm, std::chrono::seconds(120));
  const double warm_ms = ms_since(begin);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long idle_rss = status_kib(warm.pid, "VmRSS");
  const int idle_threads = thread_count(warm.pid);

  std::mt19937 random(42);
  const fs::path known_hosts = dir / "state" / "known_hosts";
  std::vector<double> ssh_ms;
  for (int i = 0; i < 5; ++i) ssh_ms.push_back(ssh_command(node_address(static_cast<int>(random() % nodes)), known_hosts));
  std::vector<std::thread> parallel;
  std::vector<double> parallel_ms(10, -1);
  const auto parallel_begin = Clock::now();
  for (int i = 0; i < 10; ++i) {
    parallel.emplace_back([&, i] { parallel_ms[static_cast<std::size_t>(i)] = ssh_command(node_address(i * (nodes / 10)), known_hosts); });
  }
  for (auto& t : parallel) t.join();
  const double parallel_total = ms_since(parallel_begin);
  std::vector<double> tls_ms;
  for (int i = 0; i < 50; ++i) {
    const int ports[] = {8443, 8445, 8444, 7443, 12015};
    tls_ms.push_back(tls_handshake(node_address(static_cast<int>(random() % nodes)), ports[random() % 5]));
  }
  const long busy_rss = status_kib(warm.pid, "VmRSS");
  stop(warm);
  fs::remove_all(dir);

  auto summary = [](const std::vector<double>& values, int& failures) {
    double max = 0;
    double sum = 0;
    int ok = 0;
    for (double v : values) {
      if (v < 0) {
        ++failures;
        continue;
      }
      max = std::max(max, v);
      sum += v;
      ++ok;
    }
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << "mean " << (ok > 0 ? sum / ok : 0) << " ms, max " << max << " ms, " << ok << "/" << values.size() << " ok";
    return out.str();
  };
  int failures = 0;
  std::printf("vos-sim scale benchmark: %d nodes (UCCX pairs: SSH + 5 TLS ports each), %u cores\n", nodes,
              std::thread::hardware_concurrency());
  std::printf("  cold start to ready (all listening):   %8.0f ms%s\n", cold_ms, cold_ready ? "" : "  (NOT READY)");
  std::printf("  first TLS handshake on the last node:  %8.0f ms  (its identity made on demand), then %.0f ms\n",
              first_use_ms, second_use_ms);
  std::printf("  cold start until every identity exists: %6.0f ms%s  (RSS then %.1f MiB)\n", identities_ms,
              identities_done ? "" : "  (NOT DONE)", cold_rss / 1024.0);
  std::printf("  TLS pins recorded:                    %8d lines  (%d expected: FQDN and address per node)\n",
              pin_lines, 2 * nodes);
  std::printf("  warm start to ready (state reused):   %8.0f ms%s\n", warm_ms, warm_ready ? "" : "  (NOT READY)");
  std::printf("  RSS, 1-node process:                  %8.1f MiB\n", one_rss / 1024.0);
  std::printf("  RSS idle, %d nodes:                  %8.1f MiB  (%.2f MiB/node overall, %.2f MiB/node marginal)\n",
              nodes, idle_rss / 1024.0, idle_rss / 1024.0 / nodes,
              (idle_rss - one_rss) / 1024.0 / std::max(1, nodes - 1));
  std::printf("  threads idle:                         %8d\n", idle_threads);
  std::printf("  SSH login + command, sequential:      %s\n", summary(ssh_ms, failures).c_str());
  std::printf("  SSH login + command, 10 in parallel:  %s (all done in %.0f ms)\n", summary(parallel_ms, failures).c_str(),
              parallel_total);
  std::printf("  TLS handshakes on service ports:      %s\n", summary(tls_ms, failures).c_str());
  std::printf("  RSS after sessions:                   %8.1f MiB\n", busy_rss / 1024.0);
  if (first_use_ms < 0 || second_use_ms < 0) ++failures;
  const bool meets = warm_ready && cold_ready && warm_ms <= 10000 && cold_ms <= 10000 &&
                     (idle_rss / 1024.0 / nodes) <= 2.0 && failures == 0 && identities_done && pin_lines == 2 * nodes;
  std::printf("  targets (>=500 nodes listening <= 10 s cold and warm, <= 2 MiB/node idle, all sessions ok, every\n"
              "           identity made and pinned): %s\n", meets ? "met" : "NOT met");
  return status == 0 && meets ? 0 : 1;
}
