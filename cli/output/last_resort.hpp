#pragma once
// The last resort for a bug: an exception nothing caught becomes one line on stderr and exit 1, never an abort (exit
// 134, a core dump and half a screen of C++). Errors trustctl expects are Result<T> values long before this.

#include <exception>
#include <functional>
#include <ostream>
#include <string>

namespace trustctl::cli {

// "trustctl: internal error: WHAT. ..." with a newline; control characters in WHAT become spaces, and it is cut short.
std::string exception_line(std::exception_ptr error);

// Runs body; an exception escaping it is written to `err` as exception_line and gives exit code 1.
int run_guarded(const std::function<int()>& body, std::ostream& err);

// For exceptions escaping a worker thread (they end in std::terminate): the same line on stderr, then _exit(1).
[[noreturn]] void terminate_with_one_line();

}  // namespace trustctl::cli
