// libFuzzer target: the trust cache reader (engine/state/trust_cache): the bytes are one node's file under
// <state_dir>/trust-cache/. A damaged file is a warning and a full read of the node, never trusted, never a crash.

#include "engine/state/trust_cache.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto files = TrustCache::parse(text, "uccx1", "uccx1.json");
  if (!files) {
    (void)files.error().describe();
    return 0;
  }
  // What parses must write back to the same content.
  auto again = TrustCache::parse(TrustCache::serialize("uccx1", *files), "uccx1", "uccx1.json");
  if (!again || again->size() != files->size()) __builtin_trap();
  return 0;
}
