#include "engine/base/log.hpp"

#include "engine/base/utc_time.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <set>

namespace trustctl::log {
namespace {

// Longest first: a secret that contains another is replaced whole, not left half visible.
struct LongestFirst {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() > b.size() : a < b;
  }
};
using Secrets = std::set<std::string, LongestFirst>;

struct Sink {
  std::mutex mutex;
  int fd = STDERR_FILENO;
  bool owns_fd = false;
  Secrets secrets;
};

std::atomic<int> g_level{0};

Sink& sink() {
  static Sink s;
  return s;
}


// Every "-----BEGIN ... PRIVATE KEY-----" block, to its END line (or the end of the text when it has none).
std::string without_private_keys(std::string text) {
  static const std::string kBegin = "-----BEGIN ";
  std::size_t from = 0;
  while ((from = text.find(kBegin, from)) != std::string::npos) {
    std::size_t header_end = text.find("-----", from + kBegin.size());
    if (header_end == std::string::npos) break;
    std::string label = text.substr(from + kBegin.size(), header_end - from - kBegin.size());
    if (label.find("PRIVATE KEY") == std::string::npos) {
      from = header_end + 5;
      continue;
    }
    std::string end_marker = "-----END " + label + "-----";
    std::size_t end = text.find(end_marker, header_end);
    std::size_t stop = end == std::string::npos ? text.size() : end + end_marker.size();
    const std::string replacement = "[private key redacted]";
    text.replace(from, stop - from, replacement);
    from += replacement.size();
  }
  return text;
}

}  // namespace

Result<Level> parse_level(std::string_view text) {
  if (text.empty() || text == "off") return Level::off;
  if (text == "debug") return Level::debug;
  if (text == "trace") return Level::trace;
  return fail(ErrorCode::invalid_site,
              "TRUSTCTL_LOG=" + std::string(text) + " is not a log level; use debug, trace or off");
}

Result<void> configure(Level level, const std::string& file) {
  Sink& s = sink();
  std::lock_guard lock(s.mutex);
  if (!file.empty()) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return fail(ErrorCode::io, "cannot open the log file " + file + ": " + std::strerror(errno));
    if (s.owns_fd) ::close(s.fd);
    s.fd = fd;
    s.owns_fd = true;
  }
  g_level = static_cast<int>(level);
  return {};
}

void reset() {
  Sink& s = sink();
  std::lock_guard lock(s.mutex);
  if (s.owns_fd) ::close(s.fd);
  s.fd = STDERR_FILENO;
  s.owns_fd = false;
  s.secrets.clear();
  g_level = 0;
}

bool enabled(Level level) { return g_level.load() >= static_cast<int>(level) && level != Level::off; }

void add_secret(const std::string& value) {
  if (value.empty()) return;
  Sink& s = sink();
  std::lock_guard lock(s.mutex);
  s.secrets.insert(value);
}

namespace {

std::string redact_locked(std::string_view text, const Secrets& secrets) {
  std::string out = without_private_keys(std::string(text));
  for (const auto& secret : secrets) {
    for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at)) {
      out.replace(at, secret.size(), "[redacted]");
      at += 10;
    }
  }
  return out;
}

}  // namespace

std::string redact(std::string_view text) {
  Sink& s = sink();
  std::lock_guard lock(s.mutex);
  return redact_locked(text, s.secrets);
}

void write(Level level, std::string_view topic, std::string_view message) {
  if (!enabled(level)) return;
  Sink& s = sink();
  std::lock_guard lock(s.mutex);
  std::string body = redact_locked(message, s.secrets);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  // One entry per call: continuation lines are indented, so a transcript cannot forge a line of its own.
  std::string indented;
  for (char c : body) {
    if (c == '\r') continue;
    indented += c;
    if (c == '\n') indented += "    | ";
  }
  std::string line = utc_now_iso8601() + (level == Level::trace ? " TRACE " : " DEBUG ") + std::string(topic) + ": " +
                     indented + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(s.fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk must not stop an apply; the journal is what must not be lost
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace trustctl::log
