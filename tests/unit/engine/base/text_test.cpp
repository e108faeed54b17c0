#include "engine/base/text.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

TEST(FirstNonblankLine, SkipsBlankLinesAndTrimsBlanks) {
  EXPECT_EQ(first_nonblank_line("\n  \t\r\n  Successfully imported \r\nmore"), "Successfully imported");
  EXPECT_EQ(first_nonblank_line("one"), "one");
  EXPECT_EQ(first_nonblank_line(""), "");
  EXPECT_EQ(first_nonblank_line(" \n\t\n"), "");
}

}  // namespace
}  // namespace trustctl
