#pragma once
// The project's one logging entry point: the debug log of TRUSTCTL_LOG=debug|trace and --log-file. Off unless asked
// for. Every line is timestamped (UTC, milliseconds) and passes through redact() here, where it is built, so no
// password the site resolved and no private key can reach the log whatever a caller hands in.
//   debug: every HTTP request line and status, every CLI command sent (with how long it took), connections, retries
//          and their reasons;
//   trace: debug, plus every CLI command's answer (the transcript).

#include "engine/model/error.hpp"

#include <string>
#include <string_view>

namespace trustctl::log {

enum class Level { off = 0, debug = 1, trace = 2 };

// "debug" | "trace" | "off" | "" (off); anything else is an error naming TRUSTCTL_LOG and the accepted values.
Result<Level> parse_level(std::string_view text);

// Once, before any work: where lines go (a file, appended to and created mode 0600; empty: stderr) and how much.
Result<void> configure(Level level, const std::string& file);
// Back to off (tests).
void reset();

bool enabled(Level level);

// A secret value (a password resolved from the site): replaced by "[redacted]" in every later line.
void add_secret(const std::string& value);
// The text with every registered secret and every PEM private-key block replaced.
std::string redact(std::string_view text);

// One line: "2025-01-31T12:00:00.123Z DEBUG ssh: uccx1: > show cert list trust". Multi-line messages stay one entry
// (continuation lines indented). Thread-safe.
void write(Level level, std::string_view topic, std::string_view message);
inline void debug(std::string_view topic, std::string_view message) {
  if (enabled(Level::debug)) write(Level::debug, topic, message);
}
inline void trace(std::string_view topic, std::string_view message) {
  if (enabled(Level::trace)) write(Level::trace, topic, message);
}

}  // namespace trustctl::log
