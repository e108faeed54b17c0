#pragma once
// Every subcommand's options and its entry point. Exit codes: 0 success (no changes), 1 error, 2 success with
// changes pending (plan --detailed-exitcode), 3 changes pending that lint errors block (plan --detailed-exitcode). command_table.hpp lists the commands; main dispatches through it.

#include "cli/output/terminal.hpp"
#include "providers/registry.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace trustctl::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;
inline constexpr int kExitBlocked = 3;  // plan --detailed-exitcode: changes, but error findings block apply

// --cluster/--node (repeatable) and their --exclude-* opposites: the nodes a command is limited to (cli/stages/target.hpp).
struct TargetOptions {
  std::vector<std::string> clusters;
  std::vector<std::string> nodes;
  std::vector<std::string> exclude_clusters;
  std::vector<std::string> exclude_nodes;
  bool any() const {
    return !clusters.empty() || !nodes.empty() || !exclude_clusters.empty() || !exclude_nodes.empty();
  }
};

struct CommonOptions {
  std::string site;
  std::string format = "text";  // text | json | jsonl (plan, apply, verify) | markdown (plan) | dot, svg (graph)
  bool no_color = false;
  bool trust_on_first_use = false;
  int parallelism = 0;          // 0: the site's connection.parallelism
  bool refresh_full = false;    // --refresh=full: read every trust file, whatever the trust cache holds
  TargetOptions target;         // plan, apply, verify, show, expiry
};

struct PlanOptions {
  bool detailed_exitcode = false;
  std::string out;   // --out FILE: also save the plan (plans/plan_file.hpp)
  std::string from;  // --from FILE: render a saved plan instead of refreshing
};

struct GraphOptions {
  std::string type = "plan";  // plan (the action graph) | trust (who must trust whom, from the site file)
  std::string out;   // DOT (or SVG) to this file instead of stdout
  std::string from;  // draw a saved plan instead of refreshing
};

struct ApplyOptions {
  bool auto_approve = false;
  bool fail_fast = false;
  bool no_verify = false;
  std::string lock_timeout = "0s";  // how long to wait for a held state lock
  std::string deadline;  // --deadline as typed (engine/base/deadline.hpp)
  std::optional<std::chrono::system_clock::time_point> deadline_at;  // parsed by run_apply
};

struct LintOptions {
  std::vector<std::string> files;  // CERT.pem [CHAIN.pem ...], or one site file
  std::string product;
  std::string unit = "tomcat";
  std::string fqdn;
  std::vector<std::string> cluster_fqdns;
  std::string csr;
  std::string version;
  std::optional<int> renew_before_days;
  bool multi_server = false;
  bool offline = false;  // a site: contact nothing (no node read for its deployed certificates, no external probe)
  std::string format = "text";
  bool no_color = false;
};

struct ProbeOptions {
  std::string target;  // HOST:PORT
  std::string servername;
  int timeout_s = 10;
  std::string format = "text";
  bool no_color = false;
};

struct CaInitOptions {
  std::string name = "lab-ca";
  std::string out_dir = ".";
  std::string common_name;  // default: the name
  std::string key = "rsa-2048";
  int days = 3650;
};

struct ExpiryOptions {
  int within = -1;  // days; -1: report only
};

struct CsrOptions {
  std::string out;          // where the CSR files go
  bool regenerate = false;  // replace CSRs already pending on the nodes
  std::string lock_timeout = "0s";
};

struct JournalOptions {
  std::string forget_owed;  // --forget-owed NODE: settle the node's owed restarts without running them
  std::string service;      // --service NAME: only that service's
};

struct UnlockOptions {
  std::string id;
  bool force = false;  // remove it even if its holder still runs here, or the lock cannot be read
};

struct ReportOptions {
  std::string out;  // the HTML file
};

struct BundleOptions {
  std::string format = "pem";  // pem | p7b
  std::string out;
};

// Commands that know products take the registry main built once.
int run_validate(const CommonOptions& common, const providers::Registry& registry);
int run_expiry(const CommonOptions& common, const ExpiryOptions& options, const providers::Registry& registry);
int run_bundle(const CommonOptions& common, const BundleOptions& options, const providers::Registry& registry);
int run_csr(const CommonOptions& common, const CsrOptions& options, const providers::Registry& registry);
int run_show(const CommonOptions& common, const providers::Registry& registry);
int run_report(const CommonOptions& common, const ReportOptions& options, const providers::Registry& registry);
int run_journal(const CommonOptions& common, const JournalOptions& options, const providers::Registry& registry);
int run_verify(const CommonOptions& common, const providers::Registry& registry);
int run_ca_init(const CaInitOptions& options);
int run_plan(const CommonOptions& common, const PlanOptions& options, const providers::Registry& registry);
int run_graph(const CommonOptions& common, const GraphOptions& options, const providers::Registry& registry);
int run_apply(const CommonOptions& common, const ApplyOptions& options, const providers::Registry& registry);
int run_unlock(const CommonOptions& common, const UnlockOptions& options, const providers::Registry& registry);
int run_lint(const LintOptions& options, const providers::Registry& registry);
int run_probe(const ProbeOptions& options);

}  // namespace trustctl::cli
