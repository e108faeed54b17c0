#include "providers/transport/ssh_cli_session.hpp"

#include "engine/base/log.hpp"
#include "engine/base/text.hpp"
#include "providers/transport/known_hosts_lock.hpp"
#include "providers/transport/admin_terminal.hpp"

#include <libssh/libssh.h>
#include <libssh/server.h>  // ssh_send_keepalive: declared with the server API, usable by either side

#include <algorithm>
#include <climits>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

namespace trustctl::transport {

// ---------------------------------------------------------------------------------------------------------------
// PromptReader

void PromptReader::feed(std::string_view raw) {
  for (char c : raw) {
    if (m_pending_cr) {
      m_pending_cr = false;
      if (c == '\n') {
        m_text.push_back('\n');
        continue;
      }
      if (c == '\r') {  // "\r\r\n" (a terminal's own "\r" before the CLI's "\r\n") still ends one line
        m_pending_cr = true;
        continue;
      }
      m_text.push_back('\n');
    }
    if (c == '\r') {
      m_pending_cr = true;
    } else if (c != '\0') {
      m_text.push_back(c);
    }
  }
}

bool PromptReader::at_prompt() const {
  // A "\r" still pending means bytes followed the prompt text, so it was not the last thing written.
  if (m_pending_cr) return false;
  std::string_view text = m_text;
  if (text == terminal::prompt) return true;
  return text.size() > terminal::prompt.size() && text.ends_with(terminal::prompt) &&
         text[text.size() - terminal::prompt.size() - 1] == '\n';
}

bool PromptReader::take_pager() {
  std::size_t pos = m_text.find(terminal::pager);
  if (pos == std::string::npos) return false;
  std::size_t end = pos + terminal::pager.size();
  // Whatever follows on the pager's own line (padding, the cursor) is decoration, not output.
  while (end < m_text.size() && m_text[end] == ' ') ++end;
  m_text.erase(pos, end - pos);
  if (m_taken > pos) m_taken = std::max(pos, m_taken - (end - pos));
  return true;
}

std::optional<std::size_t> PromptReader::find(std::string_view needle) const {
  if (needle.empty()) return std::nullopt;
  std::size_t pos = m_text.find(needle, m_taken);
  if (pos == std::string::npos) return std::nullopt;
  return pos;
}

void PromptReader::skip_to(std::size_t offset) { m_taken = std::min(std::max(m_taken, offset), m_text.size()); }

std::string PromptReader::output(std::string_view command) const {
  std::string_view body = m_text;
  if (at_prompt()) body.remove_suffix(terminal::prompt.size());
  return strip_echo(body, command);
}

std::string strip_echo(std::string_view text, std::string_view command) {
  if (command.empty()) return std::string(text);
  std::size_t i = 0;
  std::size_t j = 0;
  while (j < command.size()) {
    if (i >= text.size()) return std::string(text);
    if (text[i] == command[j]) {
      ++i;
      ++j;
    } else if (text[i] == '\n' || text[i] == ' ') {  // the terminal wrapped the echo at its width
      ++i;
    } else {
      return std::string(text);
    }
  }
  while (i < text.size() && text[i] == ' ') ++i;
  if (i == text.size()) return {};
  if (text[i] != '\n') return std::string(text);  // the first line only starts like the command: not its echo
  return std::string(text.substr(i + 1));
}

// ---------------------------------------------------------------------------------------------------------------
// StreamCliSession

namespace {

std::string quoted(std::string_view command) { return "'" + std::string(command) + "'"; }

std::string describe(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 != 0) return std::to_string(duration.count()) + " ms";
  return std::to_string(duration.count() / 1000) + " s";
}

}  // namespace

StreamCliSession::StreamCliSession(std::unique_ptr<ByteStream> stream, CliOptions options, Connector connector)
    : m_stream(std::move(stream)), m_options(std::move(options)), m_connector(std::move(connector)) {}

tl::unexpected<Error> StreamCliSession::broken(ErrorCode code, std::string message) {
  Error error(code, std::move(message));
  error.node = m_options.node;
  m_broken = error;
  return tl::unexpected<Error>(std::move(error));
}

Result<void> StreamCliSession::start() { return start_within(m_options.login_timeout); }

