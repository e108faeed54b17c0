#include "engine/state/state_lock.hpp"

#include "engine/state/journal.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <thread>

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

// Held while the lock file is examined and changed (see state_lock.hpp). It is held for milliseconds; a process that
// stopped while holding it must not hang the others, so waiting for it is bounded.
class Guard {
 public:
  static Result<Guard> take(const std::filesystem::path& state_dir) {
    auto path = state_dir / "lock.guard";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) return fail(ErrorCode::locked, "cannot open " + path.string() + ": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() >= deadline) {
        ::close(fd);
        return fail(ErrorCode::locked, "another trustctl has been changing the lock in " + state_dir.string() +
                                           " for 10 s (" + path.string() + " is held); try again");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Guard(fd);
  }
  Guard(Guard&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Guard& operator=(Guard&&) = delete;
  ~Guard() {
    if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
  }

 private:
  explicit Guard(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

// The lock file's text; nullopt when there is no lock.
Result<std::optional<std::string>> read_lock_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec) && !ec) return std::optional<std::string>();
    return fail(ErrorCode::locked, "cannot read the lock " + path.string() + ": " + std::strerror(errno));
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return std::optional<std::string>(buf.str());
}

// A process that exists here, whoever owns it (EPERM: it exists, we may not signal it).
bool process_alive(long long pid) {
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string describe(const LockHolder& holder) {
  return (holder.purpose.empty() ? std::string("trustctl") : holder.purpose) + " by pid " +
         std::to_string(holder.pid) + " on " + holder.host + " since " + holder.started;
}

Error holder_error(const std::filesystem::path& state_dir, const LockHolder& holder) {
  const bool local = holder.host == hostname();
  if (local && !process_alive(holder.pid)) {
    return Error(ErrorCode::locked, "the state directory " + state_dir.string() + " holds a stale lock (" +
                                        describe(holder) + "; that process is gone). Check the journal, then run "
                                        "`trustctl unlock SITE --id " + holder.id + "`");
  }
  if (local) {
    return Error(ErrorCode::locked, "another trustctl holds the state directory " + state_dir.string() + " (" +
                                        describe(holder) + ", lock id " + holder.id + "); wait for it to finish");
  }
  return Error(ErrorCode::locked, "another trustctl holds the state directory " + state_dir.string() + " (" +
                                      describe(holder) + ", lock id " + holder.id +
                                      "); wait for it to finish. If it is no longer running on " + holder.host +
                                      ", run `trustctl unlock SITE --id " + holder.id + "`");
}

Error damaged_error(const Error& problem) {
  return Error(ErrorCode::locked, problem.message +
                                      "; the lock is unreadable. If no trustctl is running with this state directory, "
                                      "remove it with `trustctl unlock SITE --id ID --force` (any ID: an unreadable "
                                      "lock has none to compare)");
}

// "null", "a string", "an object", ... for messages (never the value: it could be anything, of any length).
std::string json_type(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  std::string name = value.type_name();
  return (name.front() == 'a' || name.front() == 'o' ? "an " : "a ") + name;
}

// A whole number in 1..pid_t's maximum: kill(0) and kill(-1) would ask about a whole process group, or every process.
bool is_process_id(const nlohmann::json& value) {
  constexpr unsigned long long kMax = static_cast<unsigned long long>(std::numeric_limits<pid_t>::max());
  if (value.is_number_unsigned()) return value.get<unsigned long long>() >= 1 && value.get<unsigned long long>() <= kMax;
  return value.is_number_integer() && value.get<long long>() >= 1 &&
         static_cast<unsigned long long>(value.get<long long>()) <= kMax;
}

}  // namespace

