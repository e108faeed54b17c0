#pragma once
// Taking the state lock for a command that writes (apply, csr), waiting for it when asked: `--lock-timeout 5m` waits
// up to five minutes for another trustctl to finish, saying once on stderr who holds it, instead of failing at once.

#include "cli/output/terminal.hpp"
#include "engine/state/state_lock.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace trustctl::cli {

// The lock, or the last refusal (naming the holder) once `timeout` has passed; 0 refuses at once. A signal stops the
// wait. `timeout_text` is the option as typed, for messages.
Result<StateLock> acquire_state_lock(const std::filesystem::path& state_dir, const std::string& purpose,
                                     std::chrono::milliseconds timeout, const std::string& timeout_text,
                                     const Terminal& term);

}  // namespace trustctl::cli
