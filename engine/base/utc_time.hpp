#pragma once
// One timestamp format for what trustctl writes (journal records, debug log lines): UTC, ISO 8601, milliseconds.

#include <string>

namespace trustctl {

// "2026-12-06T09:47:18.725Z"
std::string utc_now_iso8601();

}  // namespace trustctl