Result<void> StreamCliSession::start_within(std::chrono::milliseconds login_timeout) {
  PromptReader reader;
  if (auto ok = converse(reader, "", {}, login_timeout); !ok) return fail(ok.error());
  auto reply = run(terminal::pagination_off_command);
  if (!reply) return fail(reply.error());
  if (reply->find(terminal::pagination_off_reply) == std::string::npos) {
    // Whatever answers differently is not the CLI every other text here was written for: stop before changing it.
    std::string said = first_nonblank_line(*reply);
    Error error(ErrorCode::protocol, m_options.node + " answered '" + std::string(terminal::pagination_off_command) +
                                         "' with '" + (said.empty() ? std::string("nothing") : said) + "' instead of '" +
                                         std::string(terminal::pagination_off_reply) + "': is this a VOS admin CLI?");
    error.node = m_options.node;
    return fail(std::move(error));
  }
  return {};
}

Result<std::string> StreamCliSession::run(std::string_view command) { return exchange(command, {}); }

Result<std::string> StreamCliSession::run_interactive(std::string_view command,
                                                      const std::vector<PromptAnswer>& prompts_and_answers) {
  return exchange(command, prompts_and_answers);
}

Result<DisconnectOutcome> StreamCliSession::run_until_disconnect(std::string_view command,
                                                                const std::vector<PromptAnswer>& prompts_and_answers) {
  if (!m_connector) return CliSession::run_until_disconnect(command, prompts_and_answers);
  bool disconnected = false;
  auto output = exchange(command, prompts_and_answers, &disconnected);
  if (!output) return fail(output.error());
  return DisconnectOutcome{std::move(*output), disconnected};
}

Result<std::string> StreamCliSession::exchange(std::string_view command, const std::vector<PromptAnswer>& questions,
                                               bool* disconnected) {
  if (m_broken) {
    Error error(ErrorCode::connection, "the CLI session to " + m_options.node + " was abandoned after an earlier " +
                                           (m_broken->code == ErrorCode::timeout ? "timeout" : "drop") + "; " +
                                           quoted(command) + " was not sent");
    error.node = m_options.node;
    return fail(std::move(error));
  }
  if (command.empty() || command.find_first_of("\r\n") != std::string_view::npos) {
    // A line break would make one command two: never send what the caller did not mean as one line.
    Error error(ErrorCode::internal, "refusing to send a CLI command that is empty or holds a line break");
    error.node = m_options.node;
    return fail(std::move(error));
  }

  // Whatever the CLI printed after the last prompt belongs to no command: reading it now keeps it out of this
  // command's output, and a session that dropped in the meantime is reported while nothing has been sent yet.
  if (auto clean = discard_stale("before " + quoted(command) + " was sent"); !clean) return fail(clean.error());

  const auto sent_at = std::chrono::steady_clock::now();
  log::debug("ssh", m_options.node + ": > " + std::string(command));
  if (auto sent = m_stream->write(std::string(command) + "\n"); !sent) {
    return broken(ErrorCode::connection, "the SSH session to " + m_options.node + " dropped while sending " +
                                             quoted(command) + " (" + sent.error().message +
                                             "); it may or may not have taken effect");
  }
  PromptReader reader;
  auto conversed = converse(reader, command, questions, m_options.timeout, disconnected);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent_at);
  if (log::enabled(log::Level::debug)) {
    log::debug("ssh", m_options.node + ": " + quoted(command) + (conversed ? " answered" : " failed") + " in " +
                          std::to_string(took.count()) + " ms" +
                          (conversed ? std::string() : " (" + conversed.error().message + ")"));
    // The answer as the node printed it (answers to its questions included): the transcript.
    log::trace("ssh", m_options.node + ": < " + reader.text());
  }
  if (!conversed) return fail(conversed.error());
  if (disconnected && *disconnected) {
    // The node went away as the command said it would: nothing may be sent until reconnect() has a new session.
    Error gone(ErrorCode::connection, "the node closed the session after " + quoted(command));
    gone.node = m_options.node;
    m_broken = std::move(gone);
    return reader.text().empty() ? std::string() : strip_echo(reader.text(), command);
  }
  return reader.output(command);
}

Result<void> StreamCliSession::discard_stale(std::string_view what) {
  for (int i = 0; i < 1000; ++i) {
    auto stale = m_stream->read(std::chrono::milliseconds(0));
    if (!stale) {
      return broken(ErrorCode::connection, "the SSH session to " + m_options.node + " dropped " + std::string(what) +
                                               " (" + stale.error().message + ")");
    }
    if (stale->empty()) break;
  }
  return {};
}

