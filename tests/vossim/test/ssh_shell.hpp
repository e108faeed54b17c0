#pragma once
// A libssh shell client for the suites that drive a running vos-sim as a script would: connect (host key checked
// against the lab's known_hosts), password, vt100 pty, shell; then raw writes and reads, every read kept.

#include <gtest/gtest.h>
#include <libssh/libssh.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace vossim::test {

class ShellClient {
 public:
  ShellClient(const std::string& address, int port, const std::filesystem::path& known_hosts,
              const std::string& password) {
    m_session = ssh_new();
    const std::string hosts = known_hosts.string();
    ssh_options_set(m_session, SSH_OPTIONS_HOST, address.c_str());
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, hosts.c_str());
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    if (ssh_connect(m_session) != SSH_OK) {
      ADD_FAILURE() << "connect " << address << ": " << ssh_get_error(m_session);
      return;
    }
    if (ssh_session_is_known_server(m_session) != SSH_KNOWN_HOSTS_OK ||
        ssh_userauth_password(m_session, "admin", password.c_str()) != SSH_AUTH_SUCCESS) {
      ADD_FAILURE() << "host key or password refused by " << address;
      return;
    }
    m_channel = ssh_channel_new(m_session);
    m_ok = ssh_channel_open_session(m_channel) == SSH_OK &&
           ssh_channel_request_pty_size(m_channel, "vt100", 80, 24) == SSH_OK &&
           ssh_channel_request_shell(m_channel) == SSH_OK;
    EXPECT_TRUE(m_ok) << "no shell on " << address;
  }
  ~ShellClient() {
    if (m_channel != nullptr) {
      ssh_channel_close(m_channel);
      ssh_channel_free(m_channel);
    }
    ssh_disconnect(m_session);
    ssh_free(m_session);
  }
  ShellClient(const ShellClient&) = delete;
  ShellClient& operator=(const ShellClient&) = delete;

  bool ok() const { return m_ok; }
  void write(const std::string& bytes) {
    ASSERT_EQ(ssh_channel_write(m_channel, bytes.data(), static_cast<uint32_t>(bytes.size())),
              static_cast<int>(bytes.size()));
  }
  // Reads until done(everything read so far) or the limit; true when done.
  bool read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buffer[4096];
    while (!done(m_text) && std::chrono::steady_clock::now() < deadline) {
      const int n = ssh_channel_read_timeout(m_channel, buffer, sizeof buffer, 0, 100);
      if (n < 0) break;
      if (n > 0) m_text.append(buffer, static_cast<std::size_t>(n));
    }
    return done(m_text);
  }
  // Reads whatever arrives within quiet of the last byte.
  void read_quiet(std::chrono::milliseconds quiet) {
    char buffer[4096];
    for (;;) {
      const int n = ssh_channel_read_timeout(m_channel, buffer, sizeof buffer, 0, static_cast<int>(quiet.count()));
      if (n <= 0) return;
      m_text.append(buffer, static_cast<std::size_t>(n));
    }
  }
  const std::string& text() const { return m_text; }

  // A script's way through the CLI: each command runs to its prompt; what it printed is returned.
  std::string run(const std::string& command, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    return exchange(command + "\n", "\nadmin:", limit);
  }
  // A paste command (`set cert import ...`): the command, then the PEM blocks and the empty line that ends them.
  std::string paste(const std::string& command, const std::string& pem) {
    std::string out = exchange(command + "\n", "Paste the Certificate and Hit Enter\r\n", std::chrono::seconds(10));
    return out + exchange(pem + (pem.ends_with('\n') ? "\n" : "\n\n"), "\nadmin:", std::chrono::seconds(30));
  }
  // A command that asks a yes/no question, and the answer.
  std::string answer(const std::string& command, const std::string& reply) {
    std::string out = exchange(command + "\n", "?", std::chrono::seconds(10));
    return out + exchange(reply + "\n", "\nadmin:", std::chrono::seconds(30));
  }
  // Waits for the first prompt.
  bool ready(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    return read_until([](const std::string& t) { return t.ends_with("\nadmin:"); }, limit);
  }

 private:
  std::string exchange(const std::string& bytes, const std::string& until, std::chrono::milliseconds limit) {
    const std::size_t from = m_text.size();
    write(bytes);
    read_until([&](const std::string& t) { return t.size() > from && t.substr(from).ends_with(until); }, limit);
    return m_text.substr(from);
  }

  ssh_session m_session = nullptr;
  ssh_channel m_channel = nullptr;
  bool m_ok = false;
  std::string m_text;
};

}  // namespace vossim::test
