#include "engine/config/version.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

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

// parse_version matches kVersionPattern by hand; the schema carries the pattern itself. Both must agree on every text:
// the forms above, their near misses, and random texts over the pattern's alphabet.
TEST(ProductVersionSyntax, AgreesWithTheSchemaPatternOnEveryText) {
  const std::regex pattern{std::string(kVersionPattern), std::regex::ECMAScript};
  std::vector<std::string> texts = {"12", "1", "123", "12.5", "12.5.1", "12.5.1.10000", "12.5.1.10000-1", "14SU2",
                                    "14 SU2", "14su2a", "14SU", "14SU123", "12.5(1)", "12.5(12345)", "12.5()",
                                    "12.5.1.2.3.4", "12.1234567", "12.", ".5", "12.5-", "12.5 ", " 12.5", "12.5SU2A",
                                    "11.6(2)SU1", "12.5.1.11900-146", "", "x"};
  std::mt19937 random(7);
  const std::string alphabet = "0123456789.-() Sua";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    std::size_t length = random() % 14;
    for (std::size_t k = 0; k < length; ++k) text += alphabet[random() % alphabet.size()];
    texts.push_back(text);
  }
  for (const auto& text : texts) {
    EXPECT_EQ(parse_version(text).has_value(), std::regex_match(text, pattern)) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace trustctl::config