bool StreamCliSession::usable() {
  if (m_broken || !m_stream) return false;
  return discard_stale("while idle").has_value();
}

Result<void> StreamCliSession::reconnect(std::chrono::milliseconds within) {
  if (!m_connector) return CliSession::reconnect(within);
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + within;
  // The old connection is dead or about to be replaced: close it first, and refuse commands until a new one works.
  m_stream.reset();
  if (!m_broken) {
    m_broken = Error(ErrorCode::connection, "the session to " + m_options.node + " is reconnecting");
    m_broken->node = m_options.node;
  }
  auto pause = std::max(m_options.reconnect_backoff, std::chrono::milliseconds(1));
  int attempts = 0;
  std::optional<Error> last;
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    ++attempts;
    auto stream = m_connector(left);
    if (stream) {
      m_stream = std::move(*stream);
      m_broken.reset();
      // A node that has just booted may take its time before the first prompt, but never more than is left.
      const auto budget = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      auto started = start_within(std::max(std::chrono::milliseconds(1), std::min(m_options.login_timeout, budget)));
      if (started) return {};
      last = started.error();
      m_stream.reset();
      if (!m_broken) m_broken = last;
    } else {
      last = stream.error();
    }
    log::debug("ssh", m_options.node + ": reconnect attempt " + std::to_string(attempts) + " failed: " + last->message);
    // A changed host key or a refused password will not mend by waiting: report it now.
    if (!is_transient(last->code)) {
      Error error = *last;
      error.node = m_options.node;
      return fail(std::move(error));
    }
    const auto remaining = deadline - Clock::now();
    if (remaining <= Clock::duration::zero()) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(pause, remaining));
    pause = std::min(pause * 2, std::max(m_options.reconnect_backoff_cap, pause));
  }
  std::string message = m_options.node + " did not accept a new session within " + describe(within) + " (" +
                        std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
  if (last) message += "; the last: " + last->message;
  message += ")";
  Error error(ErrorCode::timeout, std::move(message));
  error.node = m_options.node;
  m_broken = error;
  return fail(std::move(error));
}

