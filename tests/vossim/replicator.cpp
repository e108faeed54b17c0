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

void Replicator::schedule(SimNode& target, const UploadedCertificate& certificate, const std::string& origin) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(Delivery{Clock::now() + m_delay, &target, certificate, origin});
  }
  m_wake.notify_all();
}

void Replicator::schedule_task(std::function<void()> task, const std::string& origin) {
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back(Delivery{Clock::now() + m_delay, nullptr, std::nullopt, origin, std::move(task)});
  }
  m_wake.notify_all();
}

std::size_t Replicator::pending() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

void Replicator::set_stall_check(std::function<bool(const std::string&)> stalled) {
  std::lock_guard lock(m_mutex);
  m_stalled = std::move(stalled);
}

void Replicator::run() {
  constexpr auto kStallRecheck = std::chrono::milliseconds(50);
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    if (m_queue.empty()) {
      m_wake.wait(lock);
      continue;
    }
    // The first due delivery whose origin is not stalled; stalled ones keep their place (and their order).
    const auto now = Clock::now();
    auto next = m_queue.end();
    bool held = false;
    for (auto it = m_queue.begin(); it != m_queue.end() && it->due <= now; ++it) {
      if (m_stalled && m_stalled(it->origin)) {
        held = true;
        continue;
      }
      next = it;
      break;
    }
    if (next == m_queue.end()) {
      auto until = held ? now + kStallRecheck : m_queue.front().due;
      for (const auto& delivery : m_queue) {
        if (delivery.due > now) {
          until = std::min(until, delivery.due);
          break;
        }
      }
      m_wake.wait_until(lock, until);
      continue;
    }
    Delivery delivery = *next;
    m_queue.erase(next);
    lock.unlock();
    deliver(delivery);
    lock.lock();
  }
}

void Replicator::deliver(const Delivery& delivery) {
  if (delivery.task) {
    delivery.task();
    return;
  }
  // The subscriber applies its own store rules (same CN, validity start) as the real notification service would.
  delivery.target->receive_replicated_trust(*delivery.certificate, Clock::now());
}

}  // namespace vossim
