#include "tests/vossim/ssh_server.hpp"

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <system_error>

namespace vossim {

namespace fs = std::filesystem;
using trustctl::ErrorCode;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr long kKeyExchangeTimeoutS = 15;
constexpr auto kLoginGrace = std::chrono::seconds(60);  // like sshd's LoginGraceTime
constexpr int kMaxAuthFailures = 6;

// libssh 0.10 marks the message-based accessors deprecated in favour of server callbacks. This first cut uses the
// message loop (simple, one thread per session); the event-loop rewrite should move to ssh_server_callbacks.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
int pty_rows(ssh_message message) { return ssh_message_channel_request_pty_height(message); }
const char* auth_password(ssh_message message) { return ssh_message_auth_password(message); }
#pragma GCC diagnostic pop

bool connected(ssh_session session) {
  return ssh_is_connected(session) != 0 && (ssh_get_status(session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) == 0;
}

// Per-session context for the message callback that runs once the shell is up.
struct ShellContext {
  CliInterpreter* interpreter = nullptr;
};

// Keep-alives (keepalive@openssh.com) are answered like sshd does, below the CLI, and each one is noted on stderr
// ("vos-sim: <node> (<address>:<port>): keep-alive"), so a test can see a client keeping a long wait alive.
struct KeepAliveContext {
  std::string label;  // "<node> (<address>:<port>)"
};

void on_global_request(ssh_session /*session*/, ssh_message message, void* data) {
  if (ssh_message_subtype(message) == SSH_GLOBAL_REQUEST_KEEPALIVE) {
    std::fprintf(stderr, "vos-sim: %s: keep-alive\n", static_cast<KeepAliveContext*>(data)->label.c_str());
    std::fflush(stderr);
    ssh_message_global_request_reply_success(message, 0);
    return;
  }
  ssh_message_reply_default(message);  // forwarding and the rest: refused, as on the appliance
}

// Installed before the session goes: libssh keeps the pointer, so it must outlive every session.
ssh_callbacks_struct g_no_callbacks = [] {
  ssh_callbacks_struct callbacks{};
  ssh_callbacks_init(&callbacks);
  return callbacks;
}();

int on_message_after_shell(ssh_session /*session*/, ssh_message message, void* data) {
  auto* context = static_cast<ShellContext*>(data);
  if (ssh_message_type(message) == SSH_REQUEST_CHANNEL &&
      ssh_message_subtype(message) == SSH_CHANNEL_REQUEST_WINDOW_CHANGE) {
    context->interpreter->set_rows(pty_rows(message));
  }
  return 1;  // not handled here: libssh sends the default reply (a refusal where a reply is wanted)
}

}  // namespace

void StopSignal::request() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
}

bool StopSignal::sleep_for(std::chrono::milliseconds duration) {
  std::unique_lock lock(m_mutex);
  return !m_wake.wait_for(lock, duration, [this] { return m_stop.load(); });
}

trustctl::Result<HostKey> ensure_host_key(const fs::path& path) {
  ssh_key key = nullptr;
  if (fs::exists(path)) {
    if (ssh_pki_import_privkey_file(path.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
      return trustctl::fail(ErrorCode::io, "cannot read SSH host key " + path.string());
    }
  } else {
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
      return trustctl::fail(ErrorCode::internal, "cannot generate an ed25519 SSH host key");
    }
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, path.c_str()) != SSH_OK) {
      ssh_key_free(key);
      return trustctl::fail(ErrorCode::io, "cannot write SSH host key " + path.string());
    }
    ::chmod(path.c_str(), 0600);
  }
  HostKey host_key;
  host_key.path = path;
  host_key.type = ssh_key_type_to_char(ssh_key_type(key));
  char* base64 = nullptr;
  const int rc = ssh_pki_export_pubkey_base64(key, &base64);
  ssh_key_free(key);
  if (rc != SSH_OK || base64 == nullptr) return trustctl::fail(ErrorCode::internal, "cannot export SSH host key");
  host_key.base64 = base64;
  ssh_string_free_char(base64);
  return host_key;
}

SshNodeServer::SshNodeServer(SimNode& node, SshEndpoint endpoint, CliSettings settings, StopSignal& stop,
                             Workers& workers)
    : m_node(node), m_endpoint(std::move(endpoint)), m_settings(settings), m_stop(stop), m_workers(workers) {}

SshNodeServer::~SshNodeServer() {
  if (m_bind != nullptr) ssh_bind_free(m_bind);
}

