// Apply speed against the plan's critical-path lower bound, refresh speed against the ideal, and the no-op second
// apply: trustctl and vos-sim as separate processes over real sockets, with realistic appliance timings
// (command latency 200 ms, restart 5 s, replication 2 s). A timed harness that prints figures; not a test.
//
//   build/tests/apply_bench [clusters=1,50] [refresh_nodes=200]

#include "engine/config/site_loader.hpp"
#include "plans/critical_path.hpp"
#include "plans/diff.hpp"
#include "providers/registry.hpp"
#include "providers/vos/session_pool.hpp"
#include "providers/vos/vos_refresh.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_units.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace trustctl;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLatencyMs = 200, kRestartMs = 5000, kReplicationMs = 2000;

std::filesystem::path write_fleet(const std::string& name, int clusters, int base_subnet) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-bench-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  auto root = testing::make_root("Bench Root CA");
  auto issuing = testing::make_intermediate("Bench Issuing CA", root);
  testing::write_text(dir / "pki/root.pem", root.certificate.pem());
  testing::write_text(dir / "pki/issuing.pem", issuing.certificate.pem());
  std::ostringstream s;
  s << "version = 1\n[site]\nname = \"" << name << "\"\ndomain = \"bench.example\"\nstate_dir = \"state\"\n"
    << "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"BENCH_PASSWORD\"\n"
    << "[connection]\ncredentials = \"os-admin\"\nssh_port = 2222\nknown_hosts = \"state/known_hosts\"\n"
    << "timeout_s = 120\nanswer_delay_ms = 0\nparallelism = 100\n"
    << "[[ca]]\nname = \"root\"\ncertificate = \"pki/root.pem\"\n[[ca]]\nname = \"issuing\"\ncertificate = \"pki/issuing.pem\"\n";
  for (int c = 0; c < clusters; ++c) {
    int subnet = base_subnet + c / 100, host = (c % 100) * 2 + 1;
    s << "[[cluster]]\nname = \"uccx" << c << "\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
      << "  { name = \"c" << c << "a\", fqdn = \"c" << c << "a.bench.example\", role = \"publisher\", address = \"127.0."
      << subnet << "." << host << "\" },\n"
      << "  { name = \"c" << c << "b\", fqdn = \"c" << c << "b.bench.example\", role = \"subscriber\", address = \"127.0."
      << subnet << "." << host + 1 << "\" },\n]\n"
      << "[[trust]]\ncluster = \"uccx" << c << "\"\ncertificates = [\"root\", \"issuing\"]\n";
  }
  testing::write_text(dir / "site.toml", s.str());
  return dir;
}

