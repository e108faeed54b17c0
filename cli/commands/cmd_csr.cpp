// trustctl csr SITE --out DIR: every CSR an outside CA must sign, written to DIR for the CA.
//
// Only identities that need a change (the same test plan uses) and whose issuer is an outside CA ([[ca]] with
// signed_dir) get one. A CSR already pending on the node that asks for the right names is exported again rather than
// replaced: a new CSR would orphan whatever the CA is already signing. --regenerate replaces it anyway.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/lock_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "engine/base/duration.hpp"
#include "engine/model/printable.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"
#include "plans/identity.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/vos/vos_cli.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

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

// The pending CSR when it still fits the need; otherwise a new one made on the node and read back.
Result<std::string> csr_for(providers::SessionPool& pool, const plans::IdentityNeed& need, const NodeState* state,
                            bool regenerate, std::string& origin) {
  const std::string& unit = need.policy->unit;
  if (!regenerate && state) {
    auto pending = state->pending_csrs.find(unit);
    if (pending != state->pending_csrs.end() && same_names(pending->second.dns_names, need.names)) {
      origin = "pending";
      return pending->second.pem;
    }
  }
  std::string pem;
  auto made = pool.with_session(*need.node, [&](transport::CliSession& session) -> Result<void> {
    if (auto ok = vos::generate_csr(session, unit, need.multi_server()); !ok) return ok;
    auto read = vos::read_csr(session, unit);
    if (!read) return fail(read.error());
    pem = std::move(*read);
    return {};
  });
  if (!made) return fail(made.error());
  origin = "generated";
  return pem;
}

// The CSR lands in --out and nowhere else: a name that would leave it is refused, and the file is written under a
// temporary name and renamed into place, so a link planted at the final name is replaced, never followed.
Result<std::filesystem::path> write_csr(const std::filesystem::path& out_dir, const std::string& name,
                                        const std::string& text) {
  const std::filesystem::path dir = out_dir.lexically_normal();
  const std::filesystem::path path = (dir / name).lexically_normal();
  if (name.empty() || name.find('/') != std::string::npos || path.parent_path() != dir.lexically_normal()) {
    return fail(Error(ErrorCode::internal, "refusing to write CSR file '" + name + "' outside " + dir.string()));
  }
  std::string temporary = (dir / ".trustctl-csr-XXXXXX").string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return fail(Error(ErrorCode::io, "cannot write in " + dir.string() + "; check the directory's permissions"));
  ::fchmod(fd, 0644);  // a request is no secret: the CA's operator reads it
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return fail(Error(ErrorCode::io, "cannot write " + path.string() + "; check the directory's permissions"));
  }
  return path;
}

}  // namespace

int run_csr(const CommonOptions& common, const CsrOptions& options, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context) return kExitError;
  const Terminal& term = context->term;
  const Site* site = &context->site;
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) {
    report_errors({Error(ErrorCode::io, "cannot create --out " + options.out + ": " + ec.message())}, common, term);
    return kExitError;
  }
  // Generating a CSR changes the node (it replaces any pending one): one writer per state directory, as for apply.
  // Checked when the command line was parsed (command_table.cpp), so it parses here.
  auto wait = parse_duration(options.lock_timeout, "--lock-timeout").value_or(std::chrono::milliseconds(0));
  auto lock = acquire_state_lock(site->state_dir, "csr " + common.site, wait, options.lock_timeout, term);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }
  if (!open_sessions(*context)) return kExitError;
  if (common.format != "json") term.progress("reading identities and pending CSRs...");
  auto refreshed = providers::refresh(*site, *context->pool, context->parallelism());
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, common, term);
    return kExitError;
  }
  auto needs = plans::identity_needs(*site, refreshed.state, registry, now_utc());
  if (!needs) {
    report_errors({needs.error()}, common, term);
    return kExitError;
  }

  auto journal = Journal::open(site->state_dir);
  if (!journal) {
    report_errors({journal.error()}, common, term);
    return kExitError;
  }
  const std::string run_id = "csr-" + lock->id();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  bool started = false;

  std::vector<CsrRow> rows;
  std::vector<Error> errors;
  for (const auto& need : *needs) {
    if (!need.ca || !need.ca->signs_outside()) continue;  // self-signed and local CAs are handled by apply
    if (!started) {
      auto ok = journal->append({{"event", "apply-start"}, {"apply", run_id}, {"command", "csr"},
                                 {"user", current_user()}, {"host", host}, {"site", site->name},
                                 {"site_file", site->file.string()}, {"site_digest", site->file_digest}});
      if (!ok) {
        report_errors({ok.error()}, common, term);
        return kExitError;
      }
      started = true;
    }
    auto state = refreshed.state.nodes.find(need.node->name);
    std::string origin;
    auto pem = csr_for(*context->pool, need, state == refreshed.state.nodes.end() ? nullptr : &state->second,
                       options.regenerate, origin);
    const std::string action = need.node->name + ":generate-csr:" + need.policy->unit;
    if (!pem) {
      Error e = pem.error();
      if (e.node.empty()) e.node = need.node->name;
      errors.push_back(e);
      (void)journal->append({{"event", "action-failed"}, {"apply", run_id}, {"action", action},
                             {"error", e.message}});
      continue;
    }
    auto info = pki::inspect_csr(*pem);
    auto written = write_csr(options.out, plans::csr_file_name(need), *pem);
    if (!written) {
      errors.push_back(written.error());
      continue;
    }
    const std::filesystem::path& file = *written;
    if (origin == "generated") {
      (void)journal->append({{"event", "action-done"}, {"apply", run_id}, {"action", action},
                             {"file", file.string()}});
    }
    rows.push_back(CsrRow{need.node->name, need.policy->unit, need.multi_server(), file.string(),
                          info ? info->dns_names : need.names, need.ca->name,
                          need.ca->signed_dir ? need.ca->signed_dir->string() : "", origin, need.why});
  }
  if (started) {
    (void)journal->append({{"event", "apply-end"}, {"apply", run_id}, {"done", rows.size()},
                           {"failed", errors.size()}, {"skipped", 0}});
  }

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

}  // namespace trustctl::cli
