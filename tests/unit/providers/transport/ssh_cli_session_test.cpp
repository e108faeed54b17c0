#include "providers/transport/ssh_cli_session.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <thread>
#include <utility>

namespace trustctl::transport {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kPager = "Press <enter> for 1 line, <space> for one page, or <q> to quit";

// ---------------------------------------------------------------------------------------------------------------
// PromptReader

TEST(CliPromptReader, FindsThePromptSplitAcrossReads) {
  PromptReader reader;
  reader.feed("show cert list trust\r\ntomcat-trust/a.pem: Trust\r\nad");
  EXPECT_FALSE(reader.at_prompt());
  reader.feed("min:");
  EXPECT_TRUE(reader.at_prompt());
  EXPECT_EQ(reader.output("show cert list trust"), "tomcat-trust/a.pem: Trust\n");
}

TEST(CliPromptReader, CarriageReturnAtTheEndOfAChunkWaitsForTheNextByte) {
  PromptReader reader;
  reader.feed("line one\r");
  EXPECT_EQ(reader.text(), "line one");
  reader.feed("\nadmin:");
  EXPECT_TRUE(reader.at_prompt());
  EXPECT_EQ(reader.text(), "line one\nadmin:");
}

TEST(CliPromptReader, NormalisesEveryLineEnding) {
  PromptReader reader;
  reader.feed("a\r\nb\rc\nd\r\r\ne\n");
  EXPECT_EQ(reader.text(), "a\nb\nc\nd\ne\n");
}

TEST(CliPromptReader, PromptMustBeTheLastBytesAndFollowANewline) {
  struct Case {
    std::string_view text;
    bool at_prompt;
  };
  for (const Case& c : {Case{"\nadmin:", true}, Case{"admin:", true}, Case{"x\r\nadmin:", true},
                        Case{"\nadmin: ", false}, Case{"\nadmin:\r", false}, Case{"xadmin:", false},
                        Case{"\nadmin:more", false}, Case{"", false}, Case{"\nadmin", false}}) {
    PromptReader reader;
    reader.feed(c.text);
    EXPECT_EQ(reader.at_prompt(), c.at_prompt) << "text: '" << c.text << "'";
  }
}

TEST(CliPromptReader, TheBannerIsNotOutput) {
  PromptReader reader;
  reader.feed("\r\nWelcome to the Platform Command Line Interface\r\n\r\nVMware Installation:\r\n\r\nadmin:");
  EXPECT_TRUE(reader.at_prompt());
}

TEST(CliPromptReader, RemovesThePagerTextOnce) {
  PromptReader reader;
  reader.feed("line 1\r\nline 2\r\n");
  reader.feed(std::string(kPager).substr(0, 20));
  EXPECT_FALSE(reader.take_pager());  // only half of it has arrived
  reader.feed(std::string(kPager).substr(20) + "  ");
  EXPECT_TRUE(reader.take_pager());
  EXPECT_FALSE(reader.take_pager());
  reader.feed("line 3\r\nadmin:");
  EXPECT_EQ(reader.text(), "line 1\nline 2\nline 3\nadmin:");
}

TEST(CliPromptReader, FindsQuestionsAfterTheSkipMarkOnly) {
  PromptReader reader;
  reader.feed("set cert regen tomcat\nProceed with regeneration (yes|no)? ");
  auto first = reader.find("(yes|no)?");
  ASSERT_TRUE(first);
  reader.skip_to(*first + 9);
  EXPECT_FALSE(reader.find("(yes|no)?"));
  reader.feed("yes\nAgain (yes|no)?");
  EXPECT_TRUE(reader.find("(yes|no)?"));
}

// ---------------------------------------------------------------------------------------------------------------
// strip_echo

TEST(CliStripEcho, RemovesOnlyTheEchoedCommandLine) {
  struct Case {
    std::string_view text;
    std::string_view command;
    std::string_view expected;
  };
  const std::string long_command =
      "show cert trust tomcat-trust/a_very_long_certificate_common_name.lab.example_0123456789abcdef.pem";
  const std::string wrapped = long_command.substr(0, 80) + "\n" + long_command.substr(80) + "\nPEM\n";
  for (const Case& c : {
           Case{"show cert list own\ntomcat/tomcat.pem: x\n", "show cert list own", "tomcat/tomcat.pem: x\n"},
           Case{"show cert list own\n", "show cert list own", ""},
           Case{"show cert list own", "show cert list own", ""},
           Case{"show cert list own  \nx\n", "show cert list own", "x\n"},
           Case{"something else\n", "show cert list own", "something else\n"},
           Case{"show cert list owner\n", "show cert list own", "show cert list owner\n"},
           Case{wrapped, long_command, "PEM\n"},
           Case{"\nWelcome\n", "", "\nWelcome\n"},
       }) {
    EXPECT_EQ(strip_echo(c.text, c.command), c.expected) << "text: '" << c.text << "'";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// StreamCliSession over a scripted byte stream

// The node's side of the pipe: what it has sent and not yet been read, what it received, and replies it sends
// when it receives given bytes. Faults by assignment.
class ScriptedStream : public ByteStream {
 public:
  std::deque<std::string> incoming;
  std::vector<std::string> written;
  std::map<std::string, std::vector<std::string>> replies;  // written bytes -> chunks that become readable
  bool closed_when_empty = false;                           // nothing left to read: the node has hung up
  std::optional<Error> write_fault;
  std::string hang_up_after;  // once these bytes are written, the node hangs up after its reply

  Result<void> write(std::string_view bytes) override {
    written.emplace_back(bytes);
    if (write_fault) return fail(*write_fault);
    if (bytes == hang_up_after) closed_when_empty = true;
    if (auto reply = replies.find(std::string(bytes)); reply != replies.end()) {
      incoming.insert(incoming.end(), reply->second.begin(), reply->second.end());
    }
    return {};
  }

  Result<std::string> read(std::chrono::milliseconds wait) override {
    if (!incoming.empty()) {
      std::string chunk = std::move(incoming.front());
      incoming.pop_front();
      return chunk;
    }
    if (closed_when_empty) return fail(ErrorCode::connection, "the node closed the connection");
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(wait, 1ms));
    return std::string();
  }
};

// The echo of `command`, the body with "\r\n" line ends, then the prompt, as separate packets.
std::vector<std::string> reply(std::string_view command, std::string_view body) {
  std::string crlf;
  for (char c : body) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  return {std::string(command) + "\r\n", crlf, "\r\nadmin:"};
}

struct Harness {
  ScriptedStream* stream = nullptr;
  std::unique_ptr<StreamCliSession> session;

  explicit Harness(std::chrono::milliseconds timeout = 5000ms) {
    auto owned = std::make_unique<ScriptedStream>();
    stream = owned.get();
    session = std::make_unique<StreamCliSession>(
        std::move(owned), CliOptions{.node = "uccx1", .login_timeout = timeout, .timeout = timeout, .answer_delay = 0ms});
  }

  // The login the real CLI gives: banner, prompt, and the answer to "set cli pagination off".
  void script_login() {
    stream->incoming = {"\r\nWelcome to the Platform Command Line Interface\r\n\r\n", "admin:"};
    stream->replies["set cli pagination off\n"] = reply("set cli pagination off", "Automatic pagination is turned off");
  }
};

TEST(CliStreamSession, LogsInAndTurnsPaginationOff) {
  Harness h;
  h.script_login();
  auto started = h.session->start();
  ASSERT_TRUE(started) << started.error().describe();
  EXPECT_EQ(h.stream->written, (std::vector<std::string>{"set cli pagination off\n"}));
}

TEST(CliStreamSession, RefusesACliThatDoesNotConfirmPaginationOff) {
  Harness h;
  h.script_login();
  h.stream->replies["set cli pagination off\n"] = reply("set cli pagination off", "Executed command unsuccessfully");
  auto started = h.session->start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::protocol);
  EXPECT_NE(started.error().message.find("Executed command unsuccessfully"), std::string::npos);
}

TEST(CliStreamSession, RunReturnsTheOutputWithoutEchoOrPrompt) {
  Harness h;
  h.script_login();
  ASSERT_TRUE(h.session->start());
  h.stream->replies["show cert list trust\n"] =
      reply("show cert list trust", "tomcat-trust/a.pem: Trust Certificate\ntomcat-trust/b.pem: Trust Certificate");
  auto output = h.session->run("show cert list trust");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(*output, "tomcat-trust/a.pem: Trust Certificate\ntomcat-trust/b.pem: Trust Certificate\n");
}

TEST(CliStreamSession, ReadsOutputArrivingOneByteAtATime) {
  Harness h;
  std::string all = "utils service list\r\nCisco Tomcat[STARTED]\r\nadmin:";
  for (char c : all) h.stream->replies["utils service list\n"].emplace_back(1, c);
  auto output = h.session->run("utils service list");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(*output, "Cisco Tomcat[STARTED]\n");
}

TEST(CliStreamSession, AnswersThePagerWithSpaceAndKeepsItOutOfTheOutput) {
  Harness h;
  h.stream->replies["utils service list\n"] = {"utils service list\r\n", "A[STARTED]\r\n", std::string(kPager)};
  h.stream->replies[" "] = {"\r      \rB[STARTED]\r\nadmin:"};
  auto output = h.session->run("utils service list");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(h.stream->written, (std::vector<std::string>{"utils service list\n", " "}));
  EXPECT_EQ(output->find("Press"), std::string::npos);
  EXPECT_NE(output->find("A[STARTED]\n"), std::string::npos);
  EXPECT_NE(output->find("B[STARTED]\n"), std::string::npos);
}

TEST(CliStreamSession, PastesAnswerOnlyAfterThePromptAppears) {
  Harness h;
  const std::string pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  h.stream->replies["set cert import trust tomcat\n"] = {"set cert import trust tomcat\r\n", "Paste the Certificate ",
                                                         "and Hit Enter\r\n"};
  h.stream->replies[pem + "\n"] = {"-----BEGIN CERTIFICATE-----\r\nAAAA\r\n-----END CERTIFICATE-----\r\n\r\n",
                                   "Successfully imported certificate for tomcat.\r\n", "\r\nadmin:"};
  auto output = h.session->run_interactive("set cert import trust tomcat",
                                           {{"Paste the Certificate and Hit Enter", pem}});
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(h.stream->written, (std::vector<std::string>{"set cert import trust tomcat\n", pem + "\n"}));
  EXPECT_NE(output->find("Successfully imported certificate for tomcat."), std::string::npos);
}

TEST(CliStreamSession, AnswersEachQuestionOnceInTheOrderTheyAppear) {
  Harness h;
  h.stream->replies["set csr gen tomcat\n"] = {"set csr gen tomcat\r\nInclude OU in CSR (yes|no)?"};
  h.stream->replies["no\n"] = {"no\r\nReally (yes|no)?"};
  h.stream->replies["yes\n"] = {"yes\r\nSuccessfully Generated CSR for tomcat\r\nadmin:"};
  auto output = h.session->run_interactive("set csr gen tomcat", {{"Really (yes|no)?", "yes"}, {"OU in CSR", "no"}});
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(h.stream->written, (std::vector<std::string>{"set csr gen tomcat\n", "no\n", "yes\n"}));
}

TEST(CliStreamSession, ATimeoutAbandonsTheSession) {
  Harness h(30ms);
  h.stream->replies["utils service restart Cisco Tomcat\n"] = {"utils service restart Cisco Tomcat\r\n",
                                                               "Cisco Tomcat[STOPPING]\r\n"};
  auto output = h.session->run("utils service restart Cisco Tomcat");
  ASSERT_FALSE(output);
  EXPECT_EQ(output.error().code, ErrorCode::timeout);
  EXPECT_EQ(output.error().node, "uccx1");
  EXPECT_NE(output.error().message.find("may or may not have taken effect"), std::string::npos);

  h.stream->replies["utils service list\n"] = reply("utils service list", "Cisco Tomcat[STARTED]");
  auto next = h.session->run("utils service list");
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, ErrorCode::connection);
  EXPECT_EQ(next.error().message,
            "the CLI session to uccx1 was abandoned after an earlier timeout; 'utils service list' was not sent");
  EXPECT_EQ(h.stream->written.size(), 1u);  // the second command was never sent
}

