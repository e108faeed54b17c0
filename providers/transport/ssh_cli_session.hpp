#pragma once
// The admin CLI over SSH (libssh): host key verification against a known_hosts file, password or
// keyboard-interactive login, a vt100 shell, and the prompt/echo/pager dialogue of docs/appliances.md section 7.
//
// The dialogue is written against ByteStream, not libssh, so everything but the socket is unit-tested: PromptReader
// (a buffer fed with received chunks) and StreamCliSession (commands, questions, timeouts and drops over any stream).

#include "providers/transport/cli_session.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::transport {

struct SshTarget {
  std::string node;             // for messages
  std::string host;             // address to connect to
  int port = 22;
  std::string username;
  std::string password;         // secret: never logged, never in an Error
  std::string credentials;      // name of the credential set the password came from, for messages
  std::filesystem::path known_hosts;
  bool trust_on_first_use = false;  // unknown key: record it in known_hosts instead of refusing
  std::chrono::milliseconds connect_timeout{30000};  // TCP connect, key exchange and authentication
  std::chrono::milliseconds login_timeout{60000};    // until the first prompt (10-15 s on real systems)
  std::chrono::milliseconds timeout{600000};         // per command (restarts of Cisco Tomcat take minutes)
  std::chrono::milliseconds answer_delay{2000};      // before answering a question: real appliances want a pause
  // While waiting for output (a restart, a slow command), a keep-alive request after this long without sending
  // anything, so neither the appliance nor a firewall between takes the session for idle. 0: never.
  std::chrono::milliseconds keepalive_interval{30000};
  // Reconnecting after a system restart: the first pause between attempts, doubled up to the cap.
  std::chrono::milliseconds reconnect_backoff{1000};
  std::chrono::milliseconds reconnect_backoff_cap{15000};
};

// Connects, verifies the host key, logs in, waits for the first prompt and turns pagination off.
// Errors carry .on(node, "connect"). The session can reconnect (CliSession::reconnect) with the same settings, the
// same credentials and only the host key it saw here.
Result<std::unique_ptr<CliSession>> open_ssh_cli(const SshTarget& target);

// Connects without logging in and returns the SHA256 fingerprint the node presents ("SHA256:..."), for an
// administrator to compare before trusting it. No host key check: the answer is only ever shown, never trusted.
Result<std::string> host_key_fingerprint(const SshTarget& target);

// ---- the parts below are independent of libssh and exposed for tests ----

// The byte pipe under an interactive CLI.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual Result<void> write(std::string_view bytes) = 0;
  // Waits up to `wait` for bytes (0: only what already arrived); "" when none came. A closed or broken connection is
  // an ErrorCode::connection error.
  virtual Result<std::string> read(std::chrono::milliseconds wait) = 0;
  // Sends a keep-alive that the peer handles below the CLI (nothing reaches the shell) and returns without waiting
  // for its answer. A stream with nothing of the kind does nothing.
  virtual Result<void> keepalive() { return {}; }
};

// What one command printed so far. Line endings are normalised as bytes arrive ("\r\n", "\r" -> "\n"), so the
// prompt, the pager and questions are found however the text was split into packets.
class PromptReader {
 public:
  void feed(std::string_view raw);
  const std::string& text() const { return m_text; }

  // The prompt is the last bytes written, preceded by a newline.
  bool at_prompt() const;
  // When the pager waits for a key: removes its text (so it never reaches a parser) and returns true.
  bool take_pager();
  // Where `needle` first appears after the skip mark (questions already answered lie before it).
  std::optional<std::size_t> find(std::string_view needle) const;
  void skip_to(std::size_t offset);
  // The text before the final prompt (each line ending in "\n"), without the echoed command line.
  std::string output(std::string_view command) const;

 private:
  std::string m_text;
  std::size_t m_taken = 0;        // the skip mark
  bool m_pending_cr = false;      // a "\r" whose meaning depends on the next byte
};

// Removes the echo of `command` from the start of `text`. The echo may be wrapped by the terminal (a long command
// at 80 columns), so line breaks inside it are skipped; text that does not start with the echo is returned unchanged.
std::string strip_echo(std::string_view text, std::string_view command);

struct CliOptions {
  std::string node;
  std::chrono::milliseconds login_timeout{60000};
  std::chrono::milliseconds timeout{600000};
  std::chrono::milliseconds answer_delay{2000};
  std::chrono::milliseconds keepalive_interval{30000};  // see SshTarget; 0: never
  std::chrono::milliseconds reconnect_backoff{1000};
  std::chrono::milliseconds reconnect_backoff_cap{15000};
};

class StreamCliSession final : public CliSession {
 public:
  // Opens a new stream to the same node within the budget (host key and login included), for reconnect().
  using Connector = std::function<Result<std::unique_ptr<ByteStream>>(std::chrono::milliseconds budget)>;

  StreamCliSession(std::unique_ptr<ByteStream> stream, CliOptions options, Connector connector = {});

  // Waits for the first prompt and turns pagination off (the pager is still handled if it shows up anyway).
  Result<void> start();

  const std::string& node() const override { return m_options.node; }
  Result<std::string> run(std::string_view command) override;
  Result<std::string> run_interactive(std::string_view command,
                                      const std::vector<PromptAnswer>& prompts_and_answers) override;
  Result<DisconnectOutcome> run_until_disconnect(std::string_view command,
                                                 const std::vector<PromptAnswer>& prompts_and_answers) override;
  Result<void> reconnect(std::chrono::milliseconds within) override;
  bool usable() override;

 private:
  // Reads and drops what the CLI printed since the last prompt (it belongs to no command); an error when the
  // connection is gone.
  Result<void> discard_stale(std::string_view what);
  Result<void> start_within(std::chrono::milliseconds login_timeout);
  // Reads into `reader` until the prompt, answering the pager and `questions`; `command` is for messages only.
  // With `disconnected`, a drop is an expected end: it is reported there instead of as an error.
  Result<void> converse(PromptReader& reader, std::string_view command, const std::vector<PromptAnswer>& questions,
                        std::chrono::milliseconds timeout, bool* disconnected = nullptr);
  Result<std::string> exchange(std::string_view command, const std::vector<PromptAnswer>& questions,
                               bool* disconnected = nullptr);
  tl::unexpected<Error> broken(ErrorCode code, std::string message);

  std::unique_ptr<ByteStream> m_stream;
  CliOptions m_options;
  Connector m_connector;
  // After a timeout or a drop the CLI's state is unknown: later commands are refused rather than misread.
  std::optional<Error> m_broken;
};

}  // namespace trustctl::transport
