#include "engine/base/deadline.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace trustctl {
namespace {

using namespace std::chrono_literals;

WallClock::time_point utc(int year, int month, int day, int hour, int minute, int second = 0) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return WallClock::from_time_t(timegm(&tm));
}

// Local times are read in the zone of the machine: these tests pin it to UTC.
class DeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz) m_saved = tz;
    m_had = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (m_had) setenv("TZ", m_saved.c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }
  const WallClock::time_point m_now = utc(2026, 12, 6, 10, 0);

 private:
  std::string m_saved;
  bool m_had = false;
};

TEST_F(DeadlineTest, ADurationCountsFromNow) {
  EXPECT_EQ(*parse_deadline("90m", m_now, "--deadline"), m_now + 90min);
  EXPECT_EQ(*parse_deadline("1h30m", m_now, "--deadline"), m_now + 90min);
  EXPECT_EQ(*parse_deadline("45", m_now, "--deadline"), m_now + 45s);
}

TEST_F(DeadlineTest, AClockTimeIsItsNextOccurrence) {
  EXPECT_EQ(*parse_deadline("11:30", m_now, "--deadline"), utc(2026, 12, 6, 11, 30));
  EXPECT_EQ(*parse_deadline("11:30:15", m_now, "--deadline"), utc(2026, 12, 6, 11, 30, 15));
  EXPECT_EQ(*parse_deadline("02:00", m_now, "--deadline"), utc(2026, 12, 7, 2, 0)) << "earlier today: tomorrow's";
}

TEST_F(DeadlineTest, AnIsoTimeWithOrWithoutZone) {
  EXPECT_EQ(*parse_deadline("2026-12-06T11:30:00Z", m_now, "--deadline"), utc(2026, 12, 6, 11, 30));
  EXPECT_EQ(*parse_deadline("2026-12-06T12:30+01:00", m_now, "--deadline"), utc(2026, 12, 6, 11, 30));
  EXPECT_EQ(*parse_deadline("2026-12-06T06:30-05:00", m_now, "--deadline"), utc(2026, 12, 6, 11, 30));
  EXPECT_EQ(*parse_deadline("2026-12-06T11:30", m_now, "--deadline"), utc(2026, 12, 6, 11, 30));  // local (UTC)
}

TEST_F(DeadlineTest, RefusesWhatIsNotADeadlineOrHasPassed) {
  for (const char* text : {"", "soon", "25:00", "11:60", "11:3", "2026-02-31T10:00Z", "2026-12-06T11:30+1",
                           "2026-13-01T10:00Z", "-5m", "tomorrow 11:30"}) {
    auto parsed = parse_deadline(text, m_now, "--deadline");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message.rfind("--deadline: ", 0), 0u) << parsed.error().message;
  }
  auto passed = parse_deadline("2026-12-06T09:00Z", m_now, "--deadline");
  ASSERT_FALSE(passed);
  EXPECT_NE(passed.error().message.find("has already passed"), std::string::npos) << passed.error().message;
}

}  // namespace
}  // namespace trustctl
