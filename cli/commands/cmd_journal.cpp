#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "engine/graph/action.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/journal_summary.hpp"
#include "engine/state/state_lock.hpp"

#include <unistd.h>

#include <iostream>
#include <map>

namespace trustctl::cli {
namespace {

nlohmann::json to_json(const JournalView& view, const JournalContents& contents,
                       const std::vector<PendingRestart>& pending) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : view.applies) {
    list.push_back({{"apply", a.id},
                    {"started", a.started},
                    {"user", a.user},
                    {"host", a.host},
                    {"site_digest", a.site_digest},
                    {"finished", a.finished},
                    {"interrupted", !a.ended || !a.stopped_by.empty()},
                    {"interrupted_by", a.stopped_by},
                    {"done", a.done},
                    {"failed", a.failed},
                    {"skipped", a.skipped},
                    {"failures", a.failures}});
  }
  nlohmann::json owed = nlohmann::json::array();
  for (const auto& p : pending) owed.push_back({{"node", p.node}, {"service", p.service}, {"owed_by", p.owed_by}});
  nlohmann::json forgotten = nlohmann::json::array();
  for (const auto& f : view.forgotten) {
    forgotten.push_back({{"node", f.node}, {"service", f.service}, {"user", f.user}, {"host", f.host}, {"ts", f.ts}});
  }
  return {{"applies", list},
          {"pending_restarts", owed},
          {"forgotten_restarts", forgotten},
          {"torn_lines", contents.torn_lines},
          {"warnings", contents.warnings}};
}

void print_text(const JournalView& view, const JournalContents& contents, const std::vector<PendingRestart>& pending,
                const Site& site, const Terminal& term) {
  if (view.applies.empty()) std::cout << "No applies recorded in " << Journal::path_in(site.state_dir).string() << ".\n";
  for (const auto& a : view.applies) {
    std::cout << term.bold("apply " + a.id) << "  " << (a.started.empty() ? "?" : a.started) << "  by "
              << (a.user.empty() ? "?" : a.user) << "@" << (a.host.empty() ? "?" : a.host) << "  site digest "
              << a.site_digest.substr(0, 12) << "\n  " << a.done << " done, " << a.failed << " failed, " << a.skipped
              << " skipped" << (a.ended ? "" : term.red("  (no end record: interrupted)"))
              << (a.stopped_by.empty() ? "" : term.yellow("  (stopped by " + a.stopped_by + ")")) << "\n";
    for (const auto& f : a.failures) std::cout << "  " << term.red("failed: ") << f << "\n";
  }
  for (const auto& f : view.forgotten) {
    std::cout << term.yellow("forgotten: ") << f.node << ": "
              << (f.service.empty() ? std::string("every owed restart") : f.service) << "  by " << f.user << "@"
              << f.host << " at " << f.ts << " (settled without running it)\n";
  }
  for (int line : contents.torn_lines) {
    std::cout << term.yellow("note: ") << Journal::path_in(site.state_dir).string() << ":" << line
              << " holds a record cut mid-write by an interrupted trustctl; it is skipped\n";
  }
  if (pending.empty()) return;
  std::cout << "\n" << term.yellow("Restarts still owed (the next plan includes them):") << "\n";
  for (const auto& p : pending) {
    std::string what = p.service == kSystemRestart ? std::string("the whole node (utils system restart)") : p.service;
    std::cout << "  " << p.node << ": " << what << " (after " << p.owed_by << ")";
    if (!site.find_node(p.node)) {
      std::cout << term.yellow("  the site has no node " + p.node + ": if it is gone, settle it with `trustctl "
                               "journal SITE --forget-owed " + p.node + "`");
    }
    std::cout << "\n";
  }
}

// `--forget-owed NODE [--service NAME]`: settles owed restarts without running them (the node was removed from the
// site, the service does not exist, or someone restarted it by hand), journaled as a record of its own. Under the
// state lock, so no apply writes the journal meanwhile.
int forget_owed(const Site& site, const CommonOptions& common, const JournalOptions& options, const Terminal& term) {
  auto lock = StateLock::acquire(site.state_dir, "journal --forget-owed " + common.site);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }
  auto contents = Journal::read_contents(site.state_dir);
  if (!contents) {
    report_errors({contents.error()}, common, term);
    return kExitError;
  }
  nlohmann::json forgotten = nlohmann::json::array();
  for (const auto& p : pending_restarts(contents->records)) {
    if (p.node != options.forget_owed || (!options.service.empty() && p.service != options.service)) continue;
    forgotten.push_back({{"service", p.service}, {"owed_by", p.owed_by}});
  }
  const std::string what = options.forget_owed + (options.service.empty() ? "" : " (" + options.service + ")");
  if (forgotten.empty()) {
    report_errors({Error(ErrorCode::journal, "no restart is owed for " + what + "; nothing was recorded. "
                                             "`trustctl journal SITE` lists the restarts still owed")},
                  common, term);
    return kExitError;
  }
  auto journal = Journal::open(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, common, term);
    return kExitError;
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  nlohmann::json record = {{"event", std::string(kRestartForgottenEvent)}, {"node", options.forget_owed},
                           {"user", current_user()}, {"host", host}, {"forgotten", forgotten}};
  if (!options.service.empty()) record["service"] = options.service;
  if (auto ok = journal->append(record); !ok) {
    report_errors({ok.error()}, common, term);
    return kExitError;
  }
  if (common.format == "json") {
    print_json({{"ok", true}, {"node", options.forget_owed}, {"forgotten", forgotten}});
    return kExitOk;
  }
  std::cout << "Forgot " << forgotten.size() << " owed restart(s) on " << options.forget_owed << ":";
  for (const auto& f : forgotten) std::cout << " " << f["service"].get<std::string>() << ";";
  std::cout << " recorded in " << Journal::path_in(site.state_dir).string() << " by " << current_user() << "@" << host
            << ". The next plan no longer includes them.\n";
  return kExitOk;
}

}  // namespace

// Past applies, newest last: who, when, which site digest, what was done, and the restarts still owed.
int run_journal(const CommonOptions& common, const JournalOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term, registry);
  if (!site) return kExitError;
  if (!options.forget_owed.empty()) return forget_owed(*site, common, options, term);
  auto contents = Journal::read_contents(site->state_dir);
  if (!contents) {
    report_errors({contents.error()}, common, term);
    return kExitError;
  }
  if (common.format != "json") {
    for (const auto& w : contents->warnings) std::cerr << term.yellow("warning: ") << w << "\n";
  }
  auto view = summarise(contents->records);
  auto pending = pending_restarts(contents->records);
  if (common.format == "json") {
    print_json(to_json(view, *contents, pending));
  } else {
    print_text(view, *contents, pending, *site, term);
  }
  return kExitOk;
}

}  // namespace trustctl::cli
