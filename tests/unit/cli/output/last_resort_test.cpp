#include "cli/output/last_resort.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace trustctl::cli {
namespace {

// What once aborted trustctl (exit 134): nlohmann's value() on a null record, as `journal --format json` did after
// every interrupted apply. Escaping everything else, it becomes one line and exit 1.
TEST(LastResort, AnEscapedExceptionIsOneLineAndExitOne) {
  std::ostringstream err;
  int code = run_guarded(
      [] {
        nlohmann::json end;  // null
        return static_cast<int>(end.value("ts", std::string()).size());
      },
      err);
  EXPECT_EQ(code, 1);
  const std::string text = err.str();
  EXPECT_EQ(text.rfind("trustctl: internal error: [json.exception.type_error.306]", 0), 0u) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line: " << text;
}

TEST(LastResort, ControlCharactersAndLengthAreTamed) {
  std::ostringstream err;
  EXPECT_EQ(run_guarded([]() -> int { throw std::runtime_error("two\nlines\033[31m" + std::string(1000, 'x')); }, err), 1);
  const std::string text = err.str();
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
  EXPECT_LT(text.size(), 600u);
  std::ostringstream unknown;
  EXPECT_EQ(run_guarded([]() -> int { throw 42; }, unknown), 1);
  EXPECT_NE(unknown.str().find("an unknown exception"), std::string::npos) << unknown.str();
}

TEST(LastResort, AReturnPassesThrough) {
  std::ostringstream err;
  EXPECT_EQ(run_guarded([] { return 2; }, err), 2);
  EXPECT_TRUE(err.str().empty());
}

}  // namespace
}  // namespace trustctl::cli
