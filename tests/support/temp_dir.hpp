#pragma once
// Files for tests: a directory of its own per test (removed afterwards) and whole-file reads and writes.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace trustctl::testing {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// mkdtemp: unique across the processes ctest runs at once and across tests in one process.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "trustctl-test") {
    // mkdtemp replaces the six trailing X with a unique suffix.
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-" + std::string(6, 'X'))).string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& relative) const { return m_path / relative; }
  // Writes `text` to a file below the directory (creating its folders) and returns the file's path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path file = m_path / relative;
    write_text(file, text);
    return file;
  }

 private:
  std::filesystem::path m_path;
};

}  // namespace trustctl::testing
