#include "plans/json_view.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace trustctl::plans {
namespace {

JsonDocument parsed(const std::string& text) {
  JsonError error;
  auto document = JsonDocument::parse(text, false, &error);
  EXPECT_TRUE(document) << error.message;
  return std::move(*document);
}

TEST(JsonView, ReadsMembersElementsAndValues) {
  auto document = parsed(R"({"b": [1, "two", true, 2.5], "a": {"x": "y"}, "n": null})");
  JsonView root = document.root();
  ASSERT_TRUE(root.is_object());
  auto items = root.items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].first, "b");  // document order, not sorted
  EXPECT_EQ(items[1].first, "a");
  auto list = root.find("b")->elements();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_TRUE(list[0].is_number_integer());
  EXPECT_EQ(list[0].integer(), 1);
  EXPECT_EQ(list[1].string(), "two");
  EXPECT_TRUE(list[2].is_boolean() && list[2].boolean());
  EXPECT_FALSE(list[3].is_number_integer());
  EXPECT_DOUBLE_EQ(list[3].number(), 2.5);
  EXPECT_DOUBLE_EQ(list[0].number(), 1.0);  // seconds may be written as whole numbers
  EXPECT_EQ(root.find("a")->find("x")->string(), "y");
  EXPECT_FALSE(root.find("missing"));
  EXPECT_TRUE(root.contains("n"));
  // What the wrong type reads as: nothing, never a throw.
  EXPECT_FALSE(list[1].find("x"));
  EXPECT_TRUE(list[1].elements().empty());
  EXPECT_TRUE(list[1].items().empty());
  EXPECT_EQ(list[0].string(), "");
  EXPECT_EQ(list[1].integer(), 0);
}

// A version or an index beyond int64 is never wrapped into a small or negative number.
TEST(JsonView, WholeNumbersBeyondInt64SaturateAndCompareExactly) {
  auto document = parsed(R"([18446744073709551615, 9223372036854775807, -3, 2])");
  auto numbers = document.root().elements();
  ASSERT_EQ(numbers.size(), 4u);
  EXPECT_TRUE(numbers[0].is_number_integer());
  EXPECT_EQ(numbers[0].integer(), std::numeric_limits<std::int64_t>::max());
  EXPECT_TRUE(numbers[0].integer_greater_than(std::numeric_limits<std::int64_t>::max()));
  EXPECT_FALSE(numbers[1].integer_greater_than(std::numeric_limits<std::int64_t>::max()));
  EXPECT_FALSE(numbers[2].integer_greater_than(2));
  EXPECT_TRUE(numbers[3].integer_greater_than(1));
  EXPECT_FALSE(numbers[3].integer_greater_than(2));
  EXPECT_EQ(numbers[0].dump(), "18446744073709551615");
}

// As nlohmann reads it, so `plan --from` shows what apply's comparison of the file sees.
TEST(JsonView, AMemberNamedTwiceIsFoundByItsLastOccurrenceAsNlohmannReadsIt) {
  const std::string text = R"({"k": 1, "j": 0, "k": 2})";
  auto document = parsed(text);
  EXPECT_EQ(document.root().find("k")->integer(), 2);
  EXPECT_EQ(document.root().find("k")->integer(), nlohmann::json::parse(text)["k"].get<int>());
  EXPECT_EQ(document.root().items().size(), 3u);
}

TEST(JsonView, ASyntaxErrorSaysWhere) {
  JsonError error;
  EXPECT_FALSE(JsonDocument::parse("{\"format_version\": 1,", false, &error));
  EXPECT_TRUE(error.syntax);
  EXPECT_NE(error.message.find("line 1, column"), std::string::npos) << error.message;
  error = {};
  EXPECT_FALSE(JsonDocument::parse("", false, &error));
  EXPECT_TRUE(error.syntax);
  EXPECT_FALSE(error.message.empty());
}

// Valid JSON simdjson cannot hold is not called a syntax error: simdjson's own words say what.
TEST(JsonView, JsonBeyondSimdjsonsLimitsIsNotCalledASyntaxError) {
  JsonError error;
  EXPECT_FALSE(JsonDocument::parse("[123456789012345678901234567890]", false, &error));
  EXPECT_FALSE(error.syntax);
  EXPECT_FALSE(error.message.empty());
  error = {};
  EXPECT_FALSE(JsonDocument::parse(std::string(2000, '[') + std::string(2000, ']'), false, &error));
  EXPECT_FALSE(error.syntax);
  EXPECT_FALSE(error.message.empty());
  // Beyond a double: nlohmann refuses it with an exception of another kind than a syntax error (found by fuzzing).
  error = {};
  EXPECT_FALSE(JsonDocument::parse("1e999", false, &error));
  EXPECT_FALSE(error.syntax);
  EXPECT_NE(error.message.find("1e999"), std::string::npos) << error.message;
}

// A std::string reserved with simdjson's padding is parsed in place, and reads the same.
TEST(JsonView, APaddedTextIsParsedInPlace) {
  std::string text = R"({"a": "b"})";
  text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  JsonError error;
  auto document = JsonDocument::parse(text, true, &error);
  ASSERT_TRUE(document) << error.message;
  EXPECT_EQ(document->root().find("a")->string(), "b");
}

}  // namespace
}  // namespace trustctl::plans
