#include "engine/model/timing.hpp"

#include <algorithm>
#include <cctype>

namespace trustctl {

double Timing::restart_for(std::string_view service) const {
  auto same = [&](const std::string& name) {
    return std::equal(name.begin(), name.end(), service.begin(), service.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  for (const auto& [name, seconds] : restart_by_service) {
    if (same(name)) return seconds;
  }
  return restart_s;
}

}  // namespace trustctl
