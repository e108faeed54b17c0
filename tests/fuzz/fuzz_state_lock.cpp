// libFuzzer target: the apply lock reader (engine/state/state_lock): the bytes are a state directory's `lock` file,
// left by another trustctl. Acquiring must refuse with a message naming the holder (or the damage); unlocking by id
// must compare ids. The file is written again before each step, since a matching unlock removes it.

#include "engine/state/state_lock.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  fuzz::write_scratch_file("lock", data, size);
  auto lock = StateLock::acquire(fuzz::scratch_dir(), "fuzz");
  if (!lock) (void)lock.error().describe();
  fuzz::write_scratch_file("lock", data, size);
  auto unlocked = StateLock::force_unlock(fuzz::scratch_dir(), "0123456789ab");
  if (!unlocked) (void)unlocked.error().describe();
  return 0;
}
