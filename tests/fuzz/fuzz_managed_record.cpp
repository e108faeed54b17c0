// libFuzzer target: the managed record reader (engine/state/managed_record): the bytes are a state directory's
// managed.json, which lists what policy.prune may remove. A damaged file is an error, never a guess or a crash.

#include "engine/state/managed_record.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  fuzz::write_scratch_file("managed.json", data, size);
  auto record = ManagedRecord::load(fuzz::scratch_dir());
  if (!record) {
    (void)record.error().describe();
    return 0;
  }
  (void)record->contains("uccx1", "tomcat-trust", std::string(64, 'a'));
  return 0;
}
