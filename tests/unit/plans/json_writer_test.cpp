#include "plans/json_writer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustctl::plans {
namespace {

using nlohmann::json;

// The same calls made on both writers: the text must be what nlohmann prints of the tree.
void expect_same(const std::function<void(JsonSink&)>& calls) {
  std::string text;
  JsonTextWriter writer(text);
  calls(writer);
  JsonTreeBuilder tree;
  calls(tree);
  EXPECT_EQ(text, tree.take().dump(2));
}

TEST(JsonWriter, PrintsWhatNlohmannPrintsOfTheSameTree) {
  expect_same([](JsonSink& out) {
    out.begin_object();
    out.key("a_list");
    out.begin_array();
    out.value(1);
    out.value(std::int64_t{-42});
    out.value(std::numeric_limits<std::uint64_t>::max());
    out.value(true);
    out.value(false);
    out.null();
    out.value(180.0);
    out.value(1.5);
    out.value(1e20);
    out.value(0.1);
    out.begin_array();
    out.end_array();
    out.begin_object();
    out.end_object();
    out.end_array();
    out.member("b", "text");
    out.key("c_nested");
    out.begin_object();
    out.key("deeper");
    out.begin_array();
    out.begin_object();
    out.member("x", std::string("y"));
    out.end_object();
    out.end_array();
    out.end_object();
    out.member("d", 0);
    out.end_object();
  });
}

TEST(JsonWriter, EscapesAsNlohmannDoes) {
  expect_same([](JsonSink& out) {
    out.begin_object();
    out.member("control", "tab\there\nnew \"quoted\" back\\slash \b\f\r \x01\x1f end\x7f");
    // Escaped before the first byte beyond ASCII, then handed whole to nlohmann: written once, not twice.
    out.member("mixed", "quote \" tab\t then Zürich\n");
    out.member("nul", std::string("a\0b", 3));
    out.member("unicode", "Zürich ✓ 日本");
    out.member("with \"quote\" key", "delete");
    out.end_object();
  });
}

TEST(JsonWriter, InvalidUtf8ThrowsAsNlohmannDoes) {
  std::string text;
  JsonTextWriter writer(text);
  writer.begin_array();
  EXPECT_THROW(writer.value("bad \xff byte"), json::type_error);
}

TEST(JsonWriter, TopLevelScalarsAndEmptyContainers) {
  expect_same([](JsonSink& out) { out.value("alone"); });
  expect_same([](JsonSink& out) {
    out.begin_array();
    out.end_array();
  });
  expect_same([](JsonSink& out) {
    out.begin_object();
    out.end_object();
  });
}

TEST(JsonWriter, WritesAnEmbeddedTreeInPlace) {
  json embedded = {{"policy", "error"}, {"findings", json::array({{{"rule", "TC003"}, {"deployed", false}}})},
                   {"count", 3}, {"ratio", 2.5}, {"none", nullptr}, {"empty", json::object()}};
  expect_same([&](JsonSink& out) {
    out.begin_object();
    out.member("inner", embedded);
    out.member("z", 1);
    out.end_object();
  });
}

TEST(JsonWriter, RewritesStringValuesButNotKeys) {
  std::string text;
  JsonTextWriter writer(text);
  writer.begin_object();
  writer.set_rewrite("sites/lab.toml", "../sites/lab.toml");
  writer.member("sites/lab.toml", "at sites/lab.toml:3:1 and sites/lab.toml:9:1");
  writer.clear_rewrite();
  writer.member("z", "sites/lab.toml");
  writer.end_object();
  EXPECT_EQ(text,
            "{\n  \"sites/lab.toml\": \"at ../sites/lab.toml:3:1 and ../sites/lab.toml:9:1\",\n"
            "  \"z\": \"sites/lab.toml\"\n}");
}

// Drained as objects close, the pieces put together are the text written whole, and each piece ends where an object
// or array closed.
TEST(JsonWriter, DrainedTextPutTogetherIsTheWholeText) {
  auto calls = [](JsonSink& out) {
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (int k = 0; k < 50; ++k) {
      out.begin_object();
      out.member("k", k);
      out.member("name", std::string(k % 7, 'x'));
      out.end_object();
    }
    out.end_array();
    out.member("z", true);
    out.end_object();
  };
  std::string whole;
  JsonTextWriter all(whole, JsonTextWriter::Layout::compact);
  calls(all);

  std::string text;
  std::vector<std::string> pieces;
  JsonTextWriter drained(text, JsonTextWriter::Layout::compact);
  drained.drain_every(40, [&pieces](std::string& out) {
    pieces.push_back(out);
    out.clear();
  });
  calls(drained);
  ASSERT_GT(pieces.size(), 5u);
  std::string together;
  for (const auto& piece : pieces) {
    EXPECT_GE(piece.size(), 40u);
    EXPECT_TRUE(piece.back() == '}' || piece.back() == ']') << piece;
    together += piece;
  }
  EXPECT_EQ(together + text, whole);
  EXPECT_EQ(whole, json::parse(whole).dump());
}

TEST(JsonWriter, RefusesKeysOutOfOrder) {
  // nlohmann sorts an object's members: text written in another order would not be the tree's dump.
  std::string text;
  JsonTextWriter writer(text);
  writer.begin_object();
  writer.member("b", 1);
  EXPECT_THROW(writer.key("a"), std::logic_error);
  EXPECT_THROW(writer.key("b"), std::logic_error) << "a repeated key";
  writer.member("c", 2);
  writer.end_object();
  EXPECT_EQ(text, "{\n  \"b\": 1,\n  \"c\": 2\n}");
}

TEST(JsonWriter, RefusesUnbalancedCalls) {
  std::string text;
  JsonTextWriter writer(text);
  writer.begin_object();
  EXPECT_THROW(writer.value(1), std::logic_error) << "a member without a key";
  EXPECT_THROW(writer.end_array(), std::logic_error);
  writer.end_object();
  EXPECT_THROW(writer.end_object(), std::logic_error);
}

}  // namespace
}  // namespace trustctl::plans
