#pragma once
// Product versions as the site file writes them ("12.5", "12.5(1)SU3", "11.6.2", "14SU2", "12.5.1.11900-146"): the
// syntax the loader accepts (the same pattern schemas/site.schema.json gives editors) and the numbers product rules
// compare.

#include <optional>
#include <string>
#include <string_view>

namespace trustctl::config {

// The pattern of a version, in the ECMAScript syntax JSON Schema uses; the schema's "pattern" is this text exactly.
inline constexpr std::string_view kVersionPattern =
    R"(^[0-9]{1,2}(\.[0-9]{1,6}){0,4}(-[0-9]{1,6})?(\([0-9]{1,4}\))?( ?[Ss][Uu][0-9]{1,2}[a-z]?)?$)";

struct ProductVersion {
  int major = 0;
  int minor = 0;

  // "12.5(1)" is at least 11.6; "11.5.1" is not.
  bool at_least(const ProductVersion& wanted) const {
    return major > wanted.major || (major == wanted.major && minor >= wanted.minor);
  }
  std::string to_string() const { return std::to_string(major) + "." + std::to_string(minor); }  // "11.6"
};

// nullopt when the text does not follow kVersionPattern.
std::optional<ProductVersion> parse_version(std::string_view text);

}  // namespace trustctl::config
