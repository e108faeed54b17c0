#include "engine/exec/work_beside.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <vector>

namespace trustctl {
namespace {

// Every item is done exactly once, whether helpers or the caller took it, and all are done when finish() returns.
TEST(WorkBeside, DoesEveryItemOnceByTheTimeFinishReturns) {
  for (int helpers : {0, 1, 3}) {
    std::vector<std::atomic<int>> done(1000);
    WorkBeside<std::function<void(std::size_t)>> work(done.size(), helpers, [&](std::size_t k) { ++done[k]; });
    work.finish();
    for (std::size_t k = 0; k < done.size(); ++k) ASSERT_EQ(done[k].load(), 1) << "item " << k << ", " << helpers;
  }
}

// After stop(), no item is started; those under way are finished before finish() returns.
TEST(WorkBeside, StopLeavesTheRestUndone) {
  std::atomic<int> started{0};
  {
    WorkBeside<std::function<void(std::size_t)>> work(100000, 0, [&](std::size_t) { ++started; });
    work.stop();
    work.finish();
  }
  EXPECT_EQ(started.load(), 0);
}

}  // namespace
}  // namespace trustctl
