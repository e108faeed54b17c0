#include "engine/base/duration.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

using std::chrono::milliseconds;

TEST(Duration, ReadsSecondsMinutesHoursAndSums) {
  EXPECT_EQ(*parse_duration("0", "--lock-timeout"), milliseconds(0));
  EXPECT_EQ(*parse_duration("90", "--lock-timeout"), milliseconds(90'000));
  EXPECT_EQ(*parse_duration("90s", "--lock-timeout"), milliseconds(90'000));
  EXPECT_EQ(*parse_duration("5m", "--lock-timeout"), milliseconds(300'000));
  EXPECT_EQ(*parse_duration("1h", "--lock-timeout"), milliseconds(3'600'000));
  EXPECT_EQ(*parse_duration("1m30s", "--lock-timeout"), milliseconds(90'000));
}

TEST(Duration, RefusesWhatIsNotADurationNamingTheOption) {
  for (const char* text : {"", "soon", "5x", "m", "1m30", "-5s", "99999999999999999999s", "200h"}) {
    auto parsed = parse_duration(text, "--lock-timeout");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message.rfind("--lock-timeout: '" + std::string(text) + "' is not a duration", 0), 0u)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace trustctl
