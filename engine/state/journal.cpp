#include "engine/state/journal.hpp"

#include "engine/base/utc_time.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

namespace trustctl {

std::string current_user() {
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  const char* user = std::getenv("USER");
  return user && *user ? user : std::to_string(::getuid());
}


Result<Journal> Journal::open(const std::filesystem::path& state_dir) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return fail(ErrorCode::journal, "cannot create state directory " + state_dir.string() + ": " + ec.message());
  auto path = path_in(state_dir);
  // Read and write: the writer looks at the file's last bytes to find a record cut mid-write.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return fail(ErrorCode::journal, "cannot open journal " + path.string() + ": " + std::strerror(errno));
  Journal journal(fd, path);
  if (auto ended = journal.end_torn_record(); !ended) return fail(ended.error());
  return journal;
}

Journal::Journal(Journal&& other) noexcept
    : m_fd(other.m_fd), m_path(std::move(other.m_path)), m_unsure(other.m_unsure) {
  other.m_fd = -1;
}

Journal::~Journal() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<void> Journal::write_all(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(m_fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      m_unsure = true;  // part of it may be in the file
      return fail(ErrorCode::journal, "cannot write journal " + m_path.string() + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(m_fd) != 0) {
    m_unsure = true;
    return fail(ErrorCode::journal, "cannot fsync journal " + m_path.string() + ": " + std::strerror(errno));
  }
  return {};
}

// A journal whose last line has no newline ends in a record cut mid-write (a crash, a kill, a full disk). Gluing the
// next record onto it would make one unreadable line in the middle of the file, and every later run would stop on
// it. So the cut record is ended with a newline and, unless what was written happens to be complete, a torn-record
// record names its line, which tells the reader it may skip it. The cut bytes stay: nothing is rewritten.
Result<void> Journal::end_torn_record() {
  struct stat info {};
  if (::fstat(m_fd, &info) != 0) {
    return fail(ErrorCode::journal, "cannot read journal " + m_path.string() + ": " + std::strerror(errno));
  }
  char last = 0;
  if (info.st_size == 0 || (::pread(m_fd, &last, 1, info.st_size - 1) == 1 && last == '\n')) {
    m_unsure = false;
    return {};
  }
  std::string content(static_cast<size_t>(info.st_size), '\0');
  size_t got = 0;
  while (got < content.size()) {
    ssize_t n = ::pread(m_fd, content.data() + got, content.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return fail(ErrorCode::journal, "cannot read journal " + m_path.string() + ": " + std::strerror(errno));
    }
    got += static_cast<size_t>(n);
  }
  if (content.back() == '\n') {
    m_unsure = false;
    return {};
  }
  const size_t line_start = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
  const int line = static_cast<int>(std::count(content.begin(), content.end(), '\n')) + 1;
  auto cut = nlohmann::json::parse(std::string_view(content).substr(line_start), nullptr, false);
  // write_all clears m_unsure only by succeeding (a failure sets it again).
  m_unsure = false;
  if (!cut.is_discarded() && cut.is_object()) return write_all("\n");  // complete but for its newline
  nlohmann::json marker = {{"event", std::string(kTornRecordEvent)},
                           {"format_version", kJournalFormatVersion},
                           {"line", line},
                           {"ts", utc_now_iso8601()},
                           {"user", current_user()},
                           {"note", "line " + std::to_string(line) +
                                        " holds a record cut mid-write (trustctl was stopped while writing it); "
                                        "it is skipped"}};
  return write_all("\n" + marker.dump() + "\n");
}

Result<void> Journal::append(nlohmann::json record) {
  if (m_unsure) {
    // An earlier append of this process failed part-way: its bytes may end the file without a newline.
    if (auto ended = end_torn_record(); !ended) return ended;
  }
  record["ts"] = utc_now_iso8601();
  // Every record names the format it was written in, so a reader can tell a newer trustctl's records from damage.
  record["format_version"] = kJournalFormatVersion;
  return write_all(record.dump() + "\n");
}

Result<JournalContents> Journal::read_contents(const std::filesystem::path& state_dir) {
  auto path = path_in(state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return JournalContents{};
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return fail(ErrorCode::journal, "cannot read journal " + path.string() + ": " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_journal(buffer.str(), path.string());
}

Result<std::vector<nlohmann::json>> Journal::read(const std::filesystem::path& state_dir) {
  auto contents = read_contents(state_dir);
  if (!contents) return fail(contents.error());
  return std::move(contents->records);
}

std::vector<PendingRestart> pending_restarts(const std::vector<nlohmann::json>& records) {
  // (node, service) -> the changes that owe it. A completed restart settles every owner at once; a change that ended
  // without touching the appliance releases only its own claim.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> owed;
  for (const auto& r : records) {
    std::string event = record_text(r, "event");
    std::pair<std::string, std::string> key{record_text(r, "node"), record_text(r, "service")};
    if (event == "restart-owed") {
      auto& owners = owed[key];
      std::string by = record_text(r, "owed_by");
      if (std::find(owners.begin(), owners.end(), by) == owners.end()) owners.push_back(by);
    } else if (event == "restart-released") {
      auto it = owed.find(key);
      if (it == owed.end()) continue;
      std::erase(it->second, record_text(r, "owed_by"));
      if (it->second.empty()) owed.erase(it);
    } else if (event == "action-done" && record_text(r, "kind") == "restart") {
      owed.erase(key);
    } else if (event == "action-done" && record_text(r, "kind") == "restart-system") {
      // The whole node went down and came back: every service on it has reloaded its stores.
      std::erase_if(owed, [&](const auto& entry) { return entry.first.first == key.first; });
    } else if (event == kRestartForgottenEvent) {
      // `trustctl journal SITE --forget-owed NODE [--service NAME]`: no service forgets every restart of the node.
      if (!key.second.empty()) {
        owed.erase(key);
      } else {
        std::erase_if(owed, [&](const auto& entry) { return entry.first.first == key.first; });
      }
    }
  }
  std::vector<PendingRestart> out;
  for (auto& [key, owners] : owed) out.push_back({key.first, key.second, owners.front()});
  return out;
}

}  // namespace trustctl
