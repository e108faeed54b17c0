#pragma once
// The SSH face of one simulated node, on libssh's server API: bind, key exchange, password and keyboard-interactive
// authentication, one session channel with pty + shell (exec refused), and bytes pumped to a CliInterpreter.
// Today: one accept thread per node and one thread per session. The node's state lives in SimNode, so an event loop
// can replace this file without touching the simulator's behaviour.

#include "engine/model/error.hpp"
#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/sim_node.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

typedef struct ssh_bind_struct* ssh_bind;
typedef struct ssh_session_struct* ssh_session;

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
  SshNodeServer(SimNode& node, SshEndpoint endpoint, CliSettings settings, StopSignal& stop);
  ~SshNodeServer();
  SshNodeServer(const SshNodeServer&) = delete;
  SshNodeServer& operator=(const SshNodeServer&) = delete;

  // Binds and listens; the error names the node, address and port (e.g. port in use).
  trustctl::Result<void> listen();
  void start();  // the accept thread
  void join();   // after the stop signal: joins the accept thread and every session

 private:
  struct Session {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void accept_loop();
  void serve(ssh_session session);
  void reap_sessions(bool all);

  SimNode& m_node;
  SshEndpoint m_endpoint;
  CliSettings m_settings;
  StopSignal& m_stop;
  ssh_bind m_bind = nullptr;
  std::thread m_accept_thread;
  std::list<Session> m_sessions;  // touched only by the accept thread, then by join()
};

}  // namespace vossim
