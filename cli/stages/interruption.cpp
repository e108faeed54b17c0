#include "cli/stages/interruption.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

namespace trustctl::cli {
namespace {

// Written by the handler, read by the apply's worker threads (InterruptGuard::reason): a volatile sig_atomic_t is
// only safe for the thread the signal interrupted, so a lock-free atomic, which a signal handler may use as well.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only use lock-free atomics");
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];

const char* signal_name(int signo) {
  switch (signo) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

// Async-signal-safe: only lock-free atomics, write(2), signal(2) and raise(3).
void on_signal(int signo) {
  if (g_signal.load() != 0) {
    static const char kNow[] = "\ntrustctl: second signal: stopping now; the journal holds what was done and what "
                               "is owed\n";
    (void)!::write(STDERR_FILENO, kNow, sizeof kNow - 1);
    std::signal(signo, SIG_DFL);
    std::raise(signo);
    return;
  }
  g_signal.store(signo);
  static const char kFirst[] = "\ntrustctl: interrupted: no new action will start; waiting for the running ones to "
                               "finish (signal again to stop at once)\n";
  (void)!::write(STDERR_FILENO, kFirst, sizeof kFirst - 1);
}

}  // namespace

InterruptGuard::InterruptGuard() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int k = 0; k < 3; ++k) sigaction(kSignals[k], &action, &g_previous[k]);
}

InterruptGuard::~InterruptGuard() {
  for (int k = 0; k < 3; ++k) sigaction(kSignals[k], &g_previous[k], nullptr);
}

std::optional<std::string> InterruptGuard::reason() {
  int signo = g_signal.load();
  if (signo == 0) return std::nullopt;
  return std::string("interrupted by ") + signal_name(signo);
}

int InterruptGuard::exit_code() {
  int signo = g_signal.load();
  return signo == 0 ? 0 : 128 + signo;
}

}  // namespace trustctl::cli
