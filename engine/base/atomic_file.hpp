#pragma once
// One way to replace a file so that a crash never leaves half of it, and a reader sees either the old content or the
// new: write a temporary file beside it (created with O_EXCL|O_NOFOLLOW, so a planted link or a leftover is never
// followed or reused), fsync it, rename it over the target, fsync the directory. Committing is an explicit call
// that can fail; a file dropped without commit() is removed and the target is untouched.

#include "engine/model/error.hpp"

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace trustctl {

class AtomicFile {
 public:
  // mode: the permissions of the new file (0600 for anything a person should not read by accident).
  static Result<AtomicFile> create(const std::filesystem::path& target, mode_t mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  Result<void> write(std::string_view bytes);
  // fsync, rename over the target, fsync the directory. Once only.
  Result<void> commit();

  // The whole dance for a file written in one piece.
  static Result<void> replace(const std::filesystem::path& target, std::string_view bytes, mode_t mode = 0644);

 private:
  AtomicFile(int fd, std::filesystem::path target, std::filesystem::path temp)
      : m_fd(fd), m_target(std::move(target)), m_temp(std::move(temp)) {}
  Error io_error(const std::string& what) const;

  int m_fd = -1;
  std::filesystem::path m_target;
  std::filesystem::path m_temp;
};

}  // namespace trustctl
