#include "engine/state/state_lock.hpp"

#include "engine/state/journal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace trustctl {
namespace {

std::string hostname() {
  char buf[256] = {};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string new_id() {
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << rd() << rd();
  return out.str().substr(0, 12);
}

// A lock file as another trustctl wrote it: an object whose id, host, started and purpose are strings and whose pid is
// an integer. Anything else (a hand edit, a torn write) is unreadable: trustctl then neither guesses who holds it nor
// removes it.
bool readable_lock(const nlohmann::json& lock) {
  if (!lock.is_object()) return false;
  for (const char* field : {"id", "host", "started", "purpose"}) {
    if (lock.contains(field) && !lock[field].is_string()) return false;
  }
  auto pid = lock.find("pid");
  return pid == lock.end() || pid->is_number_integer();
}

}  // namespace

Result<StateLock> StateLock::acquire(const std::filesystem::path& state_dir, const std::string& purpose) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  auto path = state_dir / "lock";
  std::string id = new_id();
  nlohmann::json holder = {{"id", id},           {"host", hostname()},     {"pid", ::getpid()},
                           {"started", utc_now_iso8601()}, {"purpose", purpose}};
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (errno != EEXIST) {
      return fail(ErrorCode::locked, "cannot create lock " + path.string() + ": " + std::strerror(errno));
    }
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    auto other = nlohmann::json::parse(buf.str(), nullptr, false);
    if (other.is_discarded() || !readable_lock(other)) {
      return fail(ErrorCode::locked, path.string() + " exists but is unreadable; if no trustctl is running, remove it");
    }
    std::string who = other.value("purpose", "?") + " by pid " + std::to_string(other.value("pid", 0)) + " on " +
                      other.value("host", "?") + " since " + other.value("started", "?");
    bool alive = other.value("host", "") == hostname() && ::kill(other.value("pid", 0), 0) == 0;
    bool local = other.value("host", "") == hostname();
    if (local && !alive) {
      return fail(ErrorCode::locked, "the state directory " + state_dir.string() + " holds a stale lock (" + who +
                                         "; that process is gone). Check the journal, then run `trustctl unlock "
                                         "SITE --id " + other.value("id", "") + "`");
    }
    return fail(ErrorCode::locked, "another trustctl holds the state directory " + state_dir.string() + " (" + who +
                                       ", lock id " + other.value("id", "") + "); wait for it to finish");
  }
  std::string text = holder.dump() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(path, ec);
    return fail(ErrorCode::locked, "cannot write lock " + path.string());
  }
  return StateLock(path, id);
}

Result<void> StateLock::force_unlock(const std::filesystem::path& state_dir, const std::string& id) {
  auto path = state_dir / "lock";
  std::ifstream in(path);
  if (!in) return fail(ErrorCode::locked, "no lock in " + state_dir.string());
  std::stringstream buf;
  buf << in.rdbuf();
  auto other = nlohmann::json::parse(buf.str(), nullptr, false);
  if (other.is_discarded() || !readable_lock(other)) {
    return fail(ErrorCode::locked, path.string() + " is unreadable, so its id cannot be compared with " + id +
                                       "; nothing removed. If no trustctl is running, remove it by hand");
  }
  if (other.value("id", "") != id) {
    return fail(ErrorCode::locked, "the lock in " + state_dir.string() + " has id " + other.value("id", "") +
                                       ", not " + id + "; nothing removed");
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return fail(ErrorCode::locked, "cannot remove " + path.string() + ": " + ec.message());
  return {};
}

StateLock::StateLock(StateLock&& other) noexcept : m_path(std::move(other.m_path)), m_id(std::move(other.m_id)) {
  other.m_path.clear();
}

StateLock::~StateLock() {
  if (m_path.empty()) return;
  std::error_code ec;
  std::filesystem::remove(m_path, ec);
}

}  // namespace trustctl
