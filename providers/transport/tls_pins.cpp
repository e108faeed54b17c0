#include "providers/transport/tls_pins.hpp"

#include "engine/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

namespace trustctl::transport {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The first two whitespace-separated words of a line (either may be empty).
std::pair<std::string_view, std::string_view> words(std::string_view line) {
  auto skip = [&](size_t from) {
    while (from < line.size() && (line[from] == ' ' || line[from] == '\t' || line[from] == '\r')) ++from;
    return from;
  };
  auto end_of = [&](size_t from) {
    while (from < line.size() && line[from] != ' ' && line[from] != '\t' && line[from] != '\r') ++from;
    return from;
  };
  size_t a = skip(0);
  size_t a_end = end_of(a);
  size_t b = skip(a_end);
  size_t b_end = end_of(b);
  return {line.substr(a, a_end - a), line.substr(b, b_end - b)};
}

bool is_comment_or_blank(std::string_view line) {
  auto [first, second] = words(line);
  return first.empty() || first.front() == '#';
}

// "Host:Port" -> "host:port"; nullopt when the port is not 1..65535 or the host is empty.
std::optional<std::string> normalise_key(std::string_view key) {
  size_t colon = key.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == key.size()) return std::nullopt;
  std::string_view port = key.substr(colon + 1);
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int number = std::stoi(std::string(port));
  if (number < 1 || number > 65535) return std::nullopt;
  return lower(key.substr(0, colon)) + ":" + std::to_string(number);
}

// "sha256/<hex>" or "<hex>" -> lowercase hex; nullopt unless exactly 64 hex digits.
std::optional<std::string> normalise_fingerprint(std::string_view text) {
  if (text.substr(0, kPinPrefix.size()) == kPinPrefix) text.remove_prefix(kPinPrefix.size());
  if (text.size() != 64 || !std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return std::nullopt;
  }
  return lower(text);
}

// A line that pins a certificate: its key and fingerprint. Unknown lines give nullopt (kept as they are).
struct PinLine {
  std::string key;
  std::string fingerprint;
};

Result<std::optional<PinLine>> parse_line(std::string_view line, const std::string& origin, int number) {
  if (is_comment_or_blank(line)) return std::optional<PinLine>();
  auto [first, second] = words(line);
  if (second.substr(0, kPinPrefix.size()) != kPinPrefix) return std::optional<PinLine>();
  auto key = normalise_key(first);
  if (!key) {
    return fail(ErrorCode::invalid_site, origin + ":" + std::to_string(number) + ": '" + std::string(first) +
                                             "' is not HOST:PORT (a pins line is '<host>:<port> sha256/<hex>')");
  }
  auto fingerprint = normalise_fingerprint(second);
  if (!fingerprint) {
    return fail(ErrorCode::invalid_site, origin + ":" + std::to_string(number) + ": the pin for " + *key +
                                             " is not sha256/ followed by 64 hex digits");
  }
  return std::optional<PinLine>(PinLine{*key, *fingerprint});
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string pin_line(const std::string& key, const std::string& fingerprint) {
  return key + " " + std::string(kPinPrefix) + fingerprint;
}

Result<std::string> read_file(const std::filesystem::path& path, bool& exists) {
  std::error_code ec;
  exists = std::filesystem::exists(path, ec);
  if (!exists && !ec) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) {
    return fail(ErrorCode::io, "cannot read the pins file " + path.string() + ": " +
                                   (ec ? ec.message() : std::string(std::strerror(errno))));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Written beside the file and renamed over it (engine/base/atomic_file): a crash leaves the old file or the new one,
// never half of either.
Result<void> write_atomically(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const std::filesystem::path dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
  if (auto written = AtomicFile::replace(path, text, mode); !written) {
    return fail(Error(ErrorCode::io, written.error().message + " (rewriting the pins file)"));
  }
  return {};
}

}  // namespace

std::string pin_key(std::string_view host, int port) {
  std::string h = lower(host);
  if (h.find(':') != std::string::npos && h.front() != '[') h = "[" + h + "]";
  return h + ":" + std::to_string(port);
}

Result<PinMap> parse_pins(std::string_view text, const std::string& origin) {
  PinMap pins;
  int number = 0;
  for (auto line : split_lines(text)) {
    ++number;
    auto parsed = parse_line(line, origin, number);
    if (!parsed) return fail(parsed.error());
    if (!*parsed) continue;
    auto& list = pins[(*parsed)->key];
    if (std::find(list.begin(), list.end(), (*parsed)->fingerprint) == list.end()) list.push_back((*parsed)->fingerprint);
  }
  return pins;
}

Result<PinMap> load_pins(const std::filesystem::path& path) {
  bool exists = false;
  auto text = read_file(path, exists);
  if (!text) return fail(text.error());
  return parse_pins(*text, path.string());
}

std::vector<std::string> lookup_pins(const PinMap& pins, std::string_view host, int port) {
  auto found = pins.find(pin_key(host, port));
  return found == pins.end() ? std::vector<std::string>{} : found->second;
}

Result<std::string> rewrite_pins(std::string_view text, const std::vector<std::string>& host_ports,
                                 std::string_view fingerprint, bool keep_existing) {
  auto wanted = normalise_fingerprint(fingerprint);
  if (!wanted) {
    return fail(ErrorCode::internal, "'" + std::string(fingerprint) + "' is not a SHA-256 fingerprint (64 hex digits)");
  }
  std::vector<std::string> keys;
  for (const auto& host_port : host_ports) {
    auto key = normalise_key(host_port);
    if (!key) return fail(ErrorCode::internal, "'" + host_port + "' is not HOST:PORT");
    if (std::find(keys.begin(), keys.end(), *key) == keys.end()) keys.push_back(*key);
  }

  // Which listed hosts already hold the new pin, and the last line of each: keep_existing inserts after it.
  const auto lines = split_lines(text);
  std::vector<std::optional<PinLine>> parsed;
  std::map<std::string, size_t> last_line;
  std::set<std::string> has_wanted;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto line = parse_line(lines[i], "pins", static_cast<int>(i + 1));
    if (!line) return fail(line.error());
    parsed.push_back(*line);
    if (!*line) continue;
    last_line[(*line)->key] = i;
    if ((*line)->fingerprint == *wanted) has_wanted.insert((*line)->key);
  }

  std::string out;
  std::set<std::string> written;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& line = parsed[i];
    const bool listed = line && std::find(keys.begin(), keys.end(), line->key) != keys.end();
    if (!listed) {
      out.append(lines[i]).append("\n");
      continue;
    }
    if (keep_existing) {
      out.append(lines[i]).append("\n");
      if (last_line[line->key] == i && !has_wanted.count(line->key)) out += pin_line(line->key, *wanted) + "\n";
      written.insert(line->key);
    } else if (!written.count(line->key)) {
      // The first line of the host takes the new pin in place; its other lines go.
      out += pin_line(line->key, *wanted) + "\n";
      written.insert(line->key);
    }
  }
  for (const auto& key : keys) {
    if (!written.count(key)) out += pin_line(key, *wanted) + "\n";
  }
  return out;
}

