// Planning at fleet scale (issue 4, point 8): plans synthetic fleets of 600, 6,000 and 60,000 nodes from an in-memory
// live-state snapshot (no network) and prints, per size, the wall time of make_plan and the process's peak memory,
// then how the cost grows with the fleet. Target on the 2-core dev machine: 6,000 nodes (60,000 trust requirements)
// in at most 1 s and 1 GiB, growing linearly.
//
// Each size runs in its own child process, so every peak-RSS figure (getrusage ru_maxrss) belongs to that size alone.
// A size that has not finished within --limit seconds is stopped and reported as such.
//
//   plan_bench                      600, 6000 and 60000 nodes
//   plan_bench 6000 --repeat 5      one size, best of five plans (repeats find the signature memo warm), and of
//                                   five of each --breakdown part
//   plan_bench --limit 120 --breakdown   also make_plan's stages, plan_to_json, the text plan, and the saved plan's
//                                        write and read (issue 15: at 6,000 nodes, each under 0.5 s), read
//                                        both to be rendered (every certificate decoded) and as apply reads it
//                                        (certificates checked by fingerprint, decoded on first use)
//   plan_bench 6000 --small-pages   without what trustctl does first (engine/base/huge_page_heap.hpp): the heap in
//                                   4 KiB pages, to see what huge pages are worth on this machine
//
// Not a ctest test: speed is measured here, never asserted (CONTRIBUTING.md).

#include "fleet.hpp"

#include "engine/base/huge_page_heap.hpp"
#include "plans/diff.hpp"
#include "plans/estimate.hpp"
#include "plans/plan_file.hpp"
#include "plans/plan_stages.hpp"
#include "plans/render_json.hpp"
#include "plans/render_text.hpp"
#include "plans/requirements.hpp"
#include "providers/registry.hpp"
#include "providers/vos/vos_units.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace trustctl;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// User + system CPU seconds of this process: on a shared, loaded machine wall time includes waiting for a core, and
// the CPU figure shows how much of it was the planner's own work.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

struct Options {
  std::vector<int> sizes;
  int repeat = 1;
  int limit_s = 600;
  bool breakdown = false;
  bool small_pages = false;  // --small-pages: the heap as glibc leaves it
  std::string keep;  // --keep FILE: the saved plan of the (last) size is left there for a look at its contents
};

// What one child measured, as "key=value" lines on a pipe.
using Figures = std::map<std::string, std::string>;

