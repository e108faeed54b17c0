#include "engine/state/journal.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <algorithm>
#include <map>
#include <optional>

namespace trustctl {

std::string current_user() {
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user && *user ? user : std::to_string(::getuid());
}

std::string utc_now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

Result<Journal> Journal::open(const std::filesystem::path& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return fail(ErrorCode::journal, "cannot create state directory " + state_dir.string() + ": " + ec.message());
  auto path = path_in(state_dir);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return fail(ErrorCode::journal, "cannot open journal " + path.string() + ": " + std::strerror(errno));
  return Journal(fd, path);
}

Journal::Journal(Journal&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) { other.m_fd = -1; }

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<void> Journal::append(nlohmann::json record) {
  record["ts"] = utc_now_iso8601();
  std::string line = record.dump() + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(m_fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(ErrorCode::journal, "cannot write journal " + m_path.string() + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(m_fd) != 0) {
    return fail(ErrorCode::journal, "cannot fsync journal " + m_path.string() + ": " + std::strerror(errno));
  }
  return {};
}

namespace {

// The fields that readers of the journal (pending_restarts, `trustctl journal`) take as text. Checked once here, so a
// hand-edited or damaged record is an error naming its line instead of an exception wherever it is read.
constexpr const char* kTextFields[] = {"event", "apply", "node", "service", "owed_by", "kind", "action",
                                       "error",  "ts",    "user", "host",    "site_digest"};

std::optional<std::string> mistyped_field(const nlohmann::json& record) {
  for (const char* field : kTextFields) {
    auto it = record.find(field);
    if (it != record.end() && !it->is_string()) return std::string(field);
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<nlohmann::json>> Journal::read(const std::filesystem::path& state_dir) {
  std::vector<nlohmann::json> out;
  auto path = path_in(state_dir);
  std::ifstream in(path);
  if (!in) {
    if (!std::filesystem::exists(path)) return out;
    return fail(ErrorCode::journal, "cannot read journal " + path.string());
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      // A torn last line (crash mid-write before fsync) is the only damage an append-only file can take; any other
      // damage is a real problem the operator must look at.
      if (in.peek() == EOF) break;
      return fail(ErrorCode::journal, path.string() + ":" + std::to_string(number) +
                                          ": journal line is not valid JSON; the journal records owed restarts, so "
                                          "trustctl will not guess: inspect or repair that line");
    }
    if (auto field = mistyped_field(record)) {
      return fail(ErrorCode::journal, path.string() + ":" + std::to_string(number) + ": field \"" + *field +
                                          "\" is " + std::string(record[*field].type_name()) +
                                          ", expected a string; the journal records owed restarts, so trustctl will "
                                          "not guess: inspect or repair that line");
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<PendingRestart> pending_restarts(const std::vector<nlohmann::json>& records) {
  // (node, service) -> the changes that owe it. A completed restart settles every owner at once; a change that ended
  // without touching the appliance releases only its own claim.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> owed;
  for (const auto& r : records) {
    std::string event = r.value("event", "");
    std::pair<std::string, std::string> key{r.value("node", ""), r.value("service", "")};
    if (event == "restart-owed") {
      auto& owners = owed[key];
      std::string by = r.value("owed_by", "");
      if (std::find(owners.begin(), owners.end(), by) == owners.end()) owners.push_back(by);
    } else if (event == "restart-released") {
      auto it = owed.find(key);
      if (it == owed.end()) continue;
      std::erase(it->second, r.value("owed_by", ""));
      if (it->second.empty()) owed.erase(it);
    } else if (event == "action-done" && r.value("kind", "") == "restart") {
      owed.erase(key);
    }
  }
  std::vector<PendingRestart> out;
  for (auto& [key, owners] : owed) out.push_back({key.first, key.second, owners.front()});
  return out;
}

}  // namespace trustctl
