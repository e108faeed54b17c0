#include "engine/state/journal_records.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace trustctl {
namespace {

// Fields whose values trustctl reads back (`trustctl journal`, owed restarts): a record holding one with another type
// is damaged. Other fields are kept as they are.
constexpr const char* kStringFields[] = {"event", "apply",  "action", "kind",        "node",  "service", "owed_by",
                                         "ts",    "user",   "host",   "site_digest", "error", "command", "interrupted_by"};

// "null", "a number", "an object", ... (never the value itself: it could be anything, of any length).
std::string type_name(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  std::string name = value.type_name();
  return (name.front() == 'a' || name.front() == 'o' ? "an " : "a ") + name;
}

std::string at(const std::string& origin, int line) { return origin + ":" + std::to_string(line); }

Error damaged(const std::string& origin, int line, const std::string& what) {
  return Error(ErrorCode::journal,
               at(origin, line) + ": " + what +
                   ". The journal records restarts still owed, so trustctl will not guess: repair that line by hand "
                   "(or remove it if it is not a restart-owed record) and run again");
}

// The type checks of one parsed record; the first problem, if any.
std::optional<Error> check_record(const nlohmann::json& record, const std::string& origin, int line) {
  for (const char* key : kStringFields) {
    auto found = record.find(key);
    if (found != record.end() && !found->is_string()) {
      return damaged(origin, line,
                     std::string("field \"") + key + "\" is " + type_name(*found) + ", expected a string");
    }
  }
  if (auto version = record.find("format_version"); version != record.end()) {
    if (!version->is_number_integer() || version->get<long long>() < 1) {
      return damaged(origin, line, "field \"format_version\" is " + type_name(*version) + ", expected a whole number >= 1");
    }
    if (version->get<long long>() > kJournalFormatVersion) {
      return Error(ErrorCode::journal, at(origin, line) + ": the record has format_version " + version->dump() +
                                           ", written by a newer trustctl; use that version (this one reads " +
                                           std::to_string(kJournalFormatVersion) + ")");
    }
  }
  if (record_text(record, "event") == kTornRecordEvent) {
    auto torn = record.find("line");
    if (torn == record.end() || !torn->is_number_integer() || torn->get<long long>() < 1 ||
        torn->get<long long>() >= line) {
      return damaged(origin, line, "a torn-record record must name an earlier line (\"line\": a positive integer)");
    }
  }
  return std::nullopt;
}

}  // namespace

std::string record_text(const nlohmann::json& record, const char* key, const std::string& fallback) {
  if (!record.is_object()) return fallback;
  auto found = record.find(key);
  return found != record.end() && found->is_string() ? found->get<std::string>() : fallback;
}

Result<JournalContents> parse_journal(std::string_view text, const std::string& origin) {
  JournalContents out;
  std::vector<int> unreadable;  // lines that are not a JSON object, before the last
  std::set<int> acknowledged;   // lines a torn-record record names
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    const bool terminated = end != std::string_view::npos;
    if (!terminated) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      if (!terminated) {
        // A record is written with its newline in one write: a last line without one was cut mid-write.
        out.warnings.push_back(at(origin, number) +
                               ": the last record was cut mid-write (trustctl was stopped while writing it); it is "
                               "ignored, and the next record will start on a new line");
        out.torn_lines.push_back(number);
      } else {
        unreadable.push_back(number);
      }
      continue;
    }
    if (auto problem = check_record(record, origin, number)) return fail(std::move(*problem));
    if (record_text(record, "event") == kTornRecordEvent) acknowledged.insert(record["line"].get<int>());
    out.records.push_back(std::move(record));
    out.record_lines.push_back(number);
  }
  for (int line : unreadable) {
    if (!acknowledged.count(line)) return fail(damaged(origin, line, "not a JSON object"));
    out.torn_lines.push_back(line);
  }
  std::sort(out.torn_lines.begin(), out.torn_lines.end());
  return out;
}

}  // namespace trustctl