void SshNodeServer::accept(int fd) {
  // ssh_bind_accept_fd runs here, on the loop thread, so the bind (which loads the host key once) is never shared
  // between threads; the key exchange and the session run on a worker.
  if (m_bind == nullptr) {
    m_bind = ssh_bind_new();
    if (m_bind == nullptr ||
        ssh_bind_options_set(m_bind, SSH_BIND_OPTIONS_HOSTKEY, m_endpoint.host_key.path.c_str()) != SSH_OK) {
      ::close(fd);
      return;
    }
  }
  ssh_session session = ssh_new();
  if (session == nullptr) {
    ::close(fd);
    return;
  }
  if (ssh_bind_accept_fd(m_bind, session, fd) != SSH_OK) {
    ssh_free(session);  // closes fd
    return;
  }
  const bool started = m_workers.run([this, session] {
    serve(session);
    ssh_disconnect(session);
    ssh_free(session);
  });
  if (!started) ssh_free(session);
}

void SshNodeServer::serve(ssh_session session) {
  ssh_set_blocking(session, 1);
  long timeout_s = kKeyExchangeTimeoutS;
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout_s);
  if (ssh_handle_key_exchange(session) != SSH_OK) return;
  // From here on every blocking call returns within kPollInterval, so a stop request is noticed.
  long zero = 0;
  long usec = static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(kPollInterval).count());
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &zero);
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT_USEC, &usec);
  if (auto shell = accept_shell(session)) run_shell(session, *shell);
}

bool SshNodeServer::answer_auth(ssh_session session, ssh_message message, LoginState& login) {
  const int subtype = ssh_message_subtype(message);
  if (subtype == SSH_AUTH_METHOD_PASSWORD) {
    const char* user = ssh_message_auth_user(message);
    const char* password = auth_password(message);
    if (user != nullptr && password != nullptr && m_endpoint.username == user && m_endpoint.password == password) {
      ssh_message_auth_reply_success(message, 0);
      login.authenticated = true;
      return true;
    }
    ++login.failures;
    return false;
  }
  if (subtype != SSH_AUTH_METHOD_INTERACTIVE) return false;
  if (ssh_message_auth_kbdint_is_response(message) == 0) {
    const char* user = ssh_message_auth_user(message);
    login.kbdint_user = user != nullptr ? user : "";
    const char* prompts[] = {"Password: "};
    char echo[] = {0};
    ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
    return true;
  }
  const char* answer =
      ssh_userauth_kbdint_getnanswers(session) == 1 ? ssh_userauth_kbdint_getanswer(session, 0) : nullptr;
  if (answer != nullptr && m_endpoint.username == login.kbdint_user && m_endpoint.password == answer) {
    ssh_message_auth_reply_success(message, 0);
    login.authenticated = true;
    return true;
  }
  ++login.failures;
  return false;
}

std::optional<SshNodeServer::ShellRequest> SshNodeServer::accept_shell(ssh_session session) {
  const int methods = SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE;
  ssh_set_auth_methods(session, methods);
  const auto deadline = std::chrono::steady_clock::now() + kLoginGrace;
  LoginState login;
  ShellRequest request{nullptr, m_settings.rows};
  bool shell = false;
  while (!shell) {
    if (m_stop.requested() || !connected(session) || m_node.is_down(Clock::now())) break;
    ssh_message message = ssh_message_get(session);
    if (message == nullptr) {
      if (!login.authenticated && std::chrono::steady_clock::now() > deadline) break;
      continue;
    }
    const int type = ssh_message_type(message);
    const int subtype = ssh_message_subtype(message);
    bool replied = false;
    if (type == SSH_REQUEST_AUTH && !login.authenticated) {
      replied = answer_auth(session, message, login);
      if (!replied) {
        ssh_message_auth_set_methods(message, methods);
        ssh_message_reply_default(message);
        replied = true;
      }
    } else if (type == SSH_REQUEST_CHANNEL_OPEN && login.authenticated && subtype == SSH_CHANNEL_SESSION &&
               request.channel == nullptr) {
      request.channel = ssh_message_channel_request_open_reply_accept(message);
      replied = true;
    } else if (type == SSH_REQUEST_CHANNEL && request.channel != nullptr) {
      if (subtype == SSH_CHANNEL_REQUEST_PTY) {
        request.rows = pty_rows(message);
        ssh_message_channel_request_reply_success(message);
        replied = true;
      } else if (subtype == SSH_CHANNEL_REQUEST_SHELL) {
        ssh_message_channel_request_reply_success(message);
        shell = true;
        replied = true;
      }
      // exec, subsystem, env, x11, agent forwarding: refused, as on the appliance.
    }
    if (!replied) ssh_message_reply_default(message);
    ssh_message_free(message);
    if (login.failures >= kMaxAuthFailures) break;
  }
  if (shell) return request;
  if (request.channel != nullptr) ssh_channel_free(request.channel);
  return std::nullopt;
}

