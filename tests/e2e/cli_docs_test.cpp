// The documents generated from the command definitions (`trustctl --generate man|bash|zsh|markdown`) cover every
// subcommand, and README's commands table names every subcommand the binary has.

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The commands as the generated Markdown table lists them ("ca init" included).
std::vector<std::string> generated_commands() {
  auto table = run({TRUSTCTL_BIN, "--generate", "markdown"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  std::vector<std::string> out;
  std::regex row("^\\| `trustctl ([a-z]+(?: [a-z]+)?)");
  std::smatch m;
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, row)) out.push_back(m[1]);
  }
  return out;
}

TEST(CliDocs, ManPageAndCompletionCoverEverySubcommand) {
  auto commands = generated_commands();
  ASSERT_GE(commands.size(), 15u) << "the 14 commands and ca init";
  auto man = run({TRUSTCTL_BIN, "--generate", "man"});
  ASSERT_EQ(man.exit_code, 0);
  auto bash = run({TRUSTCTL_BIN, "--generate", "bash"});
  auto zsh = run({TRUSTCTL_BIN, "--generate", "zsh"});
  for (const auto& command : commands) {
    EXPECT_TRUE(contains(man.out, ".SS \"" + command + "\"")) << command;
    std::string first = command.substr(0, command.find(' '));
    EXPECT_TRUE(contains(bash.out, "    " + first + ")\n")) << command;
    EXPECT_TRUE(contains(zsh.out, "'" + first + ":")) << command;
  }
  EXPECT_TRUE(contains(bash.out, "--type) COMPREPLY=($(compgen -W \"plan trust\""));
  auto unknown = run({TRUSTCTL_BIN, "--generate", "pdf"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(contains(unknown.err, "--generate takes man, bash, zsh or markdown"));
}

TEST(CliDocs, ReadmeCommandsTableNamesEverySubcommand) {
  std::string readme = read_text(std::filesystem::path(TRUSTCTL_SOURCE_DIR) / "README.md");
  for (const auto& command : generated_commands()) {
    EXPECT_TRUE(contains(readme, "| `trustctl " + command)) << "README's commands table lacks " << command;
  }
}

// Every option of every subcommand, as the generated table (the same definitions --help shows) lists it, is
// documented in README: in its command's row or among the common options.
TEST(CliDocs, ReadmeDocumentsEveryOptionTheHelpShows) {
  std::string readme = read_text(std::filesystem::path(TRUSTCTL_SOURCE_DIR) / "README.md");
  auto table = run({TRUSTCTL_BIN, "--generate", "markdown"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::regex option("--[a-z][a-z-]*");
  std::set<std::string> options;
  for (std::sregex_iterator it(table.out.begin(), table.out.end(), option), end; it != end; ++it) {
    options.insert(it->str());
  }
  ASSERT_GE(options.size(), 30u) << table.out;
  for (const auto& name : options) {
    EXPECT_TRUE(contains(readme, "`" + name) || contains(readme, " " + name + " ") || contains(readme, "[" + name))
        << "README does not document " << name;
  }
}

}  // namespace
}  // namespace trustctl::testing
