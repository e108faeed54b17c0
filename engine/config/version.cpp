#include "engine/config/version.hpp"

#include <string>

namespace trustctl::config {
namespace {

// kVersionPattern, matched by hand: std::regex costs a compile per process and, under GCC 12's sanitizers, a false
// maybe-uninitialized warning inside <regex> (tests/unit/engine/config/version_test.cpp checks both agree).
class VersionMatcher {
 public:
  explicit VersionMatcher(std::string_view text) : m_text(text) {}

  bool matches() {
    if (!digits(1, 2)) return false;
    for (int group = 0; group < 4 && peek('.'); ++group) {
      ++m_at;
      if (!digits(1, 6)) return false;
    }
    if (peek('-')) {
      ++m_at;
      if (!digits(1, 6)) return false;
    }
    if (peek('(')) {
      ++m_at;
      if (!digits(1, 4) || !peek(')')) return false;
      ++m_at;
    }
    if (m_at < m_text.size()) {
      if (peek(' ')) ++m_at;
      if (!letter('s') || !letter('u') || !digits(1, 2)) return false;
      if (m_at < m_text.size() && m_text[m_at] >= 'a' && m_text[m_at] <= 'z') ++m_at;
    }
    return m_at == m_text.size();
  }

 private:
  bool peek(char c) const { return m_at < m_text.size() && m_text[m_at] == c; }
  bool letter(char lower) {
    if (m_at >= m_text.size() || (m_text[m_at] != lower && m_text[m_at] != lower - 'a' + 'A')) return false;
    ++m_at;
    return true;
  }
  bool digits(std::size_t least, std::size_t most) {
    std::size_t n = 0;
    while (m_at < m_text.size() && n < most && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
      ++m_at;
      ++n;
    }
    // More digits than `most` leave a digit where none may follow, which the caller's next check refuses.
    return n >= least;
  }

  std::string_view m_text;
  std::size_t m_at = 0;
};

}  // namespace

std::optional<ProductVersion> parse_version(std::string_view text) {
  if (!VersionMatcher(text).matches()) return std::nullopt;
  const std::string copy(text);
  ProductVersion version;
  std::size_t at = 0;
  auto number = [&] {
    int value = 0;
    while (at < copy.size() && copy[at] >= '0' && copy[at] <= '9') value = value * 10 + (copy[at++] - '0');
    return value;
  };
  version.major = number();
  if (at < copy.size() && copy[at] == '.') {
    ++at;
    version.minor = number();
  }
  return version;
}

}  // namespace trustctl::config
