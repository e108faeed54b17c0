// Type-ahead, as a terminal keeps it (docs/appliances.md section 7): lines typed before the prompt or while a
// command runs are read in order at the next prompts; each prompt is its own write after the output before it.
// First the interpreter's turns (one Output per turn, that is one write per prompt), then the real binary over SSH
// with a first prompt that takes its time. Addresses: 127.0.131-133.x.

#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/messages.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/site_text.hpp"
#include "tests/vossim/test/ssh_shell.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using test::count_of;

class TypeAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_node = std::make_unique<SimNode>(NodeSpec{"uccx1", "uccx1.lab.example", "uccx", trustctl::Product::uccx,
                                                trustctl::Role::publisher},
                                       m_dir.path() / "uccx1");
    ASSERT_TRUE(m_node->load_or_initialize().has_value());
    CliSettings settings;
    settings.timings.restart = 2000ms;
    m_cli = std::make_unique<CliInterpreter>(*m_node, settings, [this] { return m_now; });
    m_cli->start();
  }

  // Every turn the queued input makes, one Output each (the SSH server writes each one as it plays it).
  std::vector<CliInterpreter::Output> turns(const std::string& bytes) {
    std::vector<CliInterpreter::Output> out = {m_cli->feed(bytes)};
    while (m_cli->has_pending_input()) out.push_back(m_cli->feed({}));
    return out;
  }

  test::TempDir m_dir;
  Clock::time_point m_now = Clock::now();
  std::unique_ptr<SimNode> m_node;
  std::unique_ptr<CliInterpreter> m_cli;
};

TEST_F(TypeAheadTest, AnEmptyLineAndACommandInOneWriteEachGetTheirOwnPrompt) {
  const auto out = turns("\r\nshow cert list own\r\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text(), "\r\n\r\nadmin:");  // the empty line: a fresh prompt, nothing else
  EXPECT_TRUE(out[0].command_finished);
  EXPECT_EQ(out[1].text().rfind("show cert list own\r\ntomcat/tomcat.pem: ", 0), 0u) << out[1].text();
  EXPECT_TRUE(out[1].text().ends_with("\r\nadmin:")) << out[1].text();
  EXPECT_EQ(count_of(out[1].text(), "admin:"), 1);
  EXPECT_FALSE(m_cli->has_pending_input());
}

TEST_F(TypeAheadTest, LinesTypedAheadRunInOrderOnePromptEach) {
  const auto out = turns("show cert list own\rshow cert list trust\r\n\r\n\n");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_NE(out[0].text().find("tomcat/tomcat.pem: "), std::string::npos);
  EXPECT_NE(out[1].text().find("tomcat-trust/"), std::string::npos);
  EXPECT_EQ(out[2].text(), "\r\n\r\nadmin:");
  EXPECT_EQ(out[3].text(), "\r\n\r\nadmin:");
  for (const auto& turn : out) EXPECT_EQ(count_of(turn.text(), "admin:"), 1) << turn.text();
}

TEST_F(TypeAheadTest, ExtraNewlinesAfterAPasteGiveOnePromptPerLineAfterTheImportResult) {
  const auto root = test::make_certificate("Type Ahead Root", true);
  const auto paste_prompt = turns("set cert import trust tomcat\r");
  ASSERT_EQ(paste_prompt.size(), 1u);
  EXPECT_NE(paste_prompt[0].text().find(msg::kPastePrompt), std::string::npos);
  // The END line, the empty line that ends the paste, then two extra newlines as some clients send.
  const auto out = turns(root.certificate.pem() + "\n\n\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[0].text().find("Successfully imported certificate for tomcat."), std::string::npos) << out[0].text();
  EXPECT_TRUE(out[0].text().ends_with("\r\nadmin:"));
  EXPECT_EQ(out[1].text(), "\r\n\r\nadmin:");
  EXPECT_EQ(out[2].text(), "\r\n\r\nadmin:");
  EXPECT_TRUE(m_node->find_trust("tomcat-trust/" + root.certificate.trust_file_name()).has_value());
}

TEST_F(TypeAheadTest, LinesTypedWhileARestartRunsWaitForItsEnd) {
  const auto out = turns("utils service restart Cisco Tomcat\rutils service list\r");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].total_delay(), 2000ms);  // the restart streams to its end first
  EXPECT_TRUE(out[0].text().ends_with("Cisco Tomcat[STARTED]\r\n\r\nadmin:")) << out[0].text();
  EXPECT_EQ(out[1].text().rfind("utils service list\r\n", 0), 0u) << out[1].text();
}

TEST_F(TypeAheadTest, AnAnswerTypedAheadIsReadAfterTheQuestion) {
  const auto before = m_node->own_tomcat();
  const auto out = turns("set cert regen tomcat\ryes\r");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].text().ends_with(std::string(msg::kRegenQuestion))) << out[0].text();
  EXPECT_NE(out[1].text().find("Successfully Regenerated Certificate for tomcat."), std::string::npos);
  EXPECT_NE(m_node->own_tomcat(), before);
}

TEST_F(TypeAheadTest, ExitTypedAheadClosesAndNothingAfterItRuns) {
  const auto out = turns("show cert list own\rexit\rutils service list\r");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[1].close);
  EXPECT_EQ(m_node->restart_count("Cisco Tomcat"), 0);
  EXPECT_FALSE(m_cli->has_pending_input());
}

