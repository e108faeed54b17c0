#include "providers/transport/known_hosts_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace trustctl::transport {

Result<KnownHostsLock> KnownHostsLock::acquire(const std::filesystem::path& known_hosts) {
  std::filesystem::path directory = known_hosts.parent_path();
  if (directory.empty()) directory = ".";
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);  // tolerates another session creating it at the same time
  if (ec) {
    return fail(ErrorCode::io, "cannot create " + directory.string() + " for known_hosts: " + ec.message());
  }
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::io, "cannot open " + directory.string() + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int saved = errno;
    ::close(fd);
    return fail(ErrorCode::io, "cannot lock " + directory.string() + " to record a host key: " + std::strerror(saved));
  }
  return KnownHostsLock(fd);
}

KnownHostsLock& KnownHostsLock::operator=(KnownHostsLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

KnownHostsLock::~KnownHostsLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing the last descriptor releases the lock
}

}  // namespace trustctl::transport
