// Comments cite documents so a newcomer can follow them: every document the code cites must be in the repository,
// and every "docs/appliances.md section N" must name a section that exists. docs/appliances.md keeps the section
// numbers and titles the code was written against, so they are checked too.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace trustctl {
namespace {

namespace fs = std::filesystem;

const fs::path& root() {
  static const fs::path instance(TRUSTCTL_SOURCE_DIR);
  return instance;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Build trees (build/, build-asan/, ...) and version control are not part of the repository's content.
bool skipped_directory(const fs::path& path) {
  std::string name = path.filename().string();
  return name.starts_with("build") || name.starts_with(".");
}

// Every file of the source tree, as paths relative to the root.
std::vector<fs::path> repository_files() {
  std::vector<fs::path> out;
  for (auto it = fs::recursive_directory_iterator(root()); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && skipped_directory(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out.push_back(fs::relative(it->path(), root()));
  }
  return out;
}

struct Citation {
  fs::path file;  // where it is cited
  std::string document;
  std::string sections;  // "5", "3 and 4"; "" when no section is named
};

// A Markdown file name joined to a directory at run time (`out / "..."`) or after a shell variable (`$OUT/...`) is a file
// the code or a script writes, not a document it cites.
bool names_a_written_file(const std::string& line, std::size_t at) {
  if (at >= 1 && line[at - 1] == '$') return true;
  return at >= 3 && line.compare(at - 3, 3, "/ \"") == 0;
}

// Every *.md named in the C++ sources of the layers and the tests.
std::vector<Citation> citations() {
  static const std::regex document(
      R"(([A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md)(\s+sections?\s+(\d+(?:(?:,\s*|\s+and\s+)\d+)*))?)");
  std::vector<Citation> out;
  for (const auto& file : repository_files()) {
    std::string top = file.begin()->string();
    if (top != "engine" && top != "plans" && top != "providers" && top != "cli" && top != "tests") continue;
    if (file.extension() != ".cpp" && file.extension() != ".hpp") continue;
    std::istringstream text(read_file(root() / file));
    for (std::string line; std::getline(text, line);) {
      if (line.find(".md") == std::string::npos) continue;  // std::regex is slow: only where a citation can be
      for (std::sregex_iterator it(line.begin(), line.end(), document), end; it != end; ++it) {
        const auto at = static_cast<std::size_t>(it->position(1));
        if (names_a_written_file(line, at)) continue;
        out.push_back({file, (*it)[1].str(), (*it)[3].str()});
      }
    }
  }
  return out;
}

// "## 5. Restarts owed by each change" -> 5 -> the title.
std::map<int, std::string> appliance_sections() {
  std::map<int, std::string> out;
  std::istringstream in(read_file(root() / "docs/appliances.md"));
  static const std::regex heading(R"(^## (\d+)\. (.+)$)");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, heading)) out[std::stoi(m[1].str())] = m[2].str();
  }
  return out;
}

TEST(DocCitations, EveryCitedDocumentIsInTheRepository) {
  std::set<std::string> names;
  for (const auto& file : repository_files()) names.insert(file.filename().string());
  const auto cited = citations();
  EXPECT_GE(cited.size(), 50u) << "the scan found too few citations to be looking in the right place";
  for (const auto& c : cited) {
    // A path is taken from the repository root; a bare name ("CONTRIBUTING.md", a golden file) must exist somewhere.
    bool found =
        c.document.find('/') != std::string::npos ? fs::exists(root() / c.document) : names.contains(c.document);
    EXPECT_TRUE(found) << c.file.string() << " cites " << c.document
                       << ", which is not in the repository; cite docs/appliances.md or docs/site-format.md";
  }
}

TEST(DocCitations, EveryCitedApplianceSectionExists) {
  const auto sections = appliance_sections();
  size_t checked = 0;
  for (const auto& c : citations()) {
    if (c.document != "docs/appliances.md" || c.sections.empty()) continue;
    static const std::regex number(R"(\d+)");
    for (std::sregex_iterator it(c.sections.begin(), c.sections.end(), number), end; it != end; ++it) {
      ++checked;
      EXPECT_TRUE(sections.contains(std::stoi(it->str())))
          << c.file.string() << " cites docs/appliances.md section " << it->str() << ", which has no \"## " << it->str()
          << ". ...\" heading";
    }
  }
  EXPECT_GE(checked, 50u);
}

// The numbers and titles the code cites; renumbering or renaming one would leave comments pointing at the wrong text.
TEST(DocCitations, ApplianceSectionsKeepTheirNumbersAndTitles) {
  const std::map<int, std::string> expected = {
      {1, "Products, nodes, ports, services"},
      {2, "Certificate stores (\"units\")"},
      {3, "Replication"},
      {4, "Upload and CSR rules the appliance enforces"},
      {5, "Restarts owed by each change"},
      {6, "Cross-product trust (from the contact-center guides)"},
      {7, "The admin CLI (SSH)"},
      {8, "The REST interfaces (HTTPS, Basic auth with the OS admin account)"},
      {9, "Rules trustctl checks before it changes anything (lint)"},
      {10, "Which port presents which identity (the ECDSA guide's table, UCCX and SocialMiner 11.5+)"},
  };
  const auto sections = appliance_sections();
  for (const auto& [number, title] : expected) {
    auto it = sections.find(number);
    ASSERT_NE(it, sections.end()) << "docs/appliances.md lost section " << number;
    EXPECT_EQ(it->second, title) << "docs/appliances.md section " << number << " was renamed";
  }
}

}  // namespace
}  // namespace trustctl
