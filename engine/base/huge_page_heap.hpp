#pragma once
// Backs the process heap with transparent huge pages where the kernel offers them on request (madvise mode, the
// default of most distributions). A fleet's plan is hundreds of megabytes of small allocations (actions, the JSON
// text, the parsed document), and on a virtual machine every first touch of a 4 KiB page is a page fault that costs
// far more than the work done on it: tests/bench/plan_bench measured the plan file's parse at 6,000 nodes spending
// more time faulting in fresh memory than parsing. One 2 MiB page is one fault for 512 of those.
//
// Called once, first thing in main() (trustctl, the benchmarks), before any thread starts: it tunes glibc's malloc
// (the heap grows in one large reservation, is not handed back to the kernel piecemeal, and large blocks come from
// it instead of mappings of their own) and marks that reservation MADV_HUGEPAGE. Memory is only reserved: pages are
// still taken when first touched, two megabytes at a time. Nothing is done under a sanitizer (its allocator is not
// glibc's) or when the kernel's transparent huge pages are off.

#include <cstddef>
#include <string>

namespace trustctl {

struct HugePageHeap {
  bool enabled = false;
  std::size_t reserved_bytes = 0;  // the heap reservation marked for huge pages
  std::string why_not;             // when not enabled: what stood in the way
};

// thp_setting_file is read to learn the kernel's mode ("always [madvise] never"); tests pass another file.
HugePageHeap use_huge_pages_for_the_heap(
    const std::string& thp_setting_file = "/sys/kernel/mm/transparent_hugepage/enabled");

}  // namespace trustctl
