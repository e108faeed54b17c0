#pragma once
// Host keys are checked and recorded one session at a time, across threads and processes. A first run with
// --trust-on-first-use opens many sessions at once on a state directory that does not exist yet: libssh creates a
// missing known_hosts directory without allowing for another session creating it meanwhile ("Cannot create ...
// directory: File exists"), and two sessions to one node would each record its key.

#include "engine/model/error.hpp"

#include <filesystem>

namespace trustctl::transport {

class KnownHostsLock {
 public:
  // Creates the known_hosts file's directory if missing (a concurrent creation is no error) and holds an exclusive
  // lock on it until destroyed. The file itself is left to libssh.
  static Result<KnownHostsLock> acquire(const std::filesystem::path& known_hosts);

  KnownHostsLock(KnownHostsLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  KnownHostsLock& operator=(KnownHostsLock&& other) noexcept;
  KnownHostsLock(const KnownHostsLock&) = delete;
  KnownHostsLock& operator=(const KnownHostsLock&) = delete;
  ~KnownHostsLock();

 private:
  explicit KnownHostsLock(int fd) : m_fd(fd) {}
  int m_fd = -1;  // the directory, flock()ed: each open() is its own lock holder, thread or process alike
};

}  // namespace trustctl::transport
