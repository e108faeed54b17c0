#pragma once
// Golden-file comparison for renderer tests. A mismatch fails with a line diff (- golden, + actual);
// TRUSTCTL_UPDATE_GOLDEN=1 rewrites the golden file instead (review the change with git diff before committing).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace trustctl::testing {

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// A unified-style diff from the longest common subsequence of lines (golden files are small).
inline std::string line_diff(const std::string& expected, const std::string& actual) {
  auto a = split_lines(expected), b = split_lines(actual);
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::ostringstream out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out << "  " << a[i] << "\n";
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out << "- " << a[i++] << "\n";
    } else {
      out << "+ " << b[j++] << "\n";
    }
  }
  if (expected.size() && actual.size() && (expected.back() == '\n') != (actual.back() == '\n')) {
    out << "(the files differ in their final newline)\n";
  }
  return out.str();
}

inline bool update_golden_requested() {
  const char* update = std::getenv("TRUSTCTL_UPDATE_GOLDEN");
  return update && std::string(update) == "1";
}

inline ::testing::AssertionResult matches_golden(const std::filesystem::path& path, const std::string& actual) {
  if (update_golden_requested()) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    std::cout << "[golden] rewrote " << path.string() << "\n";
    return ::testing::AssertionSuccess();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ::testing::AssertionFailure() << "golden file " << path.string()
                                         << " is missing; create it with TRUSTCTL_UPDATE_GOLDEN=1 and review it";
  }
  std::stringstream buf;
  buf << in.rdbuf();
  if (buf.str() == actual) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "output differs from " << path.string()
                                       << " (- golden, + actual; TRUSTCTL_UPDATE_GOLDEN=1 rewrites it):\n"
                                       << line_diff(buf.str(), actual);
}

}  // namespace trustctl::testing