Result<void> StreamCliSession::converse(PromptReader& reader, std::string_view command,
                                        const std::vector<PromptAnswer>& questions, std::chrono::milliseconds timeout,
                                        bool* disconnected) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  const std::string what = command.empty() ? std::string("the first prompt") : quoted(command);
  auto dropped = [&](const Error& cause) -> Result<void> {
    if (disconnected && !command.empty()) {
      *disconnected = true;  // expected: the caller asked for a command that ends the session
      return {};
    }
    std::string message = "the SSH session to " + m_options.node + " dropped ";
    message += command.empty() ? "before the first prompt" : "while " + what + " was running";
    message += " (" + cause.message + ")";
    if (!command.empty()) message += "; it may or may not have taken effect";
    return broken(ErrorCode::connection, std::move(message));
  };
  std::vector<bool> answered(questions.size(), false);
  // Keep-alives count from the last thing this side sent: the command, an answer, the pager key or a keep-alive.
  auto last_sent = Clock::now();
  const auto keepalive = m_options.keepalive_interval;

  for (;;) {
    if (reader.at_prompt()) return {};
    if (reader.take_pager()) {
      if (auto sent = m_stream->write(terminal::pager_key); !sent) return dropped(sent.error());
      last_sent = Clock::now();
      continue;
    }

    // Answer the question that appeared first; each entry answers one occurrence.
    std::optional<std::size_t> next;
    std::size_t next_pos = 0;
    for (std::size_t i = 0; i < questions.size(); ++i) {
      if (answered[i]) continue;
      auto pos = reader.find(questions[i].prompt);
      if (pos && (!next || *pos < next_pos)) {
        next = i;
        next_pos = *pos;
      }
    }
    if (next) {
      answered[*next] = true;
      reader.skip_to(next_pos + questions[*next].prompt.size());
      if (m_options.answer_delay.count() > 0) std::this_thread::sleep_for(m_options.answer_delay);
      if (auto sent = m_stream->write(questions[*next].answer + "\n"); !sent) return dropped(sent.error());
      last_sent = Clock::now();
      continue;
    }

    const auto now = Clock::now();
    if (now >= deadline) {
      std::string message = what + " did not finish within " + describe(timeout) + " on " + m_options.node;
      if (!command.empty()) message += "; it may or may not have taken effect";
      message += "; the session was abandoned";
      return broken(ErrorCode::timeout, std::move(message));
    }
    auto wait = deadline - now;
    if (keepalive.count() > 0) {
      const auto due = last_sent + keepalive;
      if (now >= due) {
        if (auto alive = m_stream->keepalive(); !alive) return dropped(alive.error());
        last_sent = now;
        continue;
      }
      wait = std::min<Clock::duration>(wait, due - now);
    }
    auto chunk = m_stream->read(std::chrono::ceil<std::chrono::milliseconds>(wait));
    if (!chunk) return dropped(chunk.error());
    reader.feed(*chunk);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// libssh

namespace {

struct SessionDeleter {
  void operator()(ssh_session session) const {
    if (ssh_is_connected(session)) ssh_disconnect(session);
    ssh_free(session);
  }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;

// A channel must be freed before its session (ssh_free frees the channels it still owns).
struct ChannelDeleter {
  void operator()(ssh_channel channel) const { ssh_channel_free(channel); }
};
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;

struct KeyDeleter {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyDeleter>;

void ensure_ssh_init() {
  // libssh initialises itself when loaded as a shared library, but not when linked statically; ssh_init is counted.
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

std::string endpoint(const SshTarget& target) { return target.host + ":" + std::to_string(target.port); }
std::string named_endpoint(const SshTarget& target) { return target.node + " (" + endpoint(target) + ")"; }

// How the host appears on its known_hosts line, so the administrator can find the line to remove.
std::string known_hosts_name(const SshTarget& target) {
  if (target.port == 22) return target.host;
  return "[" + target.host + "]:" + std::to_string(target.port);
}

std::string last_error(ssh_session session) {
  const char* text = ssh_get_error(session);
  return text != nullptr && *text != '\0' ? std::string(text) : std::string("unknown libssh error");
}

class SshChannelStream final : public ByteStream {
 public:
  SshChannelStream(SessionPtr session, ChannelPtr channel)
      : m_session(std::move(session)), m_channel(std::move(channel)) {}

  Result<void> write(std::string_view bytes) override {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto chunk = static_cast<uint32_t>(std::min<std::size_t>(bytes.size() - done, 32768));
      int written = ssh_channel_write(m_channel.get(), bytes.data() + done, chunk);
      if (written <= 0) return fail(ErrorCode::connection, write_error());
      done += static_cast<std::size_t>(written);
    }
    return {};
  }

  Result<std::string> read(std::chrono::milliseconds wait) override {
    char buffer[16384];
    int count = 0;
    if (wait.count() <= 0) {
      count = ssh_channel_read_nonblocking(m_channel.get(), buffer, sizeof buffer, 0);
    } else {
      const int timeout_ms = static_cast<int>(std::min<long long>(wait.count(), INT_MAX));
      count = ssh_channel_read_timeout(m_channel.get(), buffer, sizeof buffer, 0, timeout_ms);
    }
    if (count == SSH_ERROR) return fail(ErrorCode::connection, last_error(m_session.get()));
    std::string out;
    if (count > 0) out.assign(buffer, static_cast<std::size_t>(count));

    // A shell on a terminal writes nothing to stderr, but reading what might be there keeps a full stderr window
    // from ever stalling the channel, and keeps any message it holds.
    int err = ssh_channel_read_nonblocking(m_channel.get(), buffer, sizeof buffer, 1);
    if (err > 0) out.append(buffer, static_cast<std::size_t>(err));

    if (out.empty() && (ssh_channel_is_eof(m_channel.get()) != 0 || ssh_channel_is_closed(m_channel.get()) != 0 ||
                        ssh_is_connected(m_session.get()) == 0)) {
      return fail(ErrorCode::connection, "the node closed the connection");
    }
    return out;
  }

  Result<void> keepalive() override {
    ssh_session session = m_session.get();
    if (ssh_is_connected(session) == 0 || ssh_channel_is_closed(m_channel.get()) != 0) {
      return fail(ErrorCode::connection, "the node closed the connection");
    }
    // "keepalive@openssh.com" with a reply wanted, as OpenSSH's ServerAliveInterval sends. libssh waits for the
    // reply in blocking mode, which would hold up reading the command's output, so the request goes out
    // non-blocking and later reads collect the reply. While a request is outstanding libssh sends no new one; a call
    // after the reply came only settles it, so the second call sends the next request then.
    ssh_set_blocking(session, 0);
    ssh_send_keepalive(session);
    ssh_send_keepalive(session);
    ssh_set_blocking(session, 1);
    if (ssh_is_connected(session) == 0) return fail(ErrorCode::connection, last_error(session));
    return {};
  }

 private:
  std::string write_error() {
    if (ssh_channel_is_closed(m_channel.get()) != 0) return "the node closed the connection";
    return last_error(m_session.get());
  }

  SessionPtr m_session;  // declared first: destroyed after the channel
  ChannelPtr m_channel;
};

Error connect_error(const SshTarget& target, ErrorCode code, std::string message) {
  return std::move(Error(code, std::move(message))).on(target.node, "connect");
}

Result<SessionPtr> connect_session(const SshTarget& target) {
  ensure_ssh_init();
  SessionPtr session(ssh_new());
  if (!session) return fail(connect_error(target, ErrorCode::internal, "libssh could not create a session"));

  int port = target.port;
  long timeout_s = std::max<long>(1, static_cast<long>((target.connect_timeout.count() + 999) / 1000));
  bool process_config = false;  // ~/.ssh/config must not change what the site file says
  const std::string known_hosts = target.known_hosts.string();
  ssh_session s = session.get();
  bool ok = ssh_options_set(s, SSH_OPTIONS_HOST, target.host.c_str()) == SSH_OK &&
            ssh_options_set(s, SSH_OPTIONS_PORT, &port) == SSH_OK &&
            ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s) == SSH_OK &&
            ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config) == SSH_OK &&
            ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str()) == SSH_OK &&
            // Only the site's own file decides which keys are known, never the system-wide one.
            ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") == SSH_OK;
  if (ok && !target.username.empty()) ok = ssh_options_set(s, SSH_OPTIONS_USER, target.username.c_str()) == SSH_OK;
  if (!ok) {
    return fail(connect_error(target, ErrorCode::invalid_site,
                              "cannot use the SSH settings of " + named_endpoint(target) + ": " + last_error(s)));
  }
  if (ssh_connect(s) != SSH_OK) {
    return fail(connect_error(target, ErrorCode::connection,
                              "cannot connect to " + named_endpoint(target) + ": " + last_error(s)));
  }
  return session;
}

struct PresentedKey {
  std::string fingerprint;  // "SHA256:..."
  std::string type;         // "ssh-ed25519", ...
};

Result<PresentedKey> presented_key(const SshTarget& target, ssh_session session) {
  ssh_key raw = nullptr;
  if (ssh_get_server_publickey(session, &raw) != SSH_OK || raw == nullptr) {
    return fail(connect_error(target, ErrorCode::protocol,
                              named_endpoint(target) + " presented no host key: " + last_error(session)));
  }
  KeyPtr key(raw);
  unsigned char* hash = nullptr;
  std::size_t hash_len = 0;
  if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) != SSH_OK) {
    return fail(connect_error(target, ErrorCode::internal,
                              "cannot hash the host key of " + named_endpoint(target)));
  }
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
  ssh_clean_pubkey_hash(&hash);
  if (text == nullptr) {
    return fail(connect_error(target, ErrorCode::internal,
                              "cannot format the host key fingerprint of " + named_endpoint(target)));
  }
  PresentedKey out;
  out.fingerprint = text;
  ssh_string_free_char(text);
  const char* type = ssh_key_type_to_char(ssh_key_type(key.get()));
  out.type = type != nullptr ? type : "unknown type";
  return out;
}

