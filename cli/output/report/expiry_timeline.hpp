#pragma once
// The report's expiry timeline: every identity and trust certificate `trustctl expiry` lists, as a bar on a time
// axis from its validity start to its end, its renewal window shaded and today marked; and the same rows, soonest
// first, as a table beside it.

#include "plans/expiry.hpp"

#include <string>

namespace trustctl::cli::report {

// <svg id="expiry-timeline"> ... </svg>
std::string render_expiry_timeline(const std::vector<plans::ExpiryRow>& rows, TimePoint now);

// <table id="expiry-table"> ... </table>
std::string render_expiry_table(const std::vector<plans::ExpiryRow>& rows);

}  // namespace trustctl::cli::report
