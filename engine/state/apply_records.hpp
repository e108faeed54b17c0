#pragma once
// The journal's record formats, in one place: what an apply writes before and after each action, which restarts a
// change owes, and how an apply starts and ends. Every record carries "v" (its format version); Journal::append adds
// the timestamp. Records are for people and for the next run: never put a secret in one.

#include "engine/graph/action.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace trustctl::records {

inline constexpr int kRecordVersion = 1;

struct ApplyStart {
  std::string apply_id;
  std::string command = "apply";  // "apply" | "csr"
  std::string user;
  std::string host;
  std::string site;
  std::string site_file;
  std::string site_digest;
  std::size_t actions = 0;
  int restarts = 0;
};
nlohmann::json apply_start(const ApplyStart& start);

// "action-start" (with the attempt), then "action-done" | "action-failed" | "action-skipped".
nlohmann::json action_event(const std::string& apply_id, const std::string& event, const Action& action);

// A restart `owed_by` makes necessary; written before that change is sent, settled only by a completed restart.
nlohmann::json restart_owed(const std::string& apply_id, const OwedRestart& restart, const std::string& owed_by);
// The change that owed it ended without touching the appliance (refused before anything was committed).
nlohmann::json restart_released(const std::string& apply_id, const OwedRestart& restart, const std::string& owed_by);

struct ApplyEnd {
  std::string apply_id;
  int done = 0;
  int failed = 0;
  int skipped = 0;
  std::string interrupted_by;  // "SIGTERM" and the like, when a signal stopped it
};
nlohmann::json apply_end(const ApplyEnd& end);

}  // namespace trustctl::records
