#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/stages/load_stage.hpp"
#include "engine/state/journal.hpp"

#include <iostream>
#include <map>

namespace trustctl::cli {

namespace {

// A field of an apply's start or end record; an interrupted apply has no end record (null), a journal whose start
// record was lost has no start: json::value() would throw on either.
std::string field(const nlohmann::json& record, const char* key, const std::string& otherwise) {
  return record.is_object() ? record.value(key, otherwise) : otherwise;
}

}  // namespace

// Past applies, newest last: who, when, which site digest, what was done, and the restarts still owed.
int run_journal(const CommonOptions& common) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term);
  if (!site) return kExitError;
  auto records = Journal::read(site->state_dir);
  if (!records) {
    report_errors({records.error()}, common, term);
    return kExitError;
  }
  struct Apply {
    nlohmann::json start;
    nlohmann::json end;
    int done = 0, failed = 0, skipped = 0;
    std::vector<std::string> failures;
  };
  std::vector<std::string> order;
  std::map<std::string, Apply> applies;
  for (const auto& r : *records) {
    std::string id = r.value("apply", "");
    std::string event = r.value("event", "");
    if (id.empty()) continue;
    if (!applies.count(id)) order.push_back(id);
    Apply& a = applies[id];
    if (event == "apply-start") a.start = r;
    if (event == "apply-end") a.end = r;
    if (event == "action-done") ++a.done;
    if (event == "action-failed") {
      ++a.failed;
      a.failures.push_back(r.value("error", r.value("action", "")));
    }
    if (event == "action-skipped") ++a.skipped;
  }
  auto pending = pending_restarts(*records);

  if (common.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& id : order) {
      const Apply& a = applies[id];
      list.push_back({{"apply", id},
                      {"started", field(a.start, "ts", "")},
                      {"user", field(a.start, "user", "")},
                      {"host", field(a.start, "host", "")},
                      {"site_digest", field(a.start, "site_digest", "")},
                      {"finished", field(a.end, "ts", "")},
                      {"done", a.done},
                      {"failed", a.failed},
                      {"skipped", a.skipped},
                      {"failures", a.failures}});
    }
    nlohmann::json owed = nlohmann::json::array();
    for (const auto& p : pending) owed.push_back({{"node", p.node}, {"service", p.service}, {"owed_by", p.owed_by}});
    std::cout << nlohmann::json{{"applies", list}, {"pending_restarts", owed}}.dump(2) << std::endl;
    return kExitOk;
  }
  if (order.empty()) std::cout << "No applies recorded in " << Journal::path_in(site->state_dir).string() << ".\n";
  for (const auto& id : order) {
    const Apply& a = applies[id];
    std::cout << term.bold("apply " + id) << "  " << field(a.start, "ts", "?") << "  by " << field(a.start, "user", "?")
              << "@" << field(a.start, "host", "?") << "  site digest " << field(a.start, "site_digest", "").substr(0, 12)
              << "\n  " << a.done << " done, " << a.failed << " failed, " << a.skipped << " skipped"
              << (a.end.is_null() ? term.red("  (no end record: interrupted)") : "") << "\n";
    for (const auto& f : a.failures) std::cout << "  " << term.red("failed: ") << f << "\n";
  }
  if (!pending.empty()) {
    std::cout << "\n" << term.yellow("Restarts still owed (the next plan includes them):") << "\n";
    for (const auto& p : pending) std::cout << "  " << p.node << ": " << p.service << " (after " << p.owed_by << ")\n";
  }
  return kExitOk;
}

}  // namespace trustctl::cli
