#pragma once
// Runs fn(0..count-1) on up to `parallelism` threads, the calling thread among them, and returns when all are done.
// Used by refresh, where every node is read independently. The same work-sharing as WorkBeside, with nothing to do
// meanwhile.

#include "engine/exec/work_beside.hpp"

#include <algorithm>
#include <cstddef>

namespace trustctl {

template <typename Fn>
void parallel_for_each(std::size_t count, int parallelism, Fn&& fn) {
  auto each = [&fn](std::size_t i) { fn(i); };
  // Never more threads than items: the calling thread alone takes a single one.
  const auto threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallelism)));
  WorkBeside<decltype(each)> work(count, static_cast<int>(threads) - 1, each);
  work.finish();
}

}  // namespace trustctl
