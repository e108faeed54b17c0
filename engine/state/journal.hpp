#pragma once
// The journal: append-only JSON lines in the state directory, fsync'd before an action starts and after it ends, so a
// crash can never lose what was done or a restart that is still owed. A journal that cannot be read stops trustctl
// with an error; it is never deleted or silently rewritten (a lost journal can mean a lost restart).

#include "engine/base/utc_time.hpp"
#include "engine/model/error.hpp"
#include "engine/state/journal_records.hpp"
#include "engine/state/pending_restart.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace trustctl {

class Journal {
 public:
  static std::filesystem::path path_in(const std::filesystem::path& state_dir) { return state_dir / "journal.jsonl"; }

  // Opens for appending. A file that ends in a record cut mid-write gets that record ended first (see
  // journal_records.hpp), so the next record starts on a line of its own.
  static Result<Journal> open(const std::filesystem::path& state_dir);
  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  ~Journal();

  // Adds "ts" (UTC, ISO 8601) and "format_version" and writes one line, then fsyncs. Never pass secrets: records are for people.
  Result<void> append(nlohmann::json record);

  // Every record, in order. No file: empty. A malformed line or a field of the wrong type: an error naming the line.
  // A record cut mid-write is skipped (see journal_records.hpp); read_contents also returns the warning about it.
  static Result<std::vector<nlohmann::json>> read(const std::filesystem::path& state_dir);
  static Result<JournalContents> read_contents(const std::filesystem::path& state_dir);

 private:
  Journal(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
  Result<void> end_torn_record();
  Result<void> write_all(const std::string& text);
  int m_fd = -1;
  std::filesystem::path m_path;
  bool m_unsure = false;  // a write failed part-way: the file may end in a cut record
};

// The record `trustctl journal SITE --forget-owed NODE [--service NAME]` writes: the owed restarts of the node (of
// that service only, when "service" is given) are settled without running them.
inline constexpr std::string_view kRestartForgottenEvent = "restart-forgotten";

// Restarts owed by completed changes and not yet run, from the journal's records ("restart-owed" adds, a finished
// "restart" action clears, a finished "restart-system" clears every restart of its node, and so does a
// "restart-forgotten" record). A system restart is owed as the service "system".
std::vector<PendingRestart> pending_restarts(const std::vector<nlohmann::json>& records);


// Who runs trustctl, for the journal's records (the login name, else $USER, else the uid).
std::string current_user();

}  // namespace trustctl