Figures measure(int nodes, const Options& options) {
  Figures f;
  auto start = Clock::now();
  bench::Fleet fleet = bench::make_fleet({.nodes = nodes});
  f["build_s"] = std::to_string(seconds_since(start));
  f["nodes"] = std::to_string(fleet.nodes);
  f["clusters"] = std::to_string(fleet.clusters);
  f["rss_fleet_mib"] = std::to_string(peak_rss_mib());
  auto registry = providers::make_registry();

  double best = 1e300, best_cpu = 1e300;
  std::optional<plans::Plan> plan;
  for (int r = 0; r < options.repeat; ++r) {
    plan.reset();
    double cpu = cpu_seconds();
    auto t = Clock::now();
    auto made = plans::make_plan(fleet.site, fleet.live, registry);
    double took = seconds_since(t);
    cpu = cpu_seconds() - cpu;
    if (!made) {
      f["error"] = made.error().describe();
      return f;
    }
    best = std::min(best, took);
    best_cpu = std::min(best_cpu, cpu);
    plan = std::move(*made);
  }
  f["plan_s"] = std::to_string(best);
  f["plan_cpu_s"] = std::to_string(best_cpu);
  f["rss_peak_mib"] = std::to_string(peak_rss_mib());
  f["actions"] = std::to_string(plan->graph.size());
  f["edges"] = std::to_string(plan->graph.edges().size());
  auto summary = plan->summary();
  f["restarts"] = std::to_string(summary.restarts);

  // Requirement count (the fleet's size in the terms) and, with --breakdown, where the time goes.
  auto t = Clock::now();
  auto requirements = plans::resolve_trust_requirements(fleet.site, fleet.live, registry);
  f["resolve_s"] = std::to_string(seconds_since(t));
  f["requirements"] = requirements ? std::to_string(requirements->size()) : "error";
  // With --repeat, every part is the best of the repeats too: on a shared machine one run can be twice another.
  auto keep_best = [&](const std::string& key, double seconds) {
    auto it = f.find(key);
    if (it == f.end() || seconds < std::atof(it->second.c_str())) f[key] = std::to_string(seconds);
  };
  for (int r = 0; options.breakdown && r < options.repeat; ++r) {
    // make_plan's stages one by one (plans/plan_stages.hpp), on the memo make_plan left warm.
    plans::PlanDraft draft(fleet.site, fleet.live, registry);
    auto stage = [&](const char* name, const auto& run) {
      auto at = Clock::now();
      run();
      keep_best(std::string("stage_") + name, seconds_since(at));
    };
    stage("1_resolve", [&] { (void)plans::resolve(draft, now_utc()); });
    stage("2_diff_trust", [&] { (void)plans::diff_trust(draft); });
    stage("3_add_identities", [&] { plans::add_identities(draft); });
    stage("4_prune", [&] { plans::prune(draft, nullptr); });
    stage("5_plan_restarts", [&] { plans::plan_restarts(draft, {}); });
    stage("6_order", [&] { (void)plans::order(draft); });
    t = Clock::now();
    auto order = plan->graph.topological_order();
    keep_best("topo_s", seconds_since(t));
    t = Clock::now();
    const plans::Estimate estimate = plans::estimate(*plan);
    keep_best("estimate_s", seconds_since(t));
    t = Clock::now();
    std::string json = plans::plan_to_json(*plan).dump();
    keep_best("json_s", seconds_since(t));
    t = Clock::now();
    const std::string text_plan = plans::render_text(*plan, fleet.site, {.color = false});
    keep_best("render_text_s", seconds_since(t));
    f["render_text_mib"] = std::to_string(static_cast<double>(text_plan.size()) / (1024.0 * 1024.0));
    f["json_mib"] = std::to_string(static_cast<double>(json.size()) / (1024.0 * 1024.0));
    {
      // The saved plan's parts: its text alone (write_plan_file adds writing it, fsync and rename), and parsing and
      // decoding it into a plan (read_plan_file adds reading the file); then what reading it would cost with an
      // nlohmann::json document, parsed and freed, as it was read before plans/json_view.hpp.
      t = Clock::now();
      const std::string text = plans::plan_file_text(*plan, fleet.site, {});
      keep_best("text_s", seconds_since(t));
      t = Clock::now();
      auto decoded = plans::plan_from_file_text(text, "bench", providers::vos_units());
      keep_best("decode_s", seconds_since(t));
      if (!decoded) f["error"] = "saved plan: " + decoded.error().describe();
      t = Clock::now();
      auto parsed = nlohmann::json::parse(text);
      keep_best("parse_s", seconds_since(t));
      t = Clock::now();
      parsed = nlohmann::json();
      keep_best("free_s", seconds_since(t));
    }
    // The saved plan (plan --out, then apply F or plan --from F) at this size.
    auto path = std::filesystem::temp_directory_path() / ("trustctl-plan-bench-" + std::to_string(getpid()) + ".json");
    t = Clock::now();
    auto written = plans::write_plan_file(*plan, fleet.site, path);
    keep_best("write_s", seconds_since(t));
    t = Clock::now();
    auto read = plans::read_saved_plan(path, providers::vos_units());
    keep_best("read_s", seconds_since(t));
    if (!written || !read) f["error"] = "saved plan: " + (!written ? written.error() : read.error()).describe();
    if (read) {
      // What `plan --from` does next: the certificates are named in it (only their names were read from the DER).
      t = Clock::now();
      const std::string shown = plans::render_text(read->plan, read->layout, {.color = false});
      keep_best("read_text_s", seconds_since(t));
      if (shown != text_plan) f["error"] = "the text plan of the read plan differs from the planned one's";
    }
    {
      // As apply reads it: the text kept for the comparison, the certificates checked but not decoded.
      plans::PlanAsWritten written;
      t = Clock::now();
      auto reviewed = plans::read_saved_plan(path, providers::vos_units(), &written,
                                             plans::CertificateDecoding::on_first_use);
      keep_best("read_apply_s", seconds_since(t));
      if (!reviewed) f["error"] = "saved plan, as apply reads it: " + reviewed.error().describe();
    }
    f["file_mib"] = std::to_string(static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0));
    if (options.keep.empty()) std::filesystem::remove(path);
    else std::filesystem::rename(path, options.keep);
  }
  return f;
}

std::string encode(const Figures& f) {
  std::string out;
  for (const auto& [k, v] : f) out += k + "=" + v + "\n";
  return out;
}

Figures decode(const std::string& text) {
  Figures f;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) f[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return f;
}

