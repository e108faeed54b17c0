#include "engine/base/huge_page_heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>

namespace trustctl {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

constexpr std::uintptr_t kHugePage = std::uintptr_t(2) << 20;

// The bracketed word of "always [madvise] never"; empty when the file cannot be read (no THP in this kernel).
std::string thp_mode(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  if (!std::getline(in, line)) return {};
  auto open = line.find('[');
  auto close = line.find(']', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

// A quarter of the machine's memory, from 64 MiB to what mallopt's int takes (2 GiB less a page): a 6,000-node plan
// peaks under 200 MiB, and heap growth past the reservation is served as before, in small pages.
std::size_t reservation() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page = ::sysconf(_SC_PAGESIZE);
  std::size_t quarter =
      pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 4 : 0;
  return std::clamp<std::size_t>(quarter, std::size_t(64) << 20, (std::size_t(2) << 30) - kHugePage);
}

}  // namespace

HugePageHeap use_huge_pages_for_the_heap(const std::string& thp_setting_file) {
  HugePageHeap out;
  if (kSanitized) {
    out.why_not = "built with a sanitizer, whose allocator is not glibc's";
    return out;
  }
  std::string mode = thp_mode(thp_setting_file);
  if (mode != "madvise" && mode != "always") {
    out.why_not = mode.empty() ? "the kernel offers no transparent huge pages (" + thp_setting_file + " unreadable)"
                               : "transparent huge pages are '" + mode + "' in " + thp_setting_file;
    return out;
  }
  const std::size_t reserve = reservation();
  // Large blocks from the heap rather than mappings of their own (those would be small pages again), freed memory
  // kept rather than returned and faulted in again, and each growth of the heap one large reservation.
  if (mallopt(M_MMAP_MAX, 0) != 1 || mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max()) != 1 ||
      mallopt(M_TOP_PAD, static_cast<int>(reserve)) != 1) {
    out.why_not = "malloc refused the tuning (mallopt)";
    return out;
  }
  // Grow the heap now, so the reservation exists to be marked: a block larger than any free space there is.
  void* probe = std::malloc(std::size_t(64) << 20);
  const auto probed_at = reinterpret_cast<std::uintptr_t>(probe);
  std::free(probe);
  // After the free: had anything been handed back, the heap would end here.
  const auto top = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const auto begin = (probed_at + kHugePage - 1) & ~(kHugePage - 1);
  const auto end = top & ~(kHugePage - 1);
  const bool in_heap = probed_at != 0 && probed_at < top;
  if (!in_heap || end <= begin) {
    // The heap could not grow in place (no room, or a strict overcommit policy): back to malloc's defaults.
    mallopt(M_TOP_PAD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
    mallopt(M_MMAP_MAX, 65536);
    out.why_not = "the heap could not reserve " + std::to_string(reserve >> 20) + " MiB";
    return out;
  }
  if (::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE) != 0) {
    out.why_not = "madvise(MADV_HUGEPAGE) was refused";
    return out;
  }
  out.enabled = true;
  out.reserved_bytes = end - begin;
  return out;
}

}  // namespace trustctl
