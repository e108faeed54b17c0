#include "cli/stages/lock_stage.hpp"

#include "cli/stages/interruption.hpp"

#include <thread>

namespace trustctl::cli {

Result<StateLock> acquire_state_lock(const std::filesystem::path& state_dir, const std::string& purpose,
                                     std::chrono::milliseconds timeout, const std::string& timeout_text,
                                     const Terminal& term) {
  // Polled: the holder may be on another host sharing the state directory, so there is nothing to wait on but the file.
  constexpr auto kPoll = std::chrono::milliseconds(250);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool told = false;
  while (true) {
    auto lock = StateLock::acquire(state_dir, purpose);
    if (lock || timeout.count() == 0) return lock;
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(ErrorCode::locked, lock.error().message + " (waited --lock-timeout " + timeout_text + ")");
    }
    if (InterruptGuard::reason()) return fail(lock.error());
    if (!told) {
      term.progress("waiting up to " + timeout_text + " for the lock: " + lock.error().message);
      told = true;
    }
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace trustctl::cli
