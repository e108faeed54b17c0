#include "engine/base/duration.hpp"

#include <cctype>
#include <string>

namespace trustctl {

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view what) {
  auto refuse = [&] {
    return fail(ErrorCode::invalid_site, std::string(what) + ": '" + std::string(text) +
                                             "' is not a duration; write seconds (90, 90s), minutes (5m), hours (1h) "
                                             "or a sum (1m30s)");
  };
  if (text.empty()) return refuse();
  constexpr long long kMostSeconds = 7LL * 24 * 3600;  // a week: anything longer is a typo, not a wait
  long long seconds = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    long long number = 0;
    std::size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++digits) {
      number = number * 10 + (text[i] - '0');
      if (number > kMostSeconds) return refuse();
    }
    if (digits == 0) return refuse();
    long long unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        default: return refuse();
      }
      ++i;
    } else if (seconds != 0) {
      return refuse();  // "1m30": a bare number only stands alone
    }
    seconds += number * unit;
    if (seconds > kMostSeconds) return refuse();
  }
  return std::chrono::milliseconds(seconds * 1000);
}

}  // namespace trustctl
