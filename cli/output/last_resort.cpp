#include "cli/output/last_resort.hpp"

#include <unistd.h>

namespace trustctl::cli {

std::string exception_line(std::exception_ptr error) {
  std::string what = "an unknown exception";
  try {
    if (error) std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::string line;
  for (char c : what.substr(0, 400)) line += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c;
  return "trustctl: internal error: " + line +
         ". This is a bug: please report it. What an apply did is in the journal (`trustctl journal SITE`).\n";
}

int run_guarded(const std::function<int()>& body, std::ostream& err) {
  try {
    return body();
  } catch (...) {
    err << exception_line(std::current_exception()) << std::flush;
    return 1;
  }
}

void terminate_with_one_line() {
  const std::string line = exception_line(std::current_exception());
  ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  (void)written;
  ::_exit(1);
}

}  // namespace trustctl::cli
