#pragma once
// Cluster database replication as a delay: a certificate accepted on a publisher lands on each subscriber after the
// configured time (DOMAIN.md section 3). One thread for the whole lab; its own mutex is never held while it calls a
// node, and nodes never hold theirs while they call it, so there is no lock order to get wrong.

#include "tests/vossim/sim_node.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace vossim {

class Replicator {
 public:
  explicit Replicator(std::chrono::milliseconds delay);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  void start();
  // Lands everything still in flight at once (so a stopped lab's disk state is what a settled cluster would hold),
  // then stops the thread.
  void stop_and_flush();

  void schedule(SimNode& target, const Certificate& certificate);
  std::size_t pending() const;

 private:
  struct Delivery {
    Clock::time_point due;
    SimNode* target;
    Certificate certificate;
  };
  void run();
  static void deliver(const Delivery& delivery);

  std::chrono::milliseconds m_delay;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<Delivery> m_queue;  // in due order: the delay is constant, so appending keeps it sorted
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace vossim
