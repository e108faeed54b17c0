#pragma once
// Runs fn(0..count-1) on up to `parallelism` threads. Used by refresh, where every node is read independently.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace trustctl {

template <typename Fn>
void parallel_for_each(std::size_t count, int parallelism, Fn&& fn) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) fn(i);
  };
  std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallelism)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
}

}  // namespace trustctl
