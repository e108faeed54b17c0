#include "engine/base/huge_page_heap.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace trustctl {
namespace {

using testing::TempDir;
using testing::write_text;

// The VmFlags of the mapping that holds `address`, from /proc/self/smaps ("rd wr mr mw me ac hg").
std::string vm_flags_of(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  auto at = reinterpret_cast<std::uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> from >> dash >> to && dash == '-' && line.find(':') > line.find(' ')) {
      inside = from <= at && at < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line.substr(8);
    }
  }
  return {};
}

bool sanitized() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

TEST(HugePageHeap, NothingIsChangedWhenTheKernelsHugePagesAreOff) {
  TempDir dir;
  write_text(dir.path() / "enabled", "always madvise [never]\n");
  auto heap = use_huge_pages_for_the_heap((dir.path() / "enabled").string());
  EXPECT_FALSE(heap.enabled);
  EXPECT_EQ(heap.reserved_bytes, 0u);
  EXPECT_NE(heap.why_not.find(sanitized() ? "sanitizer" : "'never'"), std::string::npos) << heap.why_not;

  auto missing = use_huge_pages_for_the_heap((dir.path() / "absent").string());
  EXPECT_FALSE(missing.enabled);
  EXPECT_NE(missing.why_not.find(sanitized() ? "sanitizer" : "unreadable"), std::string::npos) << missing.why_not;
}

// On this machine as it is: where the kernel offers huge pages on request, a large block allocated afterwards lies in
// memory marked for them (VmFlags "hg"); elsewhere nothing is marked and the reason is given.
TEST(HugePageHeap, LargeBlocksComeFromMemoryMarkedForHugePages) {
  const std::string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
  std::string mode;
  if (std::ifstream in(setting); in) std::getline(in, mode);
  bool offered = mode.find("[madvise]") != std::string::npos || mode.find("[always]") != std::string::npos;

  auto heap = use_huge_pages_for_the_heap(setting);
  if (sanitized() || !offered) {
    EXPECT_FALSE(heap.enabled);
    EXPECT_FALSE(heap.why_not.empty());
    return;
  }
  ASSERT_TRUE(heap.enabled) << heap.why_not;
  EXPECT_GE(heap.reserved_bytes, std::size_t(32) << 20);
  // Bigger than glibc's largest threshold for a mapping of its own (32 MiB): it comes from the heap now.
  char* block = static_cast<char*>(std::malloc(std::size_t(40) << 20));
  ASSERT_NE(block, nullptr);
  // Its middle: the heap's first megabytes, below the first 2 MiB boundary, are not marked.
  const char* middle = block + (std::size_t(20) << 20);
  EXPECT_NE(vm_flags_of(middle).find(" hg"), std::string::npos) << vm_flags_of(middle);
  std::free(block);
}

}  // namespace
}  // namespace trustctl