Result<LockHolder> parse_lock(const std::string& text, const std::string& origin) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return fail(ErrorCode::locked, origin + ": the lock is not a JSON object (empty or cut while it was written)");
  }
  LockHolder holder;
  auto text_field = [&](const char* key, std::string& into, bool required) -> std::optional<Error> {
    auto found = json.find(key);
    if (found == json.end()) {
      if (!required) return std::nullopt;
      return Error(ErrorCode::locked, origin + ": the lock has no \"" + key + "\"");
    }
    if (!found->is_string()) {
      return Error(ErrorCode::locked, origin + ": \"" + key + "\" is " + json_type(*found) + ", expected a string");
    }
    if (required && found->get<std::string>().empty()) {
      return Error(ErrorCode::locked, origin + ": \"" + key + "\" is empty");
    }
    into = found->get<std::string>();
    return std::nullopt;
  };
  for (auto [key, into, required] : {std::tuple{"id", &holder.id, true}, std::tuple{"host", &holder.host, true},
                                     std::tuple{"started", &holder.started, false},
                                     std::tuple{"purpose", &holder.purpose, false}}) {
    if (auto problem = text_field(key, *into, required)) return fail(std::move(*problem));
  }
  auto pid = json.find("pid");
  if (pid == json.end()) return fail(ErrorCode::locked, origin + ": the lock has no \"pid\"");
  if (!is_process_id(*pid)) {
    const std::string what = pid->is_number() ? pid->dump() : json_type(*pid);
    return fail(ErrorCode::locked, origin + ": \"pid\" is " + what + ", not a process id (a whole number > 0)");
  }
  holder.pid = pid->get<long long>();
  return holder;
}

Result<StateLock> StateLock::acquire(const std::filesystem::path& state_dir, const std::string& purpose) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  auto guard = Guard::take(state_dir);
  if (!guard) return fail(guard.error());
  auto path = path_in(state_dir);
  std::string id = new_id();
  nlohmann::json holder = {{"id", id},          {"host", hostname()},           {"pid", ::getpid()},
                           {"started", utc_now_iso8601()}, {"purpose", purpose}};
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (errno != EEXIST) {
      return fail(ErrorCode::locked, "cannot create lock " + path.string() + ": " + std::strerror(errno));
    }
    auto text = read_lock_text(path);
    if (!text) return fail(text.error());
    if (!*text) return fail(ErrorCode::locked, "the lock " + path.string() + " vanished while it was read; try again");
    auto other = parse_lock(**text, path.string());
    if (!other) return fail(damaged_error(other.error()));
    return fail(holder_error(state_dir, *other));
  }
  std::string text = holder.dump() + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(path, ec);  // ours: created above under the guard
    return fail(ErrorCode::locked, "cannot write lock " + path.string());
  }
  return StateLock(state_dir, id);
}

Result<void> StateLock::force_unlock(const std::filesystem::path& state_dir, const std::string& id, bool force) {
  auto guard = Guard::take(state_dir);
  if (!guard) return fail(guard.error());
  auto path = path_in(state_dir);
  auto text = read_lock_text(path);
  if (!text) return fail(text.error());
  if (!*text) return fail(ErrorCode::locked, "no lock in " + state_dir.string() + "; nothing removed");
  auto holder = parse_lock(**text, path.string());
  if (!holder && !force) {
    return fail(ErrorCode::locked, holder.error().message + "; the lock is unreadable, so its id cannot be compared "
                                                            "with " + id + ": nothing removed. If no trustctl is "
                                                            "running with this state directory, run unlock again with "
                                                            "--force");
  }
  if (holder && holder->id != id) {
    return fail(ErrorCode::locked, "the lock in " + state_dir.string() + " has id " + holder->id + ", not " + id +
                                       "; nothing removed");
  }
  if (holder && !force && holder->host == hostname() && process_alive(holder->pid)) {
    return fail(ErrorCode::locked, "the lock's holder is still running (" + describe(*holder) +
                                       "); nothing removed. Wait for it to finish, or stop it; --force removes the "
                                       "lock anyway (two trustctl runs at once can lose owed restarts)");
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (ec) return fail(ErrorCode::locked, "cannot remove " + path.string() + ": " + ec.message());
  return {};
}

StateLock::StateLock(StateLock&& other) noexcept
    : m_state_dir(std::move(other.m_state_dir)), m_id(std::move(other.m_id)) {
  other.m_state_dir.clear();
}

StateLock::~StateLock() {
  if (m_state_dir.empty()) return;
  // Only our own lock: if someone removed it (`unlock --force`) and another trustctl took the directory since, that
  // one's lock stays. No guard, no delete: a lock left behind is reported; a deleted one is not.
  auto guard = Guard::take(m_state_dir);
  if (!guard) return;
  auto path = path_in(m_state_dir);
  auto text = read_lock_text(path);
  if (!text || !*text) return;
  auto holder = parse_lock(**text, path.string());
  if (!holder || holder->id != m_id) return;
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

}  // namespace trustctl
