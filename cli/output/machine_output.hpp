#pragma once
// Machine-readable output for pipelines. Every `--format json` document is one JSON object that names its format
// version and the trustctl that wrote it, so a reader can refuse what it does not understand; each has a schema in
// schemas/. `--format jsonl` (plan, apply, verify) streams one object per line as things happen instead: a
// {"type":"version"} line first, events, and a {"type":"summary"} line last, whatever happens (an error included).

#include <nlohmann/json.hpp>

#include <mutex>
#include <string>

namespace trustctl::cli {

// Bumped when a change could break a reader of any --format json document or of the jsonl stream.
inline constexpr int kOutputFormatVersion = 1;

// `body` (an object) with "trustctl_version" and, unless it names a format_version of its own (the plan, the
// inventory), kOutputFormatVersion.
nlohmann::json versioned(nlohmann::json body);
// versioned(body), printed on stdout as one document.
void print_json(const nlohmann::json& body);

// The jsonl stream of one command run: process-wide, like stdout itself. Inactive unless open() was called (by main,
// for --format jsonl), so every stage can emit events without knowing the format.
class EventStream {
 public:
  // Writes the version line: {"type":"version","format_version":1,"trustctl_version":"...","command":"apply"}.
  static void open(const std::string& command);
  static bool active();
  // One event: `event` must hold "type". Flushed at once (a pipeline reads it as it happens). Thread-safe.
  static void emit(const nlohmann::json& event);
  // The last line ({"type":"summary",...} with "ok"); later events and summaries are dropped.
  static void summary(nlohmann::json fields);
  // At exit: a command that ended without a summary (an error) gets {"type":"summary","ok":false,"exit_code":N}.
  static void close(int exit_code);
};

}  // namespace trustctl::cli
