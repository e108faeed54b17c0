#include "tests/vossim/replicator.hpp"

namespace vossim {

Replicator::Replicator(std::chrono::milliseconds delay) : m_delay(delay) {}

Replicator::~Replicator() { stop_and_flush(); }

void Replicator::start() {
  std::lock_guard lock(m_mutex);
  if (m_thread.joinable()) return;
  m_stop = false;
  m_thread = std::thread([this] { run(); });
}

void Replicator::stop_and_flush() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
  std::vector<Delivery> rest;
  {
    std::lock_guard lock(m_mutex);
    rest.swap(m_queue);
  }
  for (const auto& delivery : rest) deliver(delivery);
}

void Replicator::schedule(SimNode& target, const Certificate& certificate) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(Delivery{Clock::now() + m_delay, &target, certificate});
  }
  m_wake.notify_all();
}

std::size_t Replicator::pending() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

void Replicator::run() {
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    if (m_queue.empty()) {
      m_wake.wait(lock);
      continue;
    }
    const auto due = m_queue.front().due;
    if (Clock::now() < due) {
      m_wake.wait_until(lock, due);
      continue;
    }
    Delivery delivery = m_queue.front();
    m_queue.erase(m_queue.begin());
    lock.unlock();
    deliver(delivery);
    lock.lock();
  }
}

void Replicator::deliver(const Delivery& delivery) {
  // The subscriber applies its own store rules (same CN, validity start) as the real notification service would.
  delivery.target->receive_replicated_trust(delivery.certificate, Clock::now());
}

}  // namespace vossim