// Runs one size in a child process; the parent keeps its own memory out of the child's figures.
Figures run_child(int nodes, const Options& options) {
  int fds[2];
  if (pipe(fds) != 0) return {{"error", "pipe failed"}};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string text;
    try {
      text = encode(measure(nodes, options));
    } catch (const std::exception& e) {
      text = "error=" + std::string(e.what()) + "\n";
    }
    (void)!write(fds[1], text.data(), text.size());
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  auto deadline = Clock::now() + std::chrono::seconds(options.limit_s);
  bool timed_out = false;
  while (true) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ssize_t n;
  while (!timed_out && (n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  if (timed_out) return {{"error", "did not finish within " + std::to_string(options.limit_s) + " s"}};
  return decode(text);
}

double number(const Figures& f, const char* key) {
  auto it = f.find(key);
  return it == f.end() ? 0.0 : std::atof(it->second.c_str());
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) o.repeat = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--limit" && i + 1 < argc) o.limit_s = std::max(1, std::atoi(argv[++i]));
    else if (arg == "--breakdown") o.breakdown = true;
    else if (arg == "--small-pages") o.small_pages = true;
    else if (arg == "--keep" && i + 1 < argc) o.keep = argv[++i];
    else if (arg == "--help" || arg == "-h") {
      std::printf("usage: plan_bench [NODES...] [--repeat N] [--limit SECONDS] [--breakdown] [--keep FILE] "
                  "[--small-pages]\n");
      std::exit(0);
    } else {
      o.sizes.push_back(std::atoi(arg.c_str()));
    }
  }
  if (o.sizes.empty()) o.sizes = {600, 6000, 60000};
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  // As trustctl's main() does, unless asked not to; the children forked per size inherit it.
  trustctl::HugePageHeap heap;
  heap.why_not = "--small-pages";
  if (!options.small_pages) heap = trustctl::use_huge_pages_for_the_heap();
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("trustctl planning benchmark: make_plan on an in-memory fleet (no network), %u hardware threads, "
              "load average %.1f, heap in %s\n",
              std::thread::hardware_concurrency(), load[0],
              heap.enabled ? "huge pages" : ("4 KiB pages (" + heap.why_not + ")").c_str());
  std::printf("%8s %9s %12s %9s %9s %10s %10s %10s %12s %12s\n", "nodes", "clusters", "requirements", "actions",
              "edges", "fleet (s)", "plan (s)", "plan CPU", "RSS fleet", "peak RSS");
  std::vector<std::pair<int, Figures>> results;
  for (int size : options.sizes) {
    Figures f = run_child(size, options);
    if (f.count("error")) {
      std::printf("%8d  error: %s\n", size, f["error"].c_str());
      continue;
    }
    std::printf("%8s %9s %12s %9s %9s %10.3f %10.3f %10.3f %8.0f MiB %8.0f MiB\n", f["nodes"].c_str(),
                f["clusters"].c_str(), f["requirements"].c_str(), f["actions"].c_str(), f["edges"].c_str(),
                number(f, "build_s"), number(f, "plan_s"), number(f, "plan_cpu_s"), number(f, "rss_fleet_mib"),
                number(f, "rss_peak_mib"));
    if (options.breakdown) {
      std::printf("%8s   resolve %.3f s, topological order %.3f s, estimate %.3f s, plan_to_json %.3f s (%.1f MiB), "
                  "text plan %.3f s (%.1f MiB); plan file: write %.3f s, read %.3f s (as apply reads it %.3f s; the read "
                  "plan's text plan %.3f s) (%.1f MiB)\n",
                  "", number(f, "resolve_s"), number(f, "topo_s"), number(f, "estimate_s"), number(f, "json_s"),
                  number(f, "json_mib"), number(f, "render_text_s"), number(f, "render_text_mib"), number(f, "write_s"),
                  number(f, "read_s"), number(f, "read_apply_s"), number(f, "read_text_s"), number(f, "file_mib"));
      std::printf("%8s   plan file parts: text %.3f s, parse and decode %.3f s; an nlohmann::json document of it: "
                "parsed %.3f s, freed %.3f s\n",
                "", number(f, "text_s"), number(f, "decode_s"), number(f, "parse_s"), number(f, "free_s"));
      std::printf("%8s   make_plan stages (memo warm):", "");
      for (const auto& [key, value] : f) {
        if (key.rfind("stage_", 0) == 0) std::printf(" %s %.3f s", key.c_str() + 6, std::atof(value.c_str()));
      }
      std::printf("\n");
    }
    std::fflush(stdout);
    results.emplace_back(size, f);
  }
  // Linear growth means the time per node stays flat: the ratio of per-node costs should stay near 1.
  for (std::size_t k = 1; k < results.size(); ++k) {
    const Figures& a = results[k - 1].second;
    const Figures& b = results[k].second;
    double nodes = number(b, "nodes") / number(a, "nodes");
    double time = number(b, "plan_s") / std::max(number(a, "plan_s"), 1e-9);
    double memory = (number(b, "rss_peak_mib") - number(b, "rss_fleet_mib") + 1) /
                    (number(a, "rss_peak_mib") - number(a, "rss_fleet_mib") + 1);
    std::printf("growth %s -> %s nodes: x%.1f nodes, x%.1f plan time (per node x%.2f), x%.1f planning memory\n",
                a.at("nodes").c_str(), b.at("nodes").c_str(), nodes, time, time / nodes, memory);
  }
  return 0;
}
