// The trust cache at real store sizes: `trustctl plan` of nodes whose tomcat-trust holds 100 preloaded CA
// certificates (vos-sim --preload-trust 100), cold (--refresh=full: every trust file read) and warm (the cache from the
// previous refresh: one listing per node), and the CLI commands each node received for the unchanged plan (from
// vos-sim's commands.log). trustctl and vos-sim as separate processes over real sockets, command latency 200 ms. A
// timed harness that prints figures; not a test.
//
//   build/tests/refresh_cache_bench [nodes=10] [preload=100]

#include "support/lab.hpp"

#include <chrono>
#include <cstdio>
#include <sstream>

using namespace trustctl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLatencyMs = 200;

// UCCX pairs on 127.0.210.x (tests/bench owns 127.0.210-230.x; apply_bench uses 200-209 and 230), no trust rules:
// every plan after the first refresh is unchanged.
std::filesystem::path write_site(int nodes) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-bench-cache-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::ostringstream s;
  s << "version = 1\n[site]\nname = \"cache\"\ndomain = \"bench.example\"\nstate_dir = \"state\"\n"
    << "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"BENCH_PASSWORD\"\n"
    << "[connection]\ncredentials = \"os-admin\"\nssh_port = 2222\nknown_hosts = \"state/known_hosts\"\n"
    << "timeout_s = 120\nanswer_delay_ms = 0\nparallelism = 20\n";
  for (int c = 0; c < (nodes + 1) / 2; ++c) {
    s << "[[cluster]]\nname = \"uccx" << c << "\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
      << "  { name = \"c" << c << "a\", fqdn = \"c" << c << "a.bench.example\", role = \"publisher\", address = \"127.0.210."
      << 2 * c + 1 << "\" },\n"
      << "  { name = \"c" << c << "b\", fqdn = \"c" << c << "b.bench.example\", role = \"subscriber\", address = \"127.0.210."
      << 2 * c + 2 << "\" },\n]\n";
  }
  testing::write_text(dir / "site.toml", s.str());
  return dir;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::size_t log_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) n += !line.empty();
  return n;
}

std::map<std::string, std::size_t> commands_per_node(const std::filesystem::path& sim) {
  std::map<std::string, std::size_t> out;
  for (const auto& node : std::filesystem::directory_iterator(sim)) {
    if (node.is_directory() && std::filesystem::exists(node.path() / "commands.log")) {
      out[node.path().filename().string()] = log_lines(node.path() / "commands.log");
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  setenv("BENCH_PASSWORD", "bench-secret", 1);
  int nodes = argc > 1 ? std::stoi(argv[1]) : 10;
  int preload = argc > 2 ? std::stoi(argv[2]) : 100;
  if (nodes < 2 || nodes > 200 || preload < 0) {
    std::fprintf(stderr, "usage: refresh_cache_bench [nodes 2..200] [preload >= 0]\n");
    return 1;
  }
  auto dir = write_site(nodes);
  testing::Server sim({VOS_SIM_BIN, (dir / "site.toml").string(), "--state-dir", (dir / "sim").string(),
                       "--command-latency-ms", std::to_string(kLatencyMs), "--preload-trust", std::to_string(preload),
                       "--identity-wait-ms", "600000"},
                      "nodes listening", std::chrono::seconds(900));
  const std::string site = (dir / "site.toml").string();
  std::printf("%d nodes, %d preloaded trust entries each, command latency %d ms, parallelism 20\n", nodes, preload,
              kLatencyMs);
  // Untimed: the first login of each node, and the cache's first fill.
  auto first = testing::run({TRUSTCTL_BIN, "plan", site}, "", std::chrono::seconds(1800));
  if (first.exit_code != 0) {
    std::printf("first plan failed (exit %d): %s\n", first.exit_code, first.err.c_str());
    return 1;
  }
  auto start = Clock::now();
  auto cold = testing::run({TRUSTCTL_BIN, "plan", site, "--refresh=full"}, "", std::chrono::seconds(1800));
  double cold_s = seconds_since(start);
  auto before = commands_per_node(dir / "sim");
  start = Clock::now();
  auto warm = testing::run({TRUSTCTL_BIN, "plan", site, "--detailed-exitcode"}, "", std::chrono::seconds(1800));
  double warm_s = seconds_since(start);
  auto after = commands_per_node(dir / "sim");
  std::size_t most = 0, total = 0;
  for (const auto& [node, count] : after) {
    std::size_t sent = count - before[node];
    most = std::max(most, sent);
    total += sent;
  }
  std::printf("plan, cold (--refresh=full): %6.2f s (exit %d)\n", cold_s, cold.exit_code);
  std::printf("plan, warm (trust cache):    %6.2f s (exit %d: %s)\n", warm_s, warm.exit_code,
              warm.exit_code == 0 ? "no changes" : "changes or error");
  std::printf("unchanged plan: CLI commands per node: at most %zu, mean %.1f\n", most,
              after.empty() ? 0.0 : static_cast<double>(total) / static_cast<double>(after.size()));
  sim.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
