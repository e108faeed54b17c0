// The command table itself: every subcommand builds and answers --help; unknown input is a clear error, exit 1.

#include "support/process.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

TEST(Cli, EverySubcommandAnswersHelp) {
  for (const char* command : {"validate", "plan", "graph", "apply", "verify", "journal", "expiry", "bundle", "lint",
                              "probe", "unlock"}) {
    auto help = run({TRUSTCTL_BIN, command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << command;
  }
  auto ca = run({TRUSTCTL_BIN, "ca", "init", "--help"});
  EXPECT_EQ(ca.exit_code, 0) << ca.err;
}

TEST(Cli, UnknownSubcommandOrMissingSiteIsAnErrorNotACrash) {
  auto unknown = run({TRUSTCTL_BIN, "deploy"});
  EXPECT_EQ(unknown.exit_code, 1);
  auto missing = run({TRUSTCTL_BIN, "plan", "/nonexistent/site.toml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE((missing.out + missing.err).find("/nonexistent/site.toml"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace trustctl::testing
