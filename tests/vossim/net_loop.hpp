#pragma once
// One thread polls every listening socket of the lab (SSH, TLS service ports, REST, control). A listener is open
// exactly while its `wanted` predicate says so: a service restart or a down node closes the socket, so clients get
// "connection refused" as from a real appliance, and it is bound again when the service is back.
// Re-evaluation happens at the times nodes report (SimNode's change hook), not by polling every node.

#include "engine/model/error.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vossim {

class NetLoop {
 public:
  using Clock = std::chrono::system_clock;
  struct ListenerSpec {
    std::string owner;  // node name, for error messages
    std::string address;
    int port = 0;
    std::function<bool(Clock::time_point)> wanted;  // empty: always open
    std::function<void(int fd)> on_connection;       // gets a connected, blocking socket; owns it
  };

  NetLoop();
  ~NetLoop();
  NetLoop(const NetLoop&) = delete;
  NetLoop& operator=(const NetLoop&) = delete;

  int add(ListenerSpec spec);  // before bind_all
  // Binds every listener that is wanted now; the error names the node, address and port.
  trustctl::Result<void> bind_all();
  int bound_port(int id) const;  // the port actually bound (for port 0)
  void start();
  void stop_and_join();
  // Re-evaluates the listeners at each of the times (and closes/opens their sockets).
  void schedule(const std::vector<int>& ids, const std::vector<Clock::time_point>& times);
  std::size_t open_count() const;

 private:
  struct Listener {
    ListenerSpec spec;
    int fd = -1;
    int bound_port = 0;
  };
  void run();
  void reconcile(int id, Clock::time_point now);
  trustctl::Result<int> open_socket(Listener& listener);
  void wake();

  std::vector<Listener> m_listeners;
  mutable std::mutex m_mutex;  // guards m_timers and m_stop (listener fds are touched by the loop thread only)
  std::multimap<Clock::time_point, int> m_timers;
  bool m_stop = false;
  int m_wake_pipe[2] = {-1, -1};
  std::thread m_thread;
};

}  // namespace vossim