std::unique_ptr<testing::Server> start_sim(const std::filesystem::path& dir) {
  return std::make_unique<testing::Server>(
      std::vector<std::string>{VOS_SIM_BIN, (dir / "site.toml").string(), "--state-dir", (dir / "sim").string(),
                               "--command-latency-ms", std::to_string(kLatencyMs), "--restart-ms",
                               std::to_string(kRestartMs), "--replication-delay-ms", std::to_string(kReplicationMs)},
      "nodes listening", std::chrono::seconds(600));
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int count_writes(const std::filesystem::path& sim_dir) {
  int writes = 0;
  for (const auto& node : std::filesystem::directory_iterator(sim_dir)) {
    if (!node.is_directory()) continue;
    std::ifstream in(node.path() / "commands.log");
    std::string line;
    while (std::getline(in, line)) {
      writes += line.find("set cert import") != std::string::npos || line.find("utils service restart") != std::string::npos;
    }
  }
  return writes;
}

void bench_apply(int clusters, int subnet) {
  auto dir = write_fleet("apply" + std::to_string(clusters), clusters, subnet);
  auto sim = start_sim(dir);
  auto loaded = config::load_site_or_error(dir / "site.toml", providers::vos_units());
  if (!loaded) {
    std::printf("site error: %s\n", loaded.error().describe().c_str());
    return;
  }
  auto secrets = providers::resolve_site_secrets(*loaded);
  auto shared = std::make_shared<const providers::SecretMap>(*secrets);
  providers::SessionPool pool({false, providers::ssh_opener(shared, false), shared});
  auto registry = providers::make_registry();
  auto refreshed = providers::refresh(*loaded, registry, pool, 100);
  auto plan = plans::make_plan(*loaded, refreshed.state, registry);
  double bound = plans::critical_path_seconds(
      *plan, {.command_s = kLatencyMs / 1000.0, .restart_s = kRestartMs / 1000.0, .replication_s = kReplicationMs / 1000.0});

  auto start = Clock::now();
  auto apply = testing::run({TRUSTCTL_BIN, "apply", (dir / "site.toml").string(), "--auto-approve", "--no-verify"}, "",
                            std::chrono::seconds(1800));
  double took = seconds_since(start);
  int writes_first = count_writes(dir / "sim");
  auto again_start = Clock::now();
  auto again = testing::run({TRUSTCTL_BIN, "apply", (dir / "site.toml").string(), "--auto-approve", "--no-verify"});
  double again_took = seconds_since(again_start);
  int writes_second = count_writes(dir / "sim") - writes_first;
  std::printf("apply %3d cluster(s) (%3zu nodes, %4zu actions): %7.1f s; critical-path lower bound %7.1f s; ratio %.3f "
              "(exit %d)\n",
              clusters, loaded->all_nodes().size(), plan->graph.size(), took, bound, took / bound, apply.exit_code);
  std::printf("  second apply: %.1f s, %d writes or restarts (exit %d)\n", again_took, writes_second, again.exit_code);
  sim->stop();
  std::filesystem::remove_all(dir);
}

void bench_refresh(int nodes, int parallelism, int subnet) {
  auto dir = write_fleet("refresh", nodes / 2, subnet);
  auto sim = start_sim(dir);
  auto loaded = config::load_site_or_error(dir / "site.toml", providers::vos_units());
  auto secrets = providers::resolve_site_secrets(*loaded);
  auto shared = std::make_shared<const providers::SecretMap>(*secrets);
  {
    // Untimed warm-up: a cold vos-sim still makes node identities in the background after its ready line, and the
    // first read of each waits for it. The figures are about trustctl, not the simulator's key generation.
    providers::SessionPool warm({false, providers::ssh_opener(shared, false), shared});
    (void)providers::refresh(*loaded, providers::make_registry(), warm, parallelism);
  }
  // One node alone: what a single refresh costs with this latency (login, pagination, list, each file, identity).
  double single = 0;
  {
    providers::SessionPool pool({false, providers::ssh_opener(shared, false), shared});
    auto start = Clock::now();
    (void)providers::read_node_state(pool, loaded->clusters[0].nodes[0]);
    single = seconds_since(start);
  }
  providers::SessionPool pool({false, providers::ssh_opener(shared, false), shared});
  auto start = Clock::now();
  auto refreshed = providers::refresh(*loaded, providers::make_registry(), pool, parallelism);
  double took = seconds_since(start);
  double ideal = single * ((nodes + parallelism - 1) / parallelism);
  std::printf("refresh %d nodes at parallelism %d: %.2f s; ideal %.2f s (one node %.2f s x %d waves); ratio %.3f; "
              "%zu errors\n",
              nodes, parallelism, took, ideal, single, (nodes + parallelism - 1) / parallelism, took / ideal,
              refreshed.errors.size());
  sim->stop();
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  setenv("BENCH_PASSWORD", "bench-secret", 1);
  std::vector<int> sizes = {1, 50};
  int refresh_nodes = 200;
  // A count in an argument, or a usage line and exit code 2 for anything else (--help included).
  auto count = [&](const std::string& text) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0 || argc > 3) {
      std::fprintf(stderr, "usage: apply_bench [CLUSTERS[,CLUSTERS...]] [REFRESH_NODES]  (default: 1,50 200)\n");
      std::exit(2);
    }
    return value;
  };
  if (argc > 1) {
    sizes.clear();
    std::stringstream list(argv[1]);
    std::string item;
    while (std::getline(list, item, ',')) sizes.push_back(count(item));
  }
  if (argc > 2) refresh_nodes = count(argv[2]);
  std::printf("appliance timings: command latency %d ms, restart %d ms, replication %d ms\n", kLatencyMs, kRestartMs,
              kReplicationMs);
  int subnet = 200;
  for (int clusters : sizes) {
    if (clusters <= 0) continue;
    bench_apply(clusters, subnet);
    subnet += 2;
  }
  bench_refresh(refresh_nodes, 20, 230);
  return 0;
}
