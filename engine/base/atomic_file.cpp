#include "engine/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>

namespace trustctl {
namespace {

// A name no other writer picks: pid, a process-wide counter and randomness (two processes may share a pid across
// containers; two threads share the pid).
std::string temp_name(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + "-" + std::to_string(random());
}

}  // namespace

Error AtomicFile::io_error(const std::string& what) const {
  return Error(ErrorCode::io, "cannot write " + m_target.string() + ": " + what + ": " + std::strerror(errno));
}

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& target, mode_t mode) {
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::filesystem::path temp = dir / temp_name(target);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd >= 0) {
      ::fchmod(fd, mode);  // the umask must not widen or narrow what the caller asked for
      return AtomicFile(fd, target, temp);
    }
    if (errno != EEXIST) {
      return fail(Error(ErrorCode::io, "cannot write " + target.string() + ": cannot create a temporary file in " +
                                           dir.string() + ": " + std::strerror(errno)));
    }
  }
  return fail(Error(ErrorCode::io, "cannot write " + target.string() + ": no free temporary file name in " +
                                       dir.string()));
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_fd(other.m_fd), m_target(std::move(other.m_target)), m_temp(std::move(other.m_temp)) {
  other.m_fd = -1;
  other.m_temp.clear();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_temp.empty()) ::unlink(m_temp.c_str());
}

Result<void> AtomicFile::write(std::string_view bytes) {
  if (m_fd < 0) return fail(Error(ErrorCode::internal, "write after commit: " + m_target.string()));
  while (!bytes.empty()) {
    ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(io_error("write"));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> AtomicFile::commit() {
  if (m_fd < 0) return fail(Error(ErrorCode::internal, "commit twice: " + m_target.string()));
  if (::fsync(m_fd) != 0) return fail(io_error("fsync"));
  int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) return fail(io_error("close"));
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) return fail(io_error("rename"));
  m_temp.clear();
  // The rename itself must reach the disk, or a crash could bring back the previous content under this name.
  std::filesystem::path dir = m_target.has_parent_path() ? m_target.parent_path() : std::filesystem::path(".");
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<void> AtomicFile::replace(const std::filesystem::path& target, std::string_view bytes, mode_t mode) {
  auto file = create(target, mode);
  if (!file) return fail(file.error());
  if (auto written = file->write(bytes); !written) return written;
  return file->commit();
}

}  // namespace trustctl
