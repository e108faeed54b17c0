#pragma once
// Cluster database replication as a delay: a certificate accepted on a publisher lands on each subscriber after the
// configured time (docs/appliances.md section 3). One thread for the whole lab; its own mutex is never held while it
// calls a node, and nodes never hold theirs while they call it, so there is no lock order to get wrong.

#include "tests/vossim/sim_node.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <string>
#include <mutex>
#include <optional>
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

  // origin: the publisher's name (a replication_stalls fault names it).
  void schedule(SimNode& target, const UploadedCertificate& certificate, const std::string& origin = {});
  // Any other replicated change (a multi-server identity reaching the nodes it names): task runs after the delay.
  void schedule_task(std::function<void()> task, const std::string& origin = {});
  std::size_t pending() const;
  // While stalled(origin) is true, deliveries from that origin wait (fault injection); checked every few ms.
  void set_stall_check(std::function<bool(const std::string&)> stalled);

 private:
  struct Delivery {
    Clock::time_point due;
    SimNode* target;
    std::optional<UploadedCertificate> certificate;
    std::string origin;
    std::function<void()> task;  // set: run this instead of a trust delivery
  };
  void run();
  static void deliver(const Delivery& delivery);

  std::chrono::milliseconds m_delay;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<Delivery> m_queue;  // in due order: the delay is constant, so appending keeps it sorted
  bool m_stop = false;
  std::function<bool(const std::string&)> m_stalled;
  std::thread m_thread;
};

}  // namespace vossim
