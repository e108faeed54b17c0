// No production function is longer than 100 lines (CONTRIBUTING.md), checked on the sources: a function defined at
// namespace level starts with a line at column 0 that ends with "{" and ends at the next line that is exactly "}" (the
// layout clang-format gives every definition here). Data tables are the exception, named below with the reason.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr int kMaxLines = 100;

// Functions that are a table of data written as code, not logic.
const std::set<std::string> kDataTables = {
    "providers/pki/lint/rule_table.cpp: std::vector<Rule> make_table() {",  // the lint rules and their messages
};

bool starts_definition(const std::string& line) {
  if (line.empty() || line.back() != '{' || line.find('(') == std::string::npos) return false;
  if (line[0] == ' ' || line[0] == '#' || line[0] == '}' || line.starts_with("//")) return false;
  for (const char* not_a_function : {"namespace", "struct ", "class ", "enum ", "union "}) {
    if (line.starts_with(not_a_function)) return false;
  }
  return line.find(" = ") == std::string::npos;  // an initialised table, not a function
}

// "file: first line" of every function under `folder` longer than kMaxLines, with its length; the data tables too when
// `tables` is set.
std::vector<std::string> long_functions_under(const std::string& folder, bool tables = false) {
  const fs::path root = TRUSTCTL_SOURCE_DIR;
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    const std::string file = fs::relative(entry.path(), root).string();
    std::ifstream in(entry.path());
    std::string text, opened;
    int start = 0;
    for (int number = 1; std::getline(in, text); ++number) {
      if (start == 0 && starts_definition(text)) {
        start = number;
        opened = text;
      } else if (start != 0 && text == "}") {
        const int length = number - start + 1;
        const std::string name = file + ": " + opened;
        if (length > kMaxLines && (tables || !kDataTables.contains(name))) {
          out.push_back(name + " (" + std::to_string(length) + " lines)");
        }
        start = 0;
      }
    }
  }
  return out;
}

TEST(FunctionLength, NoProductionFunctionIsLongerThanAHundredLines) {
  std::vector<std::string> found;
  for (const char* folder : {"cli", "engine", "plans", "providers"}) {
    auto more = long_functions_under(folder);
    found.insert(found.end(), more.begin(), more.end());
  }
  std::string listed;
  for (const auto& f : found) listed += "\n  " + f;
  EXPECT_TRUE(found.empty()) << "split these into named steps:" << listed;
}

// The check can fail: it sees the data table it lets through.
TEST(FunctionLength, TheScannerSeesALongFunction) {
  EXPECT_TRUE(long_functions_under("providers/pki/lint").empty());
  EXPECT_EQ(long_functions_under("providers/pki/lint", true).size(), 1u)
      << "rule_table.cpp's make_table is longer than " << kMaxLines << " lines; the scanner missed it";
}

}  // namespace