namespace {

// A parallel apply rotates several nodes at once: their read-modify-write cycles must not interleave. Two trustctl
// processes cannot run against one state directory (the apply lock), so a process-wide mutex suffices.
std::mutex& rewrite_mutex() {
  static std::mutex mutex;
  return mutex;
}

Result<void> update_pins_locked(const std::filesystem::path& path, const std::vector<std::string>& host_ports,
                                std::string_view fingerprint, bool keep_existing) {
  bool exists = false;
  auto text = read_file(path, exists);
  if (!text) return fail(text.error());
  if (auto valid = parse_pins(*text, path.string()); !valid) return fail(valid.error());
  auto rewritten = rewrite_pins(*text, host_ports, fingerprint, keep_existing);
  if (!rewritten) return fail(rewritten.error());
  mode_t mode = 0644;
  struct stat info {};
  if (exists && ::stat(path.c_str(), &info) == 0) mode = info.st_mode & 07777;
  return write_atomically(path, *rewritten, mode);
}

}  // namespace

Result<void> update_pins(const std::filesystem::path& path, const std::vector<std::string>& host_ports,
                         std::string_view fingerprint, bool keep_existing) {
  std::lock_guard lock(rewrite_mutex());
  return update_pins_locked(path, host_ports, fingerprint, keep_existing);
}

Result<void> settle_pins(const std::filesystem::path& path, const std::vector<std::string>& host_ports,
                         std::string_view fingerprint) {
  auto wanted = normalise_fingerprint(fingerprint);
  if (!wanted) {
    return fail(ErrorCode::internal, "'" + std::string(fingerprint) + "' is not a SHA-256 fingerprint (64 hex digits)");
  }
  std::lock_guard lock(rewrite_mutex());
  auto pins = load_pins(path);
  if (!pins) return fail(pins.error());
  const bool settled = std::all_of(host_ports.begin(), host_ports.end(), [&](const std::string& host_port) {
    auto key = normalise_key(host_port);
    auto found = key ? pins->find(*key) : pins->end();
    return found != pins->end() && found->second == std::vector<std::string>{*wanted};
  });
  if (settled) return {};
  return update_pins_locked(path, host_ports, *wanted, /*keep_existing=*/false);
}

}  // namespace trustctl::transport
