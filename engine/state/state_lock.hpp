#pragma once
// One apply per state directory. The lock file names its holder (host, pid, start time, id); a lock whose process is
// gone is reported as stale, and `trustctl unlock SITE --id ID` clears it. Never broken silently.
//
// Every change to the lock file (create, release, unlock) happens under an flock on a guard file beside it that is
// never deleted, so checking whose lock it is and deleting it is one step: a process can only ever delete the lock
// it compared, never one another process took in between.

#include "engine/model/error.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace trustctl {

// What a lock file says about its holder, type-checked.
struct LockHolder {
  std::string id;
  std::string host;
  long long pid = 0;  // > 0
  std::string started;
  std::string purpose;
};

// Parses a lock file's text; `origin` names the file in messages. A missing field, a field of the wrong type or a
// pid <= 0 is an error naming the key.
Result<LockHolder> parse_lock(const std::string& text, const std::string& origin);

class StateLock {
 public:
  static std::filesystem::path path_in(const std::filesystem::path& state_dir) { return state_dir / "lock"; }

  static Result<StateLock> acquire(const std::filesystem::path& state_dir, const std::string& purpose);
  // Removes a lock by its id (from the refusal message), only if it still holds that id. A holder still running on
  // this host is refused unless `force`; so is a lock file that cannot be read (its id cannot be compared).
  static Result<void> force_unlock(const std::filesystem::path& state_dir, const std::string& id, bool force = false);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&&) = delete;
  // Releases the lock: deletes the file only if it still holds this lock's id.
  ~StateLock();
  const std::string& id() const { return m_id; }

 private:
  StateLock(std::filesystem::path state_dir, std::string id) : m_state_dir(std::move(state_dir)), m_id(std::move(id)) {}
  std::filesystem::path m_state_dir;  // empty: moved from
  std::string m_id;
};

}  // namespace trustctl
