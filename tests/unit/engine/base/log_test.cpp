#include "engine/base/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace trustctl::log {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_file = std::filesystem::temp_directory_path() / ("trustctl-log-test-" + std::to_string(getpid()) + ".log");
    std::filesystem::remove(m_file);
  }
  void TearDown() override {
    reset();
    std::filesystem::remove(m_file);
  }
  std::filesystem::path m_file;
};

TEST_F(LogTest, SecretsAndPrivateKeysAreRedactedWhereTheLineIsBuilt) {
  ASSERT_TRUE(configure(Level::trace, m_file.string()));
  add_secret("hunter2");
  add_secret("hunter2-longer");  // a secret containing another is replaced whole
  trace("ssh", "uccx1: < password: hunter2-longer and hunter2\n-----BEGIN PRIVATE KEY-----\nMIIEv\n"
               "-----END PRIVATE KEY-----\ndone");
  auto text = read_all(m_file);
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_EQ(text.find("MIIEv"), std::string::npos) << text;
  EXPECT_NE(text.find("password: [redacted] and [redacted]"), std::string::npos) << text;
  EXPECT_NE(text.find("[private key redacted]"), std::string::npos) << text;
  EXPECT_NE(text.find(" TRACE ssh: uccx1: < "), std::string::npos) << text;
  // One entry: its continuation lines are indented, so an answer cannot forge a log line of its own.
  EXPECT_NE(text.find("\n    | done"), std::string::npos) << text;
}

TEST_F(LogTest, LevelsFilterAndOffWritesNothing) {
  ASSERT_TRUE(configure(Level::debug, m_file.string()));
  debug("https", "GET /platform-services -> 200");
  trace("ssh", "an answer");
  auto text = read_all(m_file);
  EXPECT_NE(text.find(" DEBUG https: GET /platform-services -> 200\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("an answer"), std::string::npos) << "trace lines need TRUSTCTL_LOG=trace";
  reset();
  EXPECT_FALSE(enabled(Level::debug));
}

TEST(LogLevel, ParsesTheAcceptedValuesAndNamesTheVariableOtherwise) {
  EXPECT_EQ(*parse_level(""), Level::off);
  EXPECT_EQ(*parse_level("debug"), Level::debug);
  EXPECT_EQ(*parse_level("trace"), Level::trace);
  auto bad = parse_level("verbose");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "TRUSTCTL_LOG=verbose is not a log level; use debug, trace or off");
}

}  // namespace
}  // namespace trustctl::log
