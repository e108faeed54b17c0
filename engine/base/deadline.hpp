#pragma once
// When a change window ends, as people type it on a command line (`apply --deadline`): a duration from now ("90m",
// "1h30m": engine/base/duration.hpp), a wall-clock time "HH:MM" (local time, its next occurrence: 02:00 typed at
// 23:00 is tomorrow's), or an ISO-8601 date and time ("2026-12-06T11:30", with seconds, "Z" or "+01:00"; without a
// zone, local time).

#include "engine/model/error.hpp"

#include <chrono>
#include <string_view>

namespace trustctl {

using WallClock = std::chrono::system_clock;

// An error names `what` ("--deadline"), what was typed and the accepted forms. A time already past is refused.
Result<WallClock::time_point> parse_deadline(std::string_view text, WallClock::time_point now, std::string_view what);

}  // namespace trustctl
