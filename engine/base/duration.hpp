#pragma once
// Durations as people type them on a command line: "90" (seconds), "90s", "5m", "1h", "1m30s", "0".

#include "engine/model/error.hpp"

#include <chrono>
#include <string_view>

namespace trustctl {

// An error says what was typed and the accepted forms; `what` names the option ("--lock-timeout").
Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view what);

}  // namespace trustctl