TEST(CliStreamSession, ADropMidCommandSaysTheActionMayHaveHappened) {
  Harness h;
  h.stream->replies["utils system restart\n"] = {"utils system restart\r\n", "Do you really want to restart ?"};
  h.stream->hang_up_after = "utils system restart\n";
  auto output = h.session->run("utils system restart");
  ASSERT_FALSE(output);
  EXPECT_EQ(output.error().code, ErrorCode::connection);
  EXPECT_EQ(output.error().node, "uccx1");
  EXPECT_NE(output.error().message.find("dropped while 'utils system restart' was running"), std::string::npos);
  EXPECT_NE(output.error().message.find("may or may not have taken effect"), std::string::npos);
}

TEST(CliStreamSession, ADropBeforeSendingSaysNothingWasSent) {
  Harness h;
  h.stream->closed_when_empty = true;
  auto output = h.session->run("show cert list trust");
  ASSERT_FALSE(output);
  EXPECT_EQ(output.error().code, ErrorCode::connection);
  EXPECT_NE(output.error().message.find("before 'show cert list trust' was sent"), std::string::npos);
  EXPECT_TRUE(h.stream->written.empty());
}

TEST(CliStreamSession, AnIdleSessionIsUsableUntilTheNodeClosesItAndAskingSendsNothing) {
  Harness h;
  h.stream->incoming = {"\r\nadmin:"};  // stray output while idle: read and dropped, not a drop
  EXPECT_TRUE(h.session->usable());
  EXPECT_TRUE(h.stream->written.empty());
  h.stream->closed_when_empty = true;
  EXPECT_FALSE(h.session->usable());
  EXPECT_TRUE(h.stream->written.empty());
  auto output = h.session->run("show cert list trust");
  ASSERT_FALSE(output) << "an idle drop abandons the session like any other drop";
  EXPECT_NE(output.error().message.find("'show cert list trust' was not sent"), std::string::npos)
      << output.error().message;
  EXPECT_TRUE(h.stream->written.empty());
}

