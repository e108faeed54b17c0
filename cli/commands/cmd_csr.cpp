// trustctl csr SITE --out DIR: every CSR an outside CA must sign, written to DIR for the CA.
//
// Only identities that need a change (the same test plan uses) and whose issuer is an outside CA ([[ca]] with
// signed_dir) get one. A CSR already pending on the node that asks for the right names is exported again rather than
// replaced: a new CSR would orphan whatever the CA is already signing. --regenerate replaces it anyway. Making a
// CSR is a write on the node (it replaces the pending one): it runs through the executor and the journal like every
// apply action (ActionKind::export_csr, carried out by the VOS runner).

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/lock_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/base/duration.hpp"
#include "engine/exec/executor.hpp"
#include "engine/exec/journaled_run.hpp"
#include "engine/model/printable.hpp"
#include "engine/state/apply_records.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"
#include "plans/identity.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/vos/vos_action_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace trustctl::cli {
namespace {

struct CsrRow {
  std::string node;
  std::string unit;
  bool multi_server = false;
  std::string file;
  std::vector<std::string> names;
  std::string ca;
  std::string signed_dir;
  std::string origin;  // "generated" | "pending" (already on the node, exported again)
  std::string why;
};

bool same_names(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return std::includes(a.begin(), a.end(), b.begin(), b.end());
}

// The CSR lands in --out and nowhere else: a name that would leave it is refused (csr_file_name makes a file name,
// never a path; this is the check that it did).
Result<std::filesystem::path> csr_path(const std::filesystem::path& out_dir, const std::string& name) {
  const std::filesystem::path dir = out_dir.lexically_normal();
  const std::filesystem::path path = (dir / name).lexically_normal();
  if (name.empty() || name.find('/') != std::string::npos || path.parent_path() != dir) {
    return fail(Error(ErrorCode::internal, "refusing to write CSR file '" + name + "' outside " + dir.string()));
  }
  return path;
}

// A CSR pending on the node that still asks for the right names is exported again rather than replaced: a new one
// would orphan whatever the CA is already signing. Exporting it writes nothing on the node.
const PendingCsr* reusable_pending(const plans::IdentityNeed& need, const LiveState& live, bool regenerate) {
  if (regenerate) return nullptr;
  auto state = live.nodes.find(need.node->name);
  if (state == live.nodes.end()) return nullptr;
  auto pending = state->second.pending_csrs.find(need.policy->unit);
  if (pending == state->second.pending_csrs.end() || !same_names(pending->second.dns_names, need.names)) return nullptr;
  return &pending->second;
}

struct CsrWork {
  ActionGraph graph;                   // CSRs made on nodes: writes, run by the executor and journaled like apply's
  std::vector<CsrRow> rows;            // every CSR exported, in the order of the needs
  std::vector<std::size_t> row_of;     // graph index -> row
  std::vector<Error> errors;
};

CsrWork plan_csrs(const std::vector<plans::IdentityNeed>& needs, const LiveState& live, const CsrOptions& options) {
  CsrWork work;
  for (const auto& need : needs) {
    if (!need.ca || !need.ca->signs_outside()) continue;  // self-signed and local CAs are handled by apply
    auto path = csr_path(options.out, plans::csr_file_name(need));
    if (!path) {
      work.errors.push_back(path.error());
      continue;
    }
    CsrRow row{need.node->name, need.policy->unit, need.multi_server(), path->string(), need.names, need.ca->name,
               need.ca->signed_dir ? need.ca->signed_dir->string() : "", "pending", need.why};
    if (const PendingCsr* pending = reusable_pending(need, live, options.regenerate)) {
      if (auto written = AtomicFile::replace(*path, pending->pem, 0644); !written) {
        work.errors.push_back(written.error());
        continue;
      }
      work.rows.push_back(std::move(row));
      continue;
    }
    Action action;
    action.kind = ActionKind::export_csr;
    action.node = need.node->name;
    action.cluster = need.cluster->name;
    action.store = need.policy->unit;
    action.multi_server = need.multi_server();
    action.issuer_ca = need.ca->name;
    action.file = path->string();
    action.reason = need.why;
    action.region = need.policy->region;
    row.origin = "generated";
    work.row_of.push_back(work.rows.size());
    work.rows.push_back(std::move(row));
    work.graph.add(std::move(action));
  }
  return work;
}

// Runs the CSR exports through the executor with the journal, as apply runs its actions; a failed export's row is
// dropped and its error kept. Returns false when the journal cannot be written.
bool run_exports(RunContext& context, CsrWork& work, const std::string& run_id) {
  if (work.graph.size() == 0) return true;
  const Site& site = context.site;
  auto journal = Journal::open(site.state_dir);
  if (!journal) {
    work.errors.push_back(journal.error());
    return false;
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  auto started = journal->append(records::apply_start({.apply_id = run_id, .command = "csr", .user = current_user(),
                                                       .host = host, .site = site.name,
                                                       .site_file = site.file.string(),
                                                       .site_digest = site.file_digest,
                                                       .actions = work.graph.size()}));
  if (!started) {
    work.errors.push_back(started.error());
    return false;
  }
  providers::VosActionRunner real(site, context.registry, *context.pool);
  JournaledRun run(*journal, run_id, real, context.managed, site.state_dir);
  ExecOptions exec;
  exec.parallelism = context.parallelism();
  auto outcomes = execute(work.graph, run, exec, run);
  records::ApplyEnd end{.apply_id = run_id};
  std::vector<bool> failed(work.rows.size(), false);
  for (ActionGraph::Index i = 0; i < outcomes.size(); ++i) {
    end.done += outcomes[i].status == ActionStatus::done;
    end.failed += outcomes[i].status != ActionStatus::done;
    if (outcomes[i].status == ActionStatus::done) continue;
    failed[work.row_of[i]] = true;
    if (outcomes[i].error) work.errors.push_back(*outcomes[i].error);
  }
  (void)journal->append(records::apply_end(end));
  std::vector<CsrRow> kept;
  for (std::size_t r = 0; r < work.rows.size(); ++r) {
    if (!failed[r]) kept.push_back(std::move(work.rows[r]));
  }
  work.rows = std::move(kept);
  return true;
}

// The names each exported file asks for, as the CSR itself says (the node may add its own).
void read_back_names(std::vector<CsrRow>& rows) {
  for (auto& row : rows) {
    std::ifstream in(row.file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (auto info = pki::inspect_csr(text.str())) row.names = info->dns_names;
  }
}

int report_csrs(const std::vector<CsrRow>& rows, const std::vector<Error>& errors, const CommonOptions& common,
                const Terminal& term) {
  if (common.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      list.push_back({{"node", r.node}, {"unit", r.unit}, {"multi_server", r.multi_server}, {"file", r.file},
                      {"dns_names", r.names}, {"ca", r.ca}, {"signed_dir", r.signed_dir}, {"origin", r.origin},
                      {"reason", r.why}});
    }
    nlohmann::json errs = nlohmann::json::array();
    for (const auto& e : errors) errs.push_back(error_to_json(e));
    print_json({{"ok", errors.empty()}, {"csrs", list}, {"errors", errs}});
    return errors.empty() ? kExitOk : kExitError;
  }
  if (rows.empty() && errors.empty()) {
    std::cout << "No CSRs needed: every identity an outside CA signs is as its policy wants.\n";
    return kExitOk;
  }
  for (const auto& r : rows) {
    // The names come from the CSR the node made: shown printable, like every text from outside.
    std::cout << term.bold(printable(r.file)) << "\n  " << printable(r.node) << " " << r.unit
              << (r.multi_server ? " (multi-server)" : "") << ", "
              << (r.origin == "generated" ? "new CSR generated on the node" : "the CSR already pending") << "\n  names: ";
    for (std::size_t i = 0; i < r.names.size(); ++i) std::cout << (i ? ", " : "") << printable(r.names[i]);
    std::cout << "\n  why: " << printable(r.why) << "\n  next: have " << printable(r.ca)
              << " sign it (copying the SANs exactly, TC009), put the certificate in " << printable(r.signed_dir)
              << ", then run trustctl plan\n";
  }
  if (!errors.empty()) report_errors(errors, common, term);
  return errors.empty() ? kExitOk : kExitError;
}

}  // namespace

int run_csr(const CommonOptions& common, const CsrOptions& options, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context) return kExitError;
  const Terminal& term = context->term;
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) {
    report_errors({Error(ErrorCode::io, "cannot create --out " + options.out + ": " + ec.message())}, common, term);
    return kExitError;
  }
  // Generating a CSR changes the node (it replaces any pending one): one writer per state directory, as for apply.
  // Checked when the command line was parsed (command_table.cpp), so it parses here.
  auto wait = parse_duration(options.lock_timeout, "--lock-timeout").value_or(std::chrono::milliseconds(0));
  auto lock = acquire_state_lock(context->site.state_dir, "csr " + common.site, wait, options.lock_timeout, term);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }
  if (!open_sessions(*context)) return kExitError;
  if (common.format != "json") term.progress("reading identities and pending CSRs...");
  auto refreshed = refresh_cached(*context, {}, {});
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, common, term);
    return kExitError;
  }
  auto needs = plans::identity_needs(context->site, refreshed.state, registry, now_utc());
  if (!needs) {
    report_errors({needs.error()}, common, term);
    return kExitError;
  }
  CsrWork work = plan_csrs(*needs, refreshed.state, options);
  if (!run_exports(*context, work, "csr-" + lock->id())) {
    report_errors(work.errors, common, term);
    return kExitError;
  }
  read_back_names(work.rows);
  return report_csrs(work.rows, work.errors, common, term);
}

}  // namespace trustctl::cli
