#pragma once
// Every identity and trust certificate on every node, soonest expiry first: what `trustctl expiry` lists and the
// HTML report draws on its timeline. Pure: built from what refresh read.

#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

struct ExpiryRow {
  std::string node;
  std::string kind;  // "identity tomcat" or "trust tomcat-trust"
  Certificate certificate;
  long days_left = 0;
  long renew_in_days = 0;  // days until it enters its renewal window (negative: already inside)
};

// Sorted by days left, then node.
std::vector<ExpiryRow> expiry_rows(const Site& site, const LiveState& live, TimePoint now);

// Expires or enters its renewal window within `within` days.
bool expiry_due(const ExpiryRow& row, int within);

}  // namespace trustctl::plans
