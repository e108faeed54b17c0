#pragma once
// fn(0..count-1) started on helper threads at once and finished, with the calling thread's help, by finish(): for
// work whose results are wanted only later, while the caller does something else meanwhile (the plan file's
// certificates are decoded while its actions are read). Items are taken in order, each by one thread.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace trustctl {

template <typename Fn>
class WorkBeside {
 public:
  WorkBeside(std::size_t count, int helpers, Fn fn) : m_count(count), m_fn(std::move(fn)) {
    std::size_t wanted = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(0, helpers)));
    for (std::size_t t = 0; t < wanted; ++t) {
      try {
        m_helpers.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // fewer helpers: finish() does what they would have
      }
    }
  }
  WorkBeside(const WorkBeside&) = delete;
  WorkBeside& operator=(const WorkBeside&) = delete;
  ~WorkBeside() {
    stop();
    finish();
  }

  // No item is started after this (those under way are finished): when the results will not be wanted.
  void stop() { m_next = m_count; }

  // Works on what is left on the calling thread too, and returns once every item is done.
  void finish() {
    work();
    for (auto& helper : m_helpers) {
      if (helper.joinable()) helper.join();
    }
  }

 private:
  void work() {
    for (std::size_t i = m_next++; i < m_count; i = m_next++) m_fn(i);
  }

  const std::size_t m_count;
  Fn m_fn;
  std::atomic<std::size_t> m_next{0};
  std::vector<std::thread> m_helpers;
};

}  // namespace trustctl
