#include "cli/output/machine_output.hpp"

#include <cstdio>
#include <iostream>

namespace trustctl::cli {
namespace {

struct StreamState {
  std::mutex mutex;
  bool open = false;
  bool summarised = false;
};

StreamState& stream() {
  static StreamState state;
  return state;
}

void write_line(const nlohmann::json& line) {
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

nlohmann::json versioned(nlohmann::json body) {
  // A document with a format of its own (the plan, the inventory) keeps its version; the others share this one.
  if (!body.contains("format_version")) body["format_version"] = kOutputFormatVersion;
  body["trustctl_version"] = TRUSTCTL_VERSION;
  return body;
}

void print_json(const nlohmann::json& body) {
  // Replace, never throw, should a path or a name an appliance sent not be UTF-8.
  std::cout << versioned(body).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

void EventStream::open(const std::string& command) {
  StreamState& s = stream();
  std::lock_guard lock(s.mutex);
  s.open = true;
  write_line(versioned({{"type", "version"}, {"command", command}}));
}

bool EventStream::active() {
  StreamState& s = stream();
  std::lock_guard lock(s.mutex);
  return s.open && !s.summarised;
}

void EventStream::emit(const nlohmann::json& event) {
  StreamState& s = stream();
  std::lock_guard lock(s.mutex);
  if (s.open && !s.summarised) write_line(event);
}

void EventStream::summary(nlohmann::json fields) {
  StreamState& s = stream();
  std::lock_guard lock(s.mutex);
  if (!s.open || s.summarised) return;
  fields["type"] = "summary";
  write_line(fields);
  s.summarised = true;
}

void EventStream::close(int exit_code) {
  if (!active()) return;
  summary({{"ok", false}, {"exit_code", exit_code}});
}

}  // namespace trustctl::cli
