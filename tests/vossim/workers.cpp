#include "tests/vossim/workers.hpp"

namespace vossim {

bool Workers::run(std::function<void()> task) {
  std::lock_guard lock(m_mutex);
  reap_locked();
  if (m_workers.size() >= m_max_active) return false;
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread thread([task = std::move(task), done] {
    task();
    done->store(true);
  });
  m_workers.push_back(Worker{std::move(thread), done});
  return true;
}

void Workers::reap_locked() {
  for (auto it = m_workers.begin(); it != m_workers.end();) {
    if (it->done->load()) {
      it->thread.join();
      it = m_workers.erase(it);
    } else {
      ++it;
    }
  }
}

void Workers::join_all() {
  std::list<Worker> workers;
  {
    std::lock_guard lock(m_mutex);
    workers.swap(m_workers);
  }
  for (auto& worker : workers) {
    if (worker.thread.joinable()) worker.thread.join();
  }
}

std::size_t Workers::active() const {
  std::lock_guard lock(m_mutex);
  std::size_t count = 0;
  for (const auto& worker : m_workers) count += worker.done->load() ? 0 : 1;
  return count;
}

}  // namespace vossim
