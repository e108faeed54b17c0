#include "tests/vossim/identity_factory.hpp"

#include <algorithm>

namespace vossim {

IdentityFactory::IdentityFactory(unsigned threads) : m_threads(std::max(1u, threads)) {}

IdentityFactory::~IdentityFactory() { stop_and_join(); }

std::size_t IdentityFactory::add(std::function<void()> job) {
  std::lock_guard lock(m_mutex);
  m_jobs.push_back(std::move(job));
  m_states.push_back(State::queued);
  return m_jobs.size() - 1;
}

void IdentityFactory::start() {
  std::lock_guard lock(m_mutex);
  if (!m_workers.empty() || m_jobs.empty()) return;
  const std::size_t count = std::min<std::size_t>(m_threads, m_jobs.size());
  for (std::size_t i = 0; i < count; ++i) m_workers.emplace_back([this] { worker(); });
}

void IdentityFactory::run(std::size_t id, std::unique_lock<std::mutex>& lock) {
  m_states[id] = State::running;
  auto job = std::move(m_jobs[id]);
  lock.unlock();
  job();
  lock.lock();
  m_states[id] = State::done;
  ++m_finished;
  m_changed.notify_all();
}

void IdentityFactory::worker() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    while (m_next < m_states.size() && m_states[m_next] != State::queued) ++m_next;
    if (m_next >= m_states.size()) return;  // nothing left to take
    run(m_next, lock);
  }
}

void IdentityFactory::wait(std::size_t id) {
  std::unique_lock lock(m_mutex);
  if (id >= m_states.size()) return;
  if (m_states[id] == State::queued) {
    run(id, lock);  // first use of a node whose turn has not come (or after stop): make it now
    return;
  }
  m_changed.wait(lock, [&] { return m_states[id] == State::done; });
}

void IdentityFactory::wait_all() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] {
    if (m_finished == m_states.size()) return true;
    if (!m_stop) return false;
    return std::none_of(m_states.begin(), m_states.end(), [](State s) { return s == State::running; });
  });
}

bool IdentityFactory::wait_all_for(std::chrono::milliseconds limit) {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, limit, [&] { return m_finished == m_states.size(); });
}

std::size_t IdentityFactory::pending() const {
  std::lock_guard lock(m_mutex);
  return m_states.size() - m_finished;
}

void IdentityFactory::stop_and_join() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  for (auto& thread : m_workers) {
    if (thread.joinable()) thread.join();
  }
  m_workers.clear();
}

}  // namespace vossim
