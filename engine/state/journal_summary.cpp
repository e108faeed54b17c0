#include "engine/state/journal_summary.hpp"

#include "engine/state/journal.hpp"
#include "engine/state/journal_records.hpp"

#include <map>

namespace trustctl {

JournalView summarise(const std::vector<nlohmann::json>& records) {
  JournalView view;
  std::map<std::string, std::size_t> index;
  for (const auto& r : records) {
    const std::string event = record_text(r, "event");
    if (event == kRestartForgottenEvent) {
      view.forgotten.push_back({record_text(r, "node"), record_text(r, "service"), record_text(r, "user"),
                                record_text(r, "host"), record_text(r, "ts")});
      continue;
    }
    const std::string id = record_text(r, "apply");
    if (id.empty()) continue;
    auto [at, added] = index.emplace(id, view.applies.size());
    if (added) view.applies.push_back(ApplyRun{.id = id});
    ApplyRun& a = view.applies[at->second];
    if (event == "apply-start") {
      a.started = record_text(r, "ts");
      a.user = record_text(r, "user");
      a.host = record_text(r, "host");
      a.site_digest = record_text(r, "site_digest");
    } else if (event == "apply-end") {
      a.ended = true;
      a.finished = record_text(r, "ts");
      a.stopped_by = record_text(r, "interrupted_by");
    } else if (event == "action-done") {
      ++a.done;
    } else if (event == "action-failed") {
      ++a.failed;
      a.failures.push_back(record_text(r, "error", record_text(r, "action")));
    } else if (event == "action-skipped") {
      ++a.skipped;
    }
  }
  return view;
}

}  // namespace trustctl
