#include "engine/config/names.hpp"

#include <gtest/gtest.h>

namespace trustctl::config {
namespace {

struct Case {
  std::string text;
  std::string problem;  // "" when the text is fine; otherwise a part of the message
};

void expect(const std::optional<std::string>& got, const Case& c) {
  if (c.problem.empty()) {
    EXPECT_FALSE(got.has_value()) << "'" << c.text << "': " << got.value_or("");
  } else {
    ASSERT_TRUE(got.has_value()) << "'" << c.text << "' was accepted";
    EXPECT_NE(got->find(c.problem), std::string::npos) << "'" << c.text << "': " << *got;
  }
}

// The same table drives the schema agreement test (site_schema_test.cpp): keep it in one place.
TEST(SiteNames, HostNamesAreLdhLabelsWithoutPortPathOrUrl) {
  const std::string label63(63, 'a');
  const std::string long_name = label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b');  // 254
  for (const Case& c : std::vector<Case>{
           {"uccx1.lab.example", ""},
           {"UCCX-1.Lab.Example", ""},
           {"host1", ""},
           {"1-800-flowers.example", ""},
           {label63 + ".example", ""},
           {std::string(64, 'a') + ".example", "at most 63"},
           {long_name, "at most 253"},
           {"uccx_1.lab.example", "contains '_'"},
           {"uccx1..lab.example", "empty label"},
           {".lab.example", "empty label"},
           {"uccx1.lab.example.", "ends with a dot"},
           {"-uccx1.lab.example", "starts with '-'"},
           {"uccx1-.lab.example", "ends with '-'"},
           {"uccx1.lab.example:8443", "carries a port"},
           {"https://uccx1.lab.example", "is a URL"},
           {"uccx1.lab.example/appadmin", "contains a path"},
           {"uccx 1.lab.example", "contains a space"},
           {"*.lab.example", "contains '*'"},
           {"uccx1\x1b[2J.lab.example", "control character (\\x1b at character 6)"},
           {"uccx1.lab.example\n", "control character (\\n at character 18)"},
           {"bücher.example", "write its A-label"},
           {"xn--bcher-kva.example", ""},
           {"10.0.0.1", "is an IP address"},
           {"::1", "is an IP address"},
           {"10.0.0.300", "neither a host name nor a valid IPv4 address"},
       }) {
    expect(host_name_problem(c.text), c);
  }
}

TEST(SiteNames, AddressesAreIpAddressesOrHostNamesWithoutPort) {
  for (const Case& c : std::vector<Case>{
           {"127.0.1.1", ""},
           {"::1", ""},
           {"fd00::10", ""},
           {"uccx1.lab.example", ""},
           {"uccx1", ""},
           {"127.0.1.1:22", "carries a port"},
           {"[fd00::10]", "without brackets"},
           {"[fd00::10]:22", "carries a port"},
           {"uccx1.lab.example:2222", "carries a port"},
           {"ssh://127.0.1.1", "is a URL"},
           {"127.0.1", "neither a host name nor a valid IPv4 address"},
           {"fd00::zz", "neither a valid IP address nor a host name"},
           {"uccx1.lab.example\r", "control character"},
           {"bad_host", "contains '_'"},
       }) {
    expect(address_problem(c.text), c);
  }
}

TEST(SiteNames, DisplayNamesArePrintableText) {
  for (const Case& c : std::vector<Case>{
           {"uccx", ""},
           {"UCCX Lab (east)", ""},
           {"Zürich", ""},
           {"uccx\x1b[31m", "control character (\\x1b at character 5)"},
           {"a\tb", "control character (\\t at character 2)"},
           {"del\x7f", "control character (\\x7f"},
           {"c1 \xc2\x9b", "control character (\\u009b at character 4)"},
           {"bad \xff utf8", "not valid UTF-8"},
           {" uccx", "starts or ends with a space"},
           {"uccx ", "starts or ends with a space"},
       }) {
    expect(display_name_problem(c.text), c);
  }
}

}  // namespace
}  // namespace trustctl::config
