// The layers of ARCHITECTURE.md, checked on the sources: every #include "..." of the project's own files points down
// or sideways, never up. A new include that breaks a rule fails here with the file and the line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Include {
  std::string file;  // relative to the repository, e.g. "providers/vos/vos_refresh.cpp"
  int line = 0;
  std::string target;  // as written, e.g. "providers/cucm/cucm_rest.hpp"
};

std::vector<Include> includes_under(const std::string& folder) {
  const fs::path root = TRUSTCTL_SOURCE_DIR;
  const std::regex include_line(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<Include> out;
  for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    std::ifstream in(entry.path());
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
      ++number;
      std::smatch m;
      if (std::regex_search(text, m, include_line)) {
        out.push_back({fs::relative(entry.path(), root).string(), number, m[1]});
      }
    }
  }
  return out;
}

// Every include under `folder` whose target starts with one of `forbidden`.
std::vector<std::string> violations(const std::string& folder, const std::vector<std::string>& forbidden) {
  std::vector<std::string> out;
  for (const auto& inc : includes_under(folder)) {
    for (const auto& prefix : forbidden) {
      if (inc.target.starts_with(prefix)) out.push_back(inc.file + ":" + std::to_string(inc.line) + ": " + inc.target);
    }
  }
  return out;
}

std::string listed(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

const std::vector<std::string> kProductFolders = {"providers/uccx/",       "providers/finesse/",
                                                  "providers/cuic/",       "providers/socialminer/",
                                                  "providers/mediasense/", "providers/cucm/",
                                                  "providers/external/",   "providers/registry.hpp"};

TEST(Layers, TheEngineKnowsNoPlanProviderOrCommandLine) {
  auto found = violations("engine", {"plans/", "providers/", "cli/"});
  EXPECT_TRUE(found.empty()) << listed(found);
}

TEST(Layers, PlansAndProvidersKnowNoCommandLineAndNotEachOther) {
  auto found = violations("plans", {"cli/", "providers/"});
  auto more = violations("providers", {"cli/", "plans/"});
  found.insert(found.end(), more.begin(), more.end());
  EXPECT_TRUE(found.empty()) << listed(found);
}

TEST(Layers, TheSharedVosCodeAndTheTransportsNameNoProduct) {
  auto found = violations("providers/vos", kProductFolders);
  auto more = violations("providers/transport", kProductFolders);
  found.insert(found.end(), more.begin(), more.end());
  more = violations("providers/transport", {"providers/vos/", "providers/pki/"});
  found.insert(found.end(), more.begin(), more.end());
  EXPECT_TRUE(found.empty()) << listed(found);
}

// The check itself can fail: it sees the includes that are there.
// The providers name the certificate units (providers/vos/vos_units.hpp); the core and the planner reach them by role
// through ProviderLookup::units() and never spell one, in a literal or a message (a comment may name them).
std::vector<std::string> unit_literals_under(const std::string& folder) {
  const fs::path root = TRUSTCTL_SOURCE_DIR;
  std::vector<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
    auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
    std::string file = fs::relative(entry.path(), root).string();
    std::ifstream in(entry.path());
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
      std::string code = text.substr(0, text.find("//"));
      if (code.find("tomcat") != std::string::npos) out.push_back(file + ":" + std::to_string(number) + ": " + text);
    }
  }
  return out;
}

TEST(Layers, TheEngineAndThePlannerSpellNoUnitNameOfTheirOwn) {
  auto found = unit_literals_under("engine");
  auto in_plans = unit_literals_under("plans");
  found.insert(found.end(), in_plans.begin(), in_plans.end());
  EXPECT_TRUE(found.empty()) << "ask ProviderLookup::units() (engine/model/certificate_units.hpp):"
                             << listed(found);
}

TEST(Layers, TheUnitNameScannerSeesNames) {
  EXPECT_FALSE(unit_literals_under("providers/vos").empty())
      << "providers/vos names the units; the scanner should see it";
}

TEST(Layers, TheScannerSeesIncludes) {
  auto found = violations("providers/cucm", {"providers/vos/"});
  EXPECT_FALSE(found.empty()) << "providers/cucm builds on providers/vos; the scanner should have seen that";
}

}  // namespace