Result<PresentedKey> verify_host_key(const SshTarget& target, ssh_session session) {
  auto key = presented_key(target, session);
  if (!key) return fail(key.error());
  const std::string file = target.known_hosts.string();
  // Checking and recording must not interleave with another session's (known_hosts_lock.hpp). Without
  // --trust-on-first-use nothing is written, so reading needs no lock.
  std::optional<KnownHostsLock> lock;
  if (target.trust_on_first_use) {
    auto locked = KnownHostsLock::acquire(target.known_hosts);
    if (!locked) return fail(connect_error(target, locked.error().code, locked.error().message));
    lock.emplace(std::move(*locked));
  }
  switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
      return key;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return fail(connect_error(
          target, ErrorCode::host_key,
          "host key of " + named_endpoint(target) + " does not match the one recorded in " + file +
              ": it now presents " + key->fingerprint + " (" + key->type +
              "). This may be an attack or a reinstalled node: check the fingerprint with its administrator, then "
              "remove the old line for " + known_hosts_name(target) + " from " + file +
              " and re-run with --trust-on-first-use to record the new key"));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (!target.trust_on_first_use) {
        return fail(connect_error(target, ErrorCode::host_key,
                                  "host key of " + named_endpoint(target) + " is not in " + file +
                                      "; check the fingerprint " + key->fingerprint + " (" + key->type +
                                      ") with the appliance administrator, then re-run with --trust-on-first-use "
                                      "to record it"));
      }
      if (ssh_session_update_known_hosts(session) != SSH_OK) {
        return fail(connect_error(target, ErrorCode::io,
                                  "cannot record the host key of " + named_endpoint(target) + " in " + file + ": " +
                                      last_error(session)));
      }
      return key;
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  return fail(connect_error(target, ErrorCode::host_key,
                            "cannot check the host key of " + named_endpoint(target) + " against " + file + ": " +
                                last_error(session)));
}

