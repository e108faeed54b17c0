#pragma once
// Shared by the libFuzzer targets: the readers under test take a state directory, so each target writes its input
// into one private directory (made once per process, removed at exit) and reads it back from there.

#include <cstdint>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace trustctl::fuzz {

inline const std::filesystem::path& scratch_dir() {
  // Never destroyed, so the exit handler below can still use it.
  static const std::filesystem::path* dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "trustctl-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    auto* made = new std::filesystem::path(pattern);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(*dir, ec);
    });
    return made;
  }();
  return *dir;
}

// Replaces `name` in the scratch directory with exactly these bytes.
inline void write_scratch_file(const std::string& name, const uint8_t* data, size_t size) {
  std::ofstream out(scratch_dir() / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) std::abort();
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace trustctl::fuzz
