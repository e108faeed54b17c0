#pragma once
// Creates missing node identities in the background, so a cold lab listens at once (issue 3, point 9: 500 nodes,
// one RSA-2048 key each, would otherwise take minutes before the first socket opens).
// A job is the work of one cluster (make the missing identities of its nodes, seed the cluster's trust, open the
// nodes' gates). At most `threads` workers run jobs, in the order they were added. A client that needs a node whose
// job has not started yet runs that job itself at once (so a first use never waits behind the whole queue); one whose
// job is running waits for it.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vossim {

class IdentityFactory {
 public:
  explicit IdentityFactory(unsigned threads);
  ~IdentityFactory();
  IdentityFactory(const IdentityFactory&) = delete;
  IdentityFactory& operator=(const IdentityFactory&) = delete;

  // Before start(): returns the job's id.
  std::size_t add(std::function<void()> job);
  void start();
  // Runs the job here if no worker has taken it yet, otherwise waits until it is done.
  void wait(std::size_t id);
  void wait_all();
  bool wait_all_for(std::chrono::milliseconds limit);  // true when every job is done
  std::size_t pending() const;  // jobs not finished
  // Workers finish the job they run and take no more; jobs not started stay undone (their identities are created at
  // the next start), unless a client still needs one: wait() runs it.
  void stop_and_join();

 private:
  enum class State { queued, running, done };
  void worker();
  void run(std::size_t id, std::unique_lock<std::mutex>& lock);

  unsigned m_threads;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<std::function<void()>> m_jobs;
  std::vector<State> m_states;
  std::size_t m_next = 0;     // the first job a worker may still find queued
  std::size_t m_finished = 0;
  bool m_stop = false;
  std::vector<std::thread> m_workers;
};

}  // namespace vossim