// Keyboard-interactive the way VOS uses it: every prompt asks for the password.
int keyboard_interactive(ssh_session session, const std::string& password) {
  int rc = ssh_userauth_kbdint(session, nullptr, nullptr);
  for (int round = 0; rc == SSH_AUTH_INFO && round < 8; ++round) {
    const int prompts = ssh_userauth_kbdint_getnprompts(session);
    for (int i = 0; i < prompts; ++i) {
      if (ssh_userauth_kbdint_setanswer(session, static_cast<unsigned>(i), password.c_str()) < 0) {
        return SSH_AUTH_ERROR;
      }
    }
    rc = ssh_userauth_kbdint(session, nullptr, nullptr);
  }
  return rc == SSH_AUTH_INFO ? SSH_AUTH_DENIED : rc;  // a server that keeps asking is refusing
}

Result<void> authenticate(const SshTarget& target, ssh_session session) {
  auto transport_failure = [&] {
    return fail(connect_error(target, ErrorCode::connection,
                              "login to " + named_endpoint(target) + " failed: " + last_error(session)));
  };
  int rc = ssh_userauth_none(session, nullptr);
  if (rc == SSH_AUTH_SUCCESS) return {};
  if (rc == SSH_AUTH_ERROR) return transport_failure();

  const int methods = ssh_userauth_list(session, nullptr);
  const bool offers_password = methods == 0 || (methods & SSH_AUTH_METHOD_PASSWORD) != 0;
  const bool offers_keyboard = methods == 0 || (methods & SSH_AUTH_METHOD_INTERACTIVE) != 0;
  if (!offers_password && !offers_keyboard) {
    return fail(connect_error(target, ErrorCode::authentication,
                              target.node + " offers neither password nor keyboard-interactive login to user '" +
                                  target.username + "'"));
  }
  rc = SSH_AUTH_DENIED;
  if (offers_password) rc = ssh_userauth_password(session, nullptr, target.password.c_str());
  if (rc == SSH_AUTH_DENIED && offers_keyboard) rc = keyboard_interactive(session, target.password);
  switch (rc) {
    case SSH_AUTH_SUCCESS:
      return {};
    case SSH_AUTH_ERROR:
      return transport_failure();
    case SSH_AUTH_PARTIAL:
      return fail(connect_error(target, ErrorCode::authentication,
                                target.node + " accepted the password of user '" + target.username +
                                    "' but asks for a further factor, which trustctl cannot give"));
    default:
      break;
  }
  std::string hint = target.credentials.empty() ? std::string("check the user name and password")
                                                : "check the password of credential set '" + target.credentials + "'";
  return fail(connect_error(target, ErrorCode::authentication,
                            "user '" + target.username + "' was refused by " + target.node + ": " + hint));
}

