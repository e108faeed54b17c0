#include "cli/output/terminal.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <mutex>

namespace trustctl::cli {

Terminal Terminal::detect(bool no_color_flag) {
  Terminal t;
  const char* no_color = std::getenv("NO_COLOR");
  t.color = !no_color_flag && isatty(STDOUT_FILENO) && !(no_color && *no_color);
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
