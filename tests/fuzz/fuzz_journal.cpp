// libFuzzer target: the journal reader (engine/state/journal): the bytes are a state directory's journal.jsonl.
// Reading it and working out the restarts still owed must give records or an error naming the line, never a crash.

#include "engine/state/journal.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  fuzz::write_scratch_file("journal.jsonl", data, size);
  auto records = Journal::read(fuzz::scratch_dir());
  if (!records) {
    (void)records.error().describe();
    return 0;
  }
  (void)pending_restarts(*records);
  return 0;
}
