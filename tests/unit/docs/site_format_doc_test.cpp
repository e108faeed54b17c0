// docs/site-format.md is the reference people read; schemas/site.schema.json is what editors and the tests read.
// These tests fail as soon as the reference falls behind the schema: a key the schema defines that the reference
// does not document under its table, a key the reference still lists that the schema no longer has, or a complete
// example that is no longer the one the loader's test loads.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace trustctl {
namespace {

using nlohmann::json;

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const json& schema() {
  static const json instance = json::parse(read_file("schemas/site.schema.json"));
  return instance;
}

const json& resolve(const json& node) {
  if (node.contains("$ref")) return schema().at(json::json_pointer(node.at("$ref").get<std::string>().substr(1)));
  return node;
}

// One table of the site file as the schema defines it: its TOML header as the reference writes it in a heading
// ("[site]", "[[cluster.nodes]]", "[credentials.NAME]"; "" for the top level) and the keys it may hold.
struct Table {
  std::string header;
  std::vector<std::string> keys;
};

// Walks the schema from the top: every object with properties is a table; array items and named tables (a map
// like [credentials.NAME]) are followed; $ref is resolved, so both identity units get their table.
void collect(const json& node, const std::string& path, bool array_item, std::vector<Table>& out) {
  const json& resolved = resolve(node);
  if (resolved.value("type", "") == "array" && resolved.contains("items")) {
    collect(resolved.at("items"), path, true, out);
    return;
  }
  if (resolved.contains("additionalProperties") && resolved.at("additionalProperties").is_object()) {
    collect(resolved.at("additionalProperties"), path + ".NAME", false, out);
  }
  if (!resolved.contains("properties")) return;
  Table table;
  table.header = path.empty() ? "" : (array_item ? "[[" + path + "]]" : "[" + path + "]");
  for (const auto& [key, child] : resolved.at("properties").items()) {
    table.keys.push_back(key);
    collect(child, path.empty() ? key : path + "." + key, false, out);
  }
  out.push_back(std::move(table));
}

const std::vector<Table>& tables() {
  static const std::vector<Table> instance = [] {
    std::vector<Table> out;
    collect(schema(), "", false, out);
    return out;
  }();
  return instance;
}

// The reference as headings, each with the text up to the next heading of any level.
struct Section {
  std::string heading;
  std::string text;
};

std::vector<Section> reference_sections() {
  std::vector<Section> out;
  std::istringstream in(read_file("docs/site-format.md"));
  bool in_code = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("```")) in_code = !in_code;
    if (!in_code && line.starts_with("#")) {
      out.push_back({line, ""});
    } else if (!out.empty()) {
      out.back().text += line + "\n";
    }
  }
  return out;
}

// The section documenting a table: its heading names the header in backticks (`[site]`), or "top level".
const Section* section_for(const std::vector<Section>& sections, const Table& table) {
  for (const auto& section : sections) {
    bool names_it = table.header.empty() ? section.heading.find("top level") != std::string::npos
                                         : section.heading.find("`" + table.header + "`") != std::string::npos;
    if (names_it) return &section;
  }
  return nullptr;
}

// The keys a section's reference table lists: the first cell of rows like "| `ssh_port` | integer | ...".
std::set<std::string> listed_keys(const Section& section) {
  std::set<std::string> out;
  std::istringstream in(section.text);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("| `")) continue;
    auto end = line.find('`', 3);
    if (end != std::string::npos) out.insert(line.substr(3, end - 3));
  }
  return out;
}

std::string display(const Table& table) { return table.header.empty() ? "the top level" : table.header; }

TEST(SiteFormatDoc, TheSchemaWalkSeesEveryTable) {
  // Guards the walk itself: a schema read wrongly must not make the tests below pass by finding nothing to check.
  std::set<std::string> headers;
  size_t keys = 0;
  for (const auto& table : tables()) {
    headers.insert(display(table));
    keys += table.keys.size();
  }
  for (const char* header : {"the top level", "[site]", "[credentials.NAME]", "[connection]", "[[ca]]", "[[cluster]]",
                             "[[cluster.nodes]]", "[cluster.identity]", "[cluster.identity.tomcat]",
                             "[cluster.identity.tomcat-ECDSA]", "[[integration]]", "[[trust]]", "[policy]"}) {
    EXPECT_TRUE(headers.contains(header)) << header;
  }
  EXPECT_GE(keys, 60u);
}

TEST(SiteFormatDoc, EveryKeyOfTheSchemaIsDocumentedUnderItsTable) {
  const auto sections = reference_sections();
  for (const auto& table : tables()) {
    const Section* section = section_for(sections, table);
    if (!section) {
      ADD_FAILURE() << "docs/site-format.md has no heading for " << display(table)
                    << (table.header.empty() ? " (a heading with \"top level\")"
                                             : " (a heading with `" + table.header + "`)");
      continue;
    }
    for (const auto& key : table.keys) {
      EXPECT_NE(section->text.find("`" + key + "`"), std::string::npos)
          << "docs/site-format.md does not document `" << key << "` under \"" << section->heading
          << "\" (the schema defines it in " << display(table) << ")";
    }
  }
}

TEST(SiteFormatDoc, TheReferenceListsNoKeyTheSchemaLacks) {
  const auto sections = reference_sections();
  for (const auto& table : tables()) {
    const Section* section = section_for(sections, table);
    if (!section) continue;  // reported by the test above
    std::set<std::string> defined(table.keys.begin(), table.keys.end());
    for (const auto& key : listed_keys(*section)) {
      EXPECT_TRUE(defined.contains(key)) << "docs/site-format.md lists `" << key << "` under \"" << section->heading
                                         << "\", but the schema has no such key in " << display(table);
    }
  }
}

// The complete example is the public contract: it must be exactly the file the loader's test loads
// (tests/unit/engine/config/site_loader_test.cpp, LoadsTheSiteFormatExample), minus that file's own first comment.
TEST(SiteFormatDoc, TheCompleteExampleIsTheOneTheLoaderLoads) {
  std::string reference = read_file("docs/site-format.md");
  auto heading = reference.find("## A complete example");
  ASSERT_NE(heading, std::string::npos) << "docs/site-format.md has no \"## A complete example\" section";
  auto begin = reference.find("```toml\n", heading);
  ASSERT_NE(begin, std::string::npos);
  begin += 8;
  auto end = reference.find("```", begin);
  ASSERT_NE(end, std::string::npos);
  std::string example = reference.substr(begin, end - begin);

  std::string data = read_file("tests/unit/engine/config/data/site-format-example.toml");
  while (data.starts_with("#")) data = data.substr(data.find('\n') + 1);
  EXPECT_EQ(example, data) << "the example of docs/site-format.md and "
                              "tests/unit/engine/config/data/site-format-example.toml differ: change both together";
}

}  // namespace
}  // namespace trustctl
