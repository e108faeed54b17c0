#pragma once
// Small text helpers shared by the parsers of appliance output.

#include <string>
#include <string_view>

namespace trustctl {

// The first line holding more than blanks, without its leading and trailing blanks (spaces, tabs, a CR); "" when
// there is none. What an appliance "said", quoted in an error.
inline std::string first_nonblank_line(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && blank(line.back())) line.remove_suffix(1);
    if (!line.empty()) return std::string(line);
    start = end + 1;
  }
  return {};
}

}  // namespace trustctl
