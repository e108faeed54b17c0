#pragma once
// One apply per state directory. The lock file names its holder (host, pid, start time, id); a lock whose process is
// gone is reported as stale, and `trustctl unlock SITE --id ID` clears it. Never broken silently.

#include "engine/model/error.hpp"

#include <filesystem>
#include <string>

namespace trustctl {

class StateLock {
 public:
  static Result<StateLock> acquire(const std::filesystem::path& state_dir, const std::string& purpose);
  // Removes a lock by its id (from the refusal message), only if it still holds that id.
  static Result<void> force_unlock(const std::filesystem::path& state_dir, const std::string& id);

  StateLock(StateLock&& other) noexcept;
  StateLock& operator=(StateLock&&) = delete;
  ~StateLock();
  const std::string& id() const { return m_id; }

 private:
  StateLock(std::filesystem::path path, std::string id) : m_path(std::move(path)), m_id(std::move(id)) {}
  std::filesystem::path m_path;
  std::string m_id;
};

}  // namespace trustctl
