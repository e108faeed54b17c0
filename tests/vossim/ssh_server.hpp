#pragma once
// The SSH face of one simulated node, on libssh's server API: key exchange, password and keyboard-interactive
// authentication, one session channel with pty + shell (exec refused), and bytes pumped to a CliInterpreter.
// The listening socket belongs to the lab's poll loop (net_loop.hpp), which hands each accepted connection to
// accept(); a session has a thread (from Workers) only while it is connected, so an idle node costs no thread.

#include "engine/model/error.hpp"
#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/workers.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

typedef struct ssh_bind_struct* ssh_bind;
typedef struct ssh_session_struct* ssh_session;
typedef struct ssh_channel_struct* ssh_channel;
typedef struct ssh_message_struct* ssh_message;

namespace vossim {

// One flag for the whole process: set by the signal handler thread, waited on by every sleeper.
class StopSignal {
 public:
  void request();
  bool requested() const { return m_stop.load(); }
  // Sleeps for duration; false when a stop was requested meanwhile.
  bool sleep_for(std::chrono::milliseconds duration);

 private:
  std::atomic<bool> m_stop{false};
  std::mutex m_mutex;
  std::condition_variable m_wake;
};

struct HostKey {
  std::filesystem::path path;  // private key file, mode 0600, inside the state directory
  std::string type;            // "ssh-ed25519"
  std::string base64;          // public key blob for known_hosts
};

// Loads the key at path, or generates an ed25519 key there on first run.
trustctl::Result<HostKey> ensure_host_key(const std::filesystem::path& path);

struct SshEndpoint {
  std::string address;
  int port = 22;
  std::string username;
  std::string password;
  HostKey host_key;
};

class SshNodeServer {
 public:
  SshNodeServer(SimNode& node, SshEndpoint endpoint, CliSettings settings, StopSignal& stop, Workers& workers);
  ~SshNodeServer();
  SshNodeServer(const SshNodeServer&) = delete;
  SshNodeServer& operator=(const SshNodeServer&) = delete;

  const SshEndpoint& endpoint() const { return m_endpoint; }
  // A connection accepted on the node's SSH port (called on the poll loop thread); fd is owned from here on.
  void accept(int fd);

 private:
  // What the client asked for before its shell: the session channel and the terminal's height.
  struct ShellRequest {
    ssh_channel channel = nullptr;
    int rows = 0;
  };
  struct LoginState {
    bool authenticated = false;
    int failures = 0;
    std::string kbdint_user;  // a keyboard-interactive response carries no user name: the request's
  };
  void serve(ssh_session session);
  // Key exchange done: authentication, the session channel, its PTY and shell requests. nullopt when the client gave
  // up, failed too often, the node went down or the lab stopped.
  std::optional<ShellRequest> accept_shell(ssh_session session);
  // One authentication message: true when it was answered (success or a keyboard-interactive question).
  bool answer_auth(ssh_session session, ssh_message message, LoginState& login);
  // The admin CLI on the channel until the client leaves, the node goes down or the lab stops.
  void run_shell(ssh_session session, ShellRequest shell);

  SimNode& m_node;
  SshEndpoint m_endpoint;
  CliSettings m_settings;
  StopSignal& m_stop;
  Workers& m_workers;
  ssh_bind m_bind = nullptr;  // host key and options only: it never listens itself
};

}  // namespace vossim
