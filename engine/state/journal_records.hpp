#pragma once
// Reading the journal's text: one JSON object per line, each field trustctl reads checked for its type, so a damaged
// or hand-edited journal is an error naming file:line and the field, never a crash. A record cut mid-write (trustctl
// killed or the machine lost power during an append) is the one damage tolerated: as the last line it is skipped with
// a warning; earlier in the file only when a later "torn-record" record, written by the journal writer when it moved
// past it, names that line.

#include "engine/model/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace trustctl {

// Written into every record as "format_version"; records of trustctl before it have none (read as 1). A record of a
// later version is refused (named), never half understood.
inline constexpr int kJournalFormatVersion = 1;

// The event the writer records when it finds the journal ending in a cut record: {"event": "torn-record",
// "line": N}. The cut bytes stay in the file (nothing is rewritten); the next record starts on a new line.
inline constexpr std::string_view kTornRecordEvent = "torn-record";

struct JournalContents {
  std::vector<nlohmann::json> records;  // every well-formed record, in order
  std::vector<int> record_lines;        // the line of each record (1-based), for messages
  std::vector<std::string> warnings;    // "FILE:LINE: ..." (a cut last record)
  std::vector<int> torn_lines;          // lines holding records cut mid-write (skipped)
};

// Parses the journal text; `origin` names the file in messages.
Result<JournalContents> parse_journal(std::string_view text, const std::string& origin);

// A string field of a record, or `fallback` when it is missing or not a string (records that did not come through
// parse_journal, e.g. built by tests).
std::string record_text(const nlohmann::json& record, const char* key, const std::string& fallback = "");

}  // namespace trustctl
