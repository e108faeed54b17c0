#include "engine/base/deadline.hpp"

#include "engine/base/duration.hpp"

#include <cctype>
#include <ctime>
#include <optional>
#include <string>

namespace trustctl {
namespace {

// Exactly `count` digits at text[at...], as a number; nullopt otherwise.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

struct Clock {
  int hour = 0, minute = 0, second = 0;
};

// "HH:MM" or "HH:MM:SS" at text[at...] up to `end`.
std::optional<Clock> clock_at(std::string_view text, std::size_t at, std::size_t end) {
  Clock c;
  auto h = digits(text, at, 2), m = digits(text, at + 3, 2);
  if (!h || !m || at + 2 >= text.size() || text[at + 2] != ':') return std::nullopt;
  c.hour = *h;
  c.minute = *m;
  if (end == at + 8) {
    auto s = digits(text, at + 6, 2);
    if (!s || text[at + 5] != ':') return std::nullopt;
    c.second = *s;
  } else if (end != at + 5) {
    return std::nullopt;
  }
  if (c.hour > 23 || c.minute > 59 || c.second > 59) return std::nullopt;
  return c;
}

// The zone suffix of an ISO-8601 time: "Z", "+HH:MM", "-HH:MM"; its offset east of UTC in seconds. nullopt for no
// zone (local time); an unreadable suffix sets `bad`.
std::optional<long> zone_offset(std::string_view zone, bool& bad) {
  if (zone.empty()) return std::nullopt;
  if (zone == "Z") return 0L;
  auto h = digits(zone, 1, 2), m = digits(zone, 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !h || !m || *h > 23 || *m > 59) {
    bad = true;
    return std::nullopt;
  }
  long offset = *h * 3600L + *m * 60L;
  return zone[0] == '-' ? -offset : offset;
}

std::optional<WallClock::time_point> iso_time(std::string_view text) {
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  if (!year || !month || !day || text.size() < 16 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ')) {
    return std::nullopt;
  }
  std::size_t end = text.find_first_of("Z+-", 11);
  if (end == std::string_view::npos) end = text.size();
  auto clock = clock_at(text, 11, end);
  bool bad_zone = false;
  auto offset = zone_offset(text.substr(end), bad_zone);
  if (!clock || bad_zone || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = clock->hour;
  tm.tm_min = clock->minute;
  tm.tm_sec = clock->second;
  tm.tm_isdst = -1;
  std::time_t t = offset ? timegm(&tm) - *offset : std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1) || tm.tm_mday != *day) return std::nullopt;  // 2026-02-31 moved to March
  return WallClock::from_time_t(t);
}

// The next local HH:MM(:SS) after now.
std::optional<WallClock::time_point> next_clock_time(std::string_view text, WallClock::time_point now) {
  auto clock = clock_at(text, 0, text.size());
  if (!clock) return std::nullopt;
  std::time_t today = WallClock::to_time_t(now);
  std::tm tm{};
  localtime_r(&today, &tm);
  tm.tm_hour = clock->hour;
  tm.tm_min = clock->minute;
  tm.tm_sec = clock->second;
  tm.tm_isdst = -1;
  auto at = WallClock::from_time_t(std::mktime(&tm));
  if (at <= now) {
    tm.tm_mday += 1;  // mktime normalises the day after the month's last
    tm.tm_isdst = -1;
    at = WallClock::from_time_t(std::mktime(&tm));
  }
  return at;
}

}  // namespace

Result<WallClock::time_point> parse_deadline(std::string_view text, WallClock::time_point now, std::string_view what) {
  const std::string typed(text);
  if (auto at = iso_time(text)) {
    if (*at <= now) {
      return fail(ErrorCode::invalid_site, std::string(what) + ": " + typed +
                                               " has already passed; give a time still ahead, or a duration (90m)");
    }
    return *at;
  }
  if (auto at = next_clock_time(text, now)) return *at;
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) && text.find(':') == std::string::npos &&
      text.find('-') == std::string::npos) {
    if (auto duration = parse_duration(text, what)) {
      return now + std::chrono::duration_cast<WallClock::duration>(*duration);
    }
  }
  return fail(ErrorCode::invalid_site,
              std::string(what) + ": '" + typed +
                  "' is not a deadline; write a duration from now (90m, 1h30m), a local time (23:30) or an ISO-8601 "
                  "date and time (2026-12-06T23:30, 2026-12-06T22:30:00Z, 2026-12-06T23:30+01:00)");
}

}  // namespace trustctl
