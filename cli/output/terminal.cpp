#include "cli/output/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <mutex>

namespace trustctl::cli {
namespace {
ColorMode g_color_mode = ColorMode::automatic;
}  // namespace

void Terminal::set_color_mode(ColorMode mode) { g_color_mode = mode; }

Terminal Terminal::detect(bool no_color_flag) {
  Terminal t;
  const char* no_color = std::getenv("NO_COLOR");
  bool refused = no_color_flag || (no_color && *no_color) || g_color_mode == ColorMode::never;
  t.color = !refused && (g_color_mode == ColorMode::always || isatty(STDOUT_FILENO));
  t.interactive = isatty(STDIN_FILENO);
  return t;
}

void Terminal::progress(const std::string& line) const {
  static std::mutex mutex;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[16];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s %s\n", color ? dim(stamp).c_str() : stamp, line.c_str());
  std::fflush(stderr);
}

}  // namespace trustctl::cli
