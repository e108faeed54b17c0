#include "engine/model/printable.hpp"

#include "engine/model/error.hpp"

#include <gtest/gtest.h>

namespace trustctl {
namespace {

TEST(Printable, KeepsPrintableTextAndUtf8AsItIs) {
  for (std::string_view text : {"uccx1.lab.example", "Corp Root CA (2024)", "Zürich Root – Ä", "日本語", ""}) {
    EXPECT_EQ(printable(text), text);
    EXPECT_FALSE(has_control_character(text)) << text;
  }
}

TEST(Printable, EscapesEveryControlCharacter) {
  struct Case {
    std::string text;
    std::string shown;
  };
  for (const Case& c : {Case{"a\nb", "a\\nb"}, Case{"a\rb", "a\\rb"}, Case{"a\tb", "a\\tb"},
                        Case{"CN=\x1b[2Jevil", "CN=\\x1b[2Jevil"}, Case{std::string("nul\0x", 5), "nul\\x00x"},
                        Case{"del\x7f", "del\\x7f"}, Case{"\x07\x08", "\\x07\\x08"},
                        Case{"csi \xc2\x9b" "31m", "csi \\u009b31m"}}) {
    EXPECT_TRUE(has_control_character(c.text)) << c.shown;
    EXPECT_EQ(printable(c.text), c.shown);
  }
}

TEST(Printable, BytesThatAreNotUtf8AreShownAsHexAndTheResultIsStable) {
  const std::string broken = "a\x9b" "b\xc3";  // a lone C1 byte, then a truncated sequence
  EXPECT_EQ(printable(broken), "a\\x9bb\\xc3");
  EXPECT_EQ(printable(printable(broken)), printable(broken));
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate is not UTF-8
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong "/"
}

TEST(Printable, ErrorDescriptionsAreEscapedButTheMessageStaysExact) {
  Error error = Error(ErrorCode::appliance_refused, "the appliance answered: \x1b]0;owned\x07").on("uccx1", "import");
  EXPECT_EQ(error.describe(), "uccx1: import: the appliance answered: \\x1b]0;owned\\x07");
  EXPECT_EQ(error.message, "the appliance answered: \x1b]0;owned\x07");  // JSON carries it exactly
}

}  // namespace
}  // namespace trustctl