TEST(CliStreamSession, ASessionAbandonedAfterATimeoutIsNotUsable) {
  Harness h(50ms);
  h.stream->replies["show cert list own\n"] = {"show cert list own\r\n"};  // the prompt never comes back
  ASSERT_FALSE(h.session->run("show cert list own"));
  EXPECT_FALSE(h.session->usable());
}

TEST(CliStreamSession, DiscardsTextPrintedAfterThePreviousPrompt) {
  Harness h;
  h.stream->incoming = {"\r\nadmin:"};  // a stray prompt left over from an earlier empty line
  h.stream->replies["show cert list own\n"] = reply("show cert list own", "tomcat/tomcat.pem: Self-signed");
  auto output = h.session->run("show cert list own");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(*output, "tomcat/tomcat.pem: Self-signed\n");
}

TEST(CliStreamSession, RefusesCommandsWithLineBreaks) {
  Harness h;
  auto output = h.session->run("show cert list own\nutils system restart");
  ASSERT_FALSE(output);
  EXPECT_EQ(output.error().code, ErrorCode::internal);
  EXPECT_TRUE(h.stream->written.empty());
}

TEST(CliStreamSession, LoginTimesOutWithoutAPrompt) {
  Harness h(20ms);
  h.stream->incoming = {"Last login: yesterday\r\n$ "};
  auto started = h.session->start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::timeout);
  EXPECT_NE(started.error().message.find("first prompt"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------------
// Keep-alives during long waits

// A node that answers a command only after `delay`, and counts the keep-alives it receives meanwhile.
class SlowStream : public ByteStream {
 public:
  std::chrono::milliseconds delay{0};
  int keepalives = 0;
  std::vector<std::string> written;

  Result<void> write(std::string_view bytes) override {
    written.emplace_back(bytes);
    m_reply = std::string(bytes.substr(0, bytes.size() - 1)) + "\r\nCisco Tomcat[STARTED]\r\nadmin:";
    m_due = std::chrono::steady_clock::now() + delay;
    return {};
  }
  Result<std::string> read(std::chrono::milliseconds wait) override {
    const auto now = std::chrono::steady_clock::now();
    if (!m_reply.empty() && now >= m_due) return std::exchange(m_reply, std::string());
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(wait, m_due - now));
    return std::string();
  }
  Result<void> keepalive() override {
    ++keepalives;
    return {};
  }

 private:
  std::string m_reply;
  std::chrono::steady_clock::time_point m_due;
};

TEST(CliStreamSession, SendsKeepAlivesAtTheIntervalWhileWaitingForOutput) {
  auto owned = std::make_unique<SlowStream>();
  SlowStream* stream = owned.get();
  stream->delay = 250ms;
  StreamCliSession session(std::move(owned), CliOptions{.node = "uccx1", .timeout = 5000ms, .answer_delay = 0ms,
                                                        .keepalive_interval = 40ms});
  auto output = session.run("utils service restart Cisco Tomcat");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(*output, "Cisco Tomcat[STARTED]\n") << "keep-alives never reach the output";
  EXPECT_GE(stream->keepalives, 4);  // 250 ms at one per 40 ms: six, less what a busy machine loses
  EXPECT_LE(stream->keepalives, 7);
  EXPECT_EQ(stream->written, (std::vector<std::string>{"utils service restart Cisco Tomcat\n"}))
      << "nothing else is typed into the CLI";
}

TEST(CliStreamSession, NoKeepAlivesWhenTheIntervalIsZeroOrTheAnswerIsQuick) {
  for (auto [delay, interval] : {std::pair{150ms, 0ms}, std::pair{0ms, 100ms}}) {
    auto owned = std::make_unique<SlowStream>();
    SlowStream* stream = owned.get();
    stream->delay = delay;
    StreamCliSession session(std::move(owned), CliOptions{.node = "uccx1", .timeout = 5000ms, .answer_delay = 0ms,
                                                          .keepalive_interval = interval});
    ASSERT_TRUE(session.run("utils service list"));
    EXPECT_EQ(stream->keepalives, 0);
  }
}

class DeadKeepAliveStream : public SlowStream {
 public:
  Result<void> keepalive() override { return fail(ErrorCode::connection, "the node closed the connection"); }
};

TEST(CliStreamSession, AKeepAliveThatFindsTheConnectionGoneIsADrop) {
  auto owned = std::make_unique<DeadKeepAliveStream>();
  owned->delay = 10000ms;
  StreamCliSession session(std::move(owned), CliOptions{.node = "uccx1", .timeout = 5000ms, .answer_delay = 0ms,
                                                        .keepalive_interval = 20ms});
  auto output = session.run("utils service restart Cisco Tomcat");
  ASSERT_FALSE(output);
  EXPECT_EQ(output.error().code, ErrorCode::connection);
  EXPECT_NE(output.error().message.find("dropped while 'utils service restart Cisco Tomcat' was running"),
            std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------------
// A command that ends the session, and the reconnect after it

// Connects to a scripted node: fails with the queued errors first, then hands out a fresh logged-in stream.
struct Reconnects {
  std::deque<Error> failures;
  int attempts = 0;
  std::vector<std::chrono::milliseconds> budgets;
  ScriptedStream* latest = nullptr;

  StreamCliSession::Connector connector() {
    return [this](std::chrono::milliseconds budget) -> Result<std::unique_ptr<ByteStream>> {
      ++attempts;
      budgets.push_back(budget);
      if (!failures.empty()) {
        Error e = failures.front();
        failures.pop_front();
        return fail(std::move(e));
      }
      auto stream = std::make_unique<ScriptedStream>();
      stream->incoming = {"\r\nWelcome to the Platform Command Line Interface\r\n\r\n", "admin:"};
      stream->replies["set cli pagination off\n"] = reply("set cli pagination off", "Automatic pagination is turned off");
      stream->replies["utils service list\n"] = reply("utils service list", "Cisco Tomcat[STARTED]");
      latest = stream.get();
      return std::unique_ptr<ByteStream>(std::move(stream));
    };
  }
};

struct RestartHarness {
  ScriptedStream* stream = nullptr;
  Reconnects node;
  std::unique_ptr<StreamCliSession> session;

  RestartHarness() {
    auto owned = std::make_unique<ScriptedStream>();
    stream = owned.get();
    stream->replies["utils system restart\n"] = {"utils system restart\r\n",
                                                 "Do you really want to restart ?Enter (yes/no)? "};
    stream->replies["yes\n"] = {"yes\r\n", "Appliance is being Restarted ...\r\n"};
    stream->hang_up_after = "yes\n";
    session = std::make_unique<StreamCliSession>(
        std::move(owned),
        CliOptions{.node = "uccx1", .login_timeout = 2000ms, .timeout = 2000ms, .answer_delay = 0ms,
                   .reconnect_backoff = 5ms, .reconnect_backoff_cap = 20ms},
        node.connector());
  }
  Result<DisconnectOutcome> restart() { return session->run_until_disconnect("utils system restart", {{"(yes/no)?", "yes"}}); }
};

TEST(CliStreamSession, ACommandThatEndsTheSessionReportsTheDropAsItsEnd) {
  RestartHarness h;
  auto outcome = h.restart();
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_TRUE(outcome->disconnected);
  EXPECT_NE(outcome->output.find("Appliance is being Restarted ..."), std::string::npos) << outcome->output;
  EXPECT_EQ(h.stream->written, (std::vector<std::string>{"utils system restart\n", "yes\n"}));

  // Until it reconnects the session sends nothing.
  auto next = h.session->run("utils service list");
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().code, ErrorCode::connection);
  EXPECT_NE(next.error().message.find("was not sent"), std::string::npos);
}

TEST(CliStreamSession, ACommandThatShouldEndTheSessionButGetsThePromptBackSaysSo) {
  RestartHarness h;
  h.stream->hang_up_after.clear();
  h.stream->replies["yes\n"] = {"yes\r\n", "Restart cancelled\r\n", "admin:"};
  auto outcome = h.restart();
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_FALSE(outcome->disconnected);
  EXPECT_NE(outcome->output.find("Restart cancelled"), std::string::npos);
  EXPECT_EQ(h.node.attempts, 0);
}

TEST(CliStreamSession, ReconnectRetriesUntilTheNodeIsBackThenTheSameObjectWorks) {
  RestartHarness h;
  ASSERT_TRUE(h.restart());
  h.node.failures = {Error(ErrorCode::connection, "cannot connect to uccx1 (10.0.0.1:22): Connection refused"),
                     Error(ErrorCode::connection, "cannot connect to uccx1 (10.0.0.1:22): Connection refused")};
  auto back = h.session->reconnect(2000ms);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(h.node.attempts, 3);
  ASSERT_NE(h.node.latest, nullptr);
  EXPECT_EQ(h.node.latest->written, (std::vector<std::string>{"set cli pagination off\n"})) << "pagination off again";
  for (std::size_t k = 1; k < h.node.budgets.size(); ++k) EXPECT_LE(h.node.budgets[k], h.node.budgets[k - 1]);

  auto output = h.session->run("utils service list");
  ASSERT_TRUE(output) << output.error().describe();
  EXPECT_EQ(*output, "Cisco Tomcat[STARTED]\n");
}

TEST(CliStreamSession, ReconnectGivesUpAtItsTimeoutNamingTheNodeAndTheLastCause) {
  RestartHarness h;
  ASSERT_TRUE(h.restart());
  for (int k = 0; k < 1000; ++k) {
    h.node.failures.push_back(Error(ErrorCode::connection, "cannot connect to uccx1 (10.0.0.1:22): Connection refused"));
  }
  const auto begin = std::chrono::steady_clock::now();
  auto back = h.session->reconnect(150ms);
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, ErrorCode::timeout);
  EXPECT_EQ(back.error().node, "uccx1");
  EXPECT_NE(back.error().message.find("uccx1 did not accept a new session within 150 ms ("), std::string::npos)
      << back.error().message;
  EXPECT_NE(back.error().message.find("the last: cannot connect to uccx1 (10.0.0.1:22): Connection refused"),
            std::string::npos)
      << back.error().message;
  EXPECT_GE(took, 150ms);
  EXPECT_LT(took, 1000ms);
  EXPECT_GE(h.node.attempts, 3) << "backoff from 5 ms, capped at 20 ms";
  EXPECT_FALSE(h.session->run("utils service list")) << "still refused afterwards";
}

TEST(CliStreamSession, ReconnectStopsAtOnceOnAHostKeyOrPasswordRefusal) {
  for (ErrorCode code : {ErrorCode::host_key, ErrorCode::authentication}) {
    RestartHarness h;
    ASSERT_TRUE(h.restart());
    h.node.failures = {Error(code, "refused")};
    auto back = h.session->reconnect(5000ms);
    ASSERT_FALSE(back);
    EXPECT_EQ(back.error().code, code);
    EXPECT_EQ(h.node.attempts, 1);
  }
}

TEST(CliStreamSession, WithoutAConnectorACommandThatEndsTheSessionIsNotSent) {
  Harness h;
  auto outcome = h.session->run_until_disconnect("utils system restart", {{"(yes/no)?", "yes"}});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code, ErrorCode::internal);
  EXPECT_TRUE(h.stream->written.empty());
}

}  // namespace
}  // namespace trustctl::transport
