#include "engine/config/version.hpp"

#include <gtest/gtest.h>

namespace trustctl::config {
namespace {

TEST(ProductVersionSyntax, AcceptsTheFormsTheProductsShow) {
  struct Case {
    const char* text;
    int major, minor;
  };
  for (const Case& c : {Case{"12.5", 12, 5}, Case{"12.5(1)", 12, 5}, Case{"12.5(1)SU3", 12, 5}, Case{"11.6.2", 11, 6},
                        Case{"14SU2", 14, 0}, Case{"14 SU2", 14, 0}, Case{"12.5.1.11900-146", 12, 5},
                        Case{"15", 15, 0}, Case{"12.5(1)SU3a", 12, 5}}) {
    auto version = parse_version(c.text);
    ASSERT_TRUE(version) << c.text;
    EXPECT_EQ(version->major, c.major) << c.text;
    EXPECT_EQ(version->minor, c.minor) << c.text;
  }
}

TEST(ProductVersionSyntax, RefusesWhatIsNoVersion) {
  for (const char* text : {"", "twelve", "12,5", "v12.5", "12.5 ", "12..5", "12.5(1", "123.0", "12.5\n", "latest"}) {
    EXPECT_FALSE(parse_version(text)) << "'" << text << "'";
  }
}

TEST(ProductVersionSyntax, ComparesMajorThenMinor) {
  EXPECT_TRUE(parse_version("12.0(1)")->at_least({11, 6}));
  EXPECT_TRUE(parse_version("11.6")->at_least({11, 6}));
  EXPECT_FALSE(parse_version("11.5.1")->at_least({11, 6}));
  EXPECT_FALSE(parse_version("10")->at_least({11, 5}));
  EXPECT_EQ(ProductVersion({11, 6}).to_string(), "11.6");
}

}  // namespace
}  // namespace trustctl::config
