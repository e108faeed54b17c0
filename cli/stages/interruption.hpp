#pragma once
// SIGINT, SIGTERM (a cancelled CI job) and SIGHUP during a command that writes: the first signal stops new work
// from starting, lets the running action finish (or time out), and the command then records its end, releases the
// lock and exits 128 + the signal number. A second signal ends the process at once; the journal already holds what
// was done and every restart owed, so the next plan still shows them.

#include <optional>
#include <string>

namespace trustctl::cli {

class InterruptGuard {
 public:
  InterruptGuard();   // installs the handlers (SA_RESTART: a running read or write carries on)
  ~InterruptGuard();  // restores what was there before
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // "interrupted by SIGTERM" once a signal arrived; nullopt before.
  static std::optional<std::string> reason();
  // 128 + the signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP); 0 when none arrived.
  static int exit_code();
};

}  // namespace trustctl::cli