void SshNodeServer::run_shell(ssh_session session, ShellRequest shell) {
  ssh_channel channel = shell.channel;
  CliInterpreter interpreter(m_node, m_settings);
  interpreter.set_rows(shell.rows);
  ShellContext context{&interpreter};
  ssh_set_message_callback(session, on_message_after_shell, &context);
  KeepAliveContext keepalive{m_node.spec().name + " (" + m_endpoint.address + ":" + std::to_string(m_endpoint.port) +
                             ")"};
  ssh_callbacks_struct callbacks{};
  ssh_callbacks_init(&callbacks);
  callbacks.userdata = &keepalive;
  callbacks.global_request_function = on_global_request;
  ssh_set_callbacks(session, &callbacks);

  char buffer[4096];
  bool dropped = false;
  // A step's delay, in slices: between them libssh reads what arrived (channel data stays buffered: it is the
  // type-ahead the next turns read), so keep-alives are answered while a command runs, as sshd answers them
  // whatever the shell is doing. False when a stop was requested.
  auto pause = [&](std::chrono::milliseconds delay) {
    const auto until = Clock::now() + delay;
    for (auto left = delay; left.count() > 0;
         left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now())) {
      if (!m_stop.sleep_for(std::min(left, kPollInterval))) return false;
      ssh_channel_poll(channel, 0);
    }
    return true;
  };
  // Plays the interpreter's steps with their delays; false when the client, the node or the lab went away.
  auto play = [&](const CliInterpreter::Output& output) {
    for (std::size_t i = 0; i < output.steps.size(); ++i) {
      const auto& step = output.steps[i];
      if (step.delay.count() > 0 && !pause(step.delay)) return false;
      if (m_node.is_down(Clock::now()) && !output.drop) {
        dropped = true;
        return false;
      }
      if (step.text.empty()) continue;
      if (ssh_channel_write(channel, step.text.data(), static_cast<uint32_t>(step.text.size())) == SSH_ERROR) {
        return false;
      }
    }
    dropped = dropped || output.drop;
    return !output.close;
  };

  bool open = play(interpreter.start());
  auto last_input = Clock::now();  // or the end of the last command's output
  while (open && !m_stop.requested()) {
    const int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0,
                                           static_cast<int>(kPollInterval.count()));
    if (n == SSH_ERROR) break;
    if (m_node.is_down(Clock::now())) {
      dropped = true;  // a system restart or a node_down fault: the connection drops, as the appliance's does
      break;
    }
    if (n == 0) {
      if (ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel) || !connected(session)) break;
      if (m_settings.idle_timeout.count() > 0 && Clock::now() - last_input >= m_settings.idle_timeout) {
        const std::string bye = "\r\nSession timed out: no input for " +
                                std::to_string(m_settings.idle_timeout.count()) + " ms. Logging out.\r\n";
        ssh_channel_write(channel, bye.data(), static_cast<uint32_t>(bye.size()));
        std::fprintf(stderr, "vos-sim: %s: idle timeout\n", keepalive.label.c_str());
        std::fflush(stderr);
        break;  // closed cleanly below, as the CLI's logout does
      }
      continue;
    }
    open = play(interpreter.feed(std::string_view(buffer, static_cast<std::size_t>(n))));
    // Type-ahead: lines that arrived with this read (or while its output played) are read at the next prompts, one
    // turn per play, so each prompt is its own write after the output before it.
    while (open && interpreter.has_pending_input() && !m_stop.requested()) open = play(interpreter.feed({}));
    last_input = Clock::now();
  }
  ssh_set_message_callback(session, nullptr, nullptr);
  ssh_set_callbacks(session, &g_no_callbacks);
  if (!dropped && !ssh_channel_is_closed(channel)) {
    ssh_channel_request_send_exit_status(channel, 0);
    ssh_channel_send_eof(channel);
    ssh_channel_close(channel);
  }
  ssh_channel_free(channel);
}

}  // namespace vossim