TEST_F(TypeAheadTest, TheFirstPromptComesAfterTheStartupWait) {
  CliSettings settings;
  settings.timings.first_prompt = 12s;
  CliInterpreter slow(*m_node, settings);
  const auto out = slow.start();
  ASSERT_EQ(out.steps.size(), 2u);
  EXPECT_EQ(out.steps[0].delay, 0ms);
  EXPECT_NE(out.steps[0].text.find(msg::kStartingUp), std::string::npos);
  EXPECT_EQ(out.steps[0].text.find("admin:"), std::string::npos);
  EXPECT_EQ(out.steps[1].delay, 12s);
  EXPECT_NE(out.steps[1].text.find(msg::kWelcome), std::string::npos);
  EXPECT_TRUE(out.steps[1].text.ends_with("\r\nadmin:"));
}

// ---- The binary over SSH ---------------------------------------------------------------------------------------

constexpr const char* kPasswordEnv = "VOSSIM_TYPEAHEAD_PASSWORD";
constexpr const char* kPassword = "Type-Ahead-1";

class TypeAheadProcessTest : public ::testing::Test {
 protected:
  // Each test its own subnet: ctest runs them in parallel.
  void start(const std::string& subnet) {
    ::setenv(kPasswordEnv, kPassword, 1);
    std::ofstream(m_dir.path() / "site.toml")
        << test::site_toml(subnet, kPasswordEnv,
                           {{"uccx", "uccx", "12.5", {{"uccx1", "publisher", 1}, {"uccx2", "subscriber", 2}}}});
    m_sim = std::make_unique<test::SimProcess>(m_dir.path() / "site.toml", m_dir.path(),
                                               std::vector<std::string>{"--first-prompt-ms", "1500"});
    ASSERT_EQ(m_sim->wait_ready(), "vos-sim: 2 nodes listening\n") << m_sim->stderr_text();
  }
  std::unique_ptr<test::ShellClient> shell(const std::string& address) {
    return std::make_unique<test::ShellClient>(address, test::kSitePort, m_dir.path() / "state" / "known_hosts",
                                               kPassword);
  }
  static bool prompts(const std::string& text, int n) { return count_of(text, "\nadmin:") >= n; }

  test::TempDir m_dir;
  std::unique_ptr<test::SimProcess> m_sim;
};

TEST_F(TypeAheadProcessTest, ACommandSentBeforeTheFirstPromptRunsAfterIt) {
  start("127.0.131");
  auto client = shell("127.0.131.1");
  ASSERT_TRUE(client->ok());
  const auto start = std::chrono::steady_clock::now();
  client->write("show cert list own\r\n");  // the CLI is still starting: typed ahead
  ASSERT_TRUE(client->read_until([](const std::string& t) { return prompts(t, 2); }, 20s)) << client->text();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1400ms) << "the first prompt waited --first-prompt-ms";
  const std::string& text = client->text();
  const auto welcome = text.find(msg::kWelcome);
  const auto output = text.find("tomcat/tomcat.pem: ");
  ASSERT_NE(welcome, std::string::npos) << text;
  ASSERT_NE(output, std::string::npos) << text;
  EXPECT_LT(text.find("\nadmin:"), output) << "the command runs at the first prompt, not before it";
  EXPECT_TRUE(text.ends_with("\nadmin:")) << text;
}

TEST_F(TypeAheadProcessTest, AnEmptyLineAndTheCommandInOneWriteGetTheCommandsOutput) {
  start("127.0.132");
  auto client = shell("127.0.132.2");
  ASSERT_TRUE(client->ok());
  ASSERT_TRUE(client->read_until([](const std::string& t) { return t.ends_with("\nadmin:"); }, 20s));
  client->write("\r\nshow cert list trust\r\n");
  ASSERT_TRUE(client->read_until([](const std::string& t) { return prompts(t, 3); }, 10s)) << client->text();
  client->read_quiet(300ms);
  const std::string& text = client->text();
  EXPECT_NE(text.find("admin:show cert list trust\r\ntomcat-trust/"), std::string::npos) << text;
  EXPECT_EQ(count_of(text, "\nadmin:"), 3) << text;
  EXPECT_TRUE(text.ends_with("\nadmin:")) << text;
}

TEST_F(TypeAheadProcessTest, ExtraNewlinesAfterAPasteStillGiveOnePromptPerLine) {
  start("127.0.133");
  auto client = shell("127.0.133.1");
  ASSERT_TRUE(client->ok());
  ASSERT_TRUE(client->read_until([](const std::string& t) { return t.ends_with("\nadmin:"); }, 20s));
  client->write("set cert import trust tomcat\n");
  ASSERT_TRUE(client->read_until([](const std::string& t) { return t.find(msg::kPastePrompt) != std::string::npos; },
                                 10s));
  const auto root = test::make_certificate("Paste Ahead Root", true);
  client->write(root.certificate.pem() + "\n\n\n");
  ASSERT_TRUE(client->read_until([](const std::string& t) { return prompts(t, 4); }, 10s)) << client->text();
  client->read_quiet(300ms);
  const std::string& text = client->text();
  const auto result = text.find("Successfully imported certificate for tomcat.");
  ASSERT_NE(result, std::string::npos) << text;
  // After the result: its prompt, then one fresh prompt per extra newline, and nothing else.
  EXPECT_EQ(text.substr(text.find("\nadmin:", result)), "\nadmin:\r\n\r\nadmin:\r\n\r\nadmin:") << text;
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

}  // namespace
}  // namespace vossim
