#include "engine/config/version.hpp"

#include <regex>
#include <string>

namespace trustctl::config {

std::optional<ProductVersion> parse_version(std::string_view text) {
  static const std::regex pattern{std::string(kVersionPattern), std::regex::ECMAScript};
  const std::string copy(text);
  if (!std::regex_match(copy, pattern)) return std::nullopt;
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