Result<ChannelPtr> open_shell(const SshTarget& target, ssh_session session) {
  ChannelPtr channel(ssh_channel_new(session));
  if (!channel) return fail(connect_error(target, ErrorCode::internal, "libssh could not create a channel"));
  if (ssh_channel_open_session(channel.get()) != SSH_OK) {
    return fail(connect_error(target, ErrorCode::connection,
                              named_endpoint(target) + " did not open a session channel: " + last_error(session)));
  }
  // The CLI formats (and pages) for the terminal it is given; 80x24 vt100 is what it expects from an administrator.
  if (ssh_channel_request_pty_size(channel.get(), "vt100", 80, 24) != SSH_OK) {
    return fail(connect_error(target, ErrorCode::protocol,
                              named_endpoint(target) + " refused a terminal: " + last_error(session)));
  }
  if (ssh_channel_request_shell(channel.get()) != SSH_OK) {
    return fail(connect_error(target, ErrorCode::protocol,
                              named_endpoint(target) + " refused an interactive shell: " + last_error(session)));
  }
  return channel;
}

struct OpenedShell {
  std::unique_ptr<SshChannelStream> stream;
  std::string fingerprint;  // of the host key that was accepted
};

// Connection, host key, login and shell. `expected_fingerprint` (when set) must also match: a reconnect accepts only
// the key the session first saw, even if known_hosts lists others for the host.
Result<OpenedShell> open_shell_stream(const SshTarget& target, const std::string& expected_fingerprint) {
  auto session = connect_session(target);
  if (!session) return fail(session.error());
  auto key = verify_host_key(target, session->get());
  if (!key) return fail(key.error());
  if (!expected_fingerprint.empty() && key->fingerprint != expected_fingerprint) {
    return fail(connect_error(target, ErrorCode::host_key,
                              named_endpoint(target) + " came back with host key " + key->fingerprint + " (" +
                                  key->type + ") instead of " + expected_fingerprint +
                                  ", the one it had before; refusing it. Check with its administrator why the key "
                                  "changed"));
  }
  log::debug("ssh", target.node + ": host key " + key->fingerprint + " accepted; logging in as " + target.username);
  if (auto ok = authenticate(target, session->get()); !ok) {
    log::debug("ssh", target.node + ": login failed: " + ok.error().message);
    return fail(ok.error());
  }
  auto channel = open_shell(target, session->get());
  if (!channel) return fail(channel.error());
  return OpenedShell{std::make_unique<SshChannelStream>(std::move(*session), std::move(*channel)),
                     key->fingerprint};
}

}  // namespace

Result<std::unique_ptr<CliSession>> open_ssh_cli(const SshTarget& target) {
  if (target.known_hosts.empty()) {
    // Without a file of known keys every node would be trusted blindly.
    return fail(connect_error(target, ErrorCode::host_key,
                              "no known_hosts file is configured for " + named_endpoint(target)));
  }
  log::debug("ssh", target.node + ": connecting to " + target.host + ":" + std::to_string(target.port));
  auto opened = open_shell_stream(target, "");
  if (!opened) return fail(opened.error());

  // The first login recorded or matched the key; a reconnect never records one, and accepts only that key.
  StreamCliSession::Connector reconnect = [target, fingerprint = opened->fingerprint](
                                              std::chrono::milliseconds budget) -> Result<std::unique_ptr<ByteStream>> {
    SshTarget again = target;
    again.trust_on_first_use = false;
    again.connect_timeout = std::clamp(budget, std::chrono::milliseconds(1000), target.connect_timeout);
    auto shell = open_shell_stream(again, fingerprint);
    if (!shell) return fail(shell.error());
    return std::unique_ptr<ByteStream>(std::move(shell->stream));
  };
  CliOptions options{.node = target.node,
                     .login_timeout = target.login_timeout,
                     .timeout = target.timeout,
                     .answer_delay = target.answer_delay,
                     .keepalive_interval = target.keepalive_interval,
                     .reconnect_backoff = target.reconnect_backoff,
                     .reconnect_backoff_cap = target.reconnect_backoff_cap};
  auto cli_session =
      std::make_unique<StreamCliSession>(std::move(opened->stream), std::move(options), std::move(reconnect));
  if (auto ok = cli_session->start(); !ok) return fail(Error(ok.error()).on(target.node, "connect"));
  return std::unique_ptr<CliSession>(std::move(cli_session));
}

Result<std::string> host_key_fingerprint(const SshTarget& target) {
  auto session = connect_session(target);
  if (!session) return fail(session.error());
  auto key = presented_key(target, session->get());
  if (!key) return fail(key.error());
  return key->fingerprint;
}

}  // namespace trustctl::transport
