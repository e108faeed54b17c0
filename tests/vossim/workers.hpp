#pragma once
// Threads for connections only while they are open (SSH sessions, HTTPS requests, control calls). Idle nodes cost no
// thread: the listening sockets all live in one poll loop (net_loop.hpp), which hands each accepted connection here.

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace vossim {

class Workers {
 public:
  explicit Workers(std::size_t max_active = 512) : m_max_active(max_active) {}
  ~Workers() { join_all(); }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Runs task on its own thread; false (task not run) when max_active connections are already open.
  bool run(std::function<void()> task);
  void join_all();
  std::size_t active() const;

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  void reap_locked();

  std::size_t m_max_active;
  mutable std::mutex m_mutex;
  std::list<Worker> m_workers;
};

}  // namespace vossim
