// schemas/site.schema.json drives editor completion and the reference docs; the loader's key table drives validation.
// These tests fail as soon as the two disagree, in either direction.

#include "engine/config/names.hpp"
#include "engine/config/site_keys.hpp"
#include "engine/config/version.hpp"
#include "providers/vos/vos_units.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <set>

namespace trustctl::config {
namespace {

using nlohmann::json;

const json& schema() {
  static const json instance = [] {
    std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/schemas/site.schema.json");
    if (!in) throw std::runtime_error("cannot read schemas/site.schema.json");
    return json::parse(in);
  }();
  return instance;
}

const json& resolve(const json& node) {
  if (node.contains("$ref")) return schema().at(json::json_pointer(node.at("$ref").get<std::string>().substr(1)));
  return node;
}

// Arrays of tables add no segment to a section name: step into their items.
const json& table_of(const json& node) {
  const json& resolved = resolve(node);
  if (resolved.value("type", "") == "array") return resolve(resolved.at("items"));
  return resolved;
}

// The schemas of the tables a key-table section names ("cluster.identity.*" names both identity units).
std::vector<const json*> section_schemas(std::string_view section) {
  std::vector<const json*> current{&schema()};
  if (section.empty()) return current;
  size_t start = 0;
  while (start <= section.size()) {
    size_t dot = section.find('.', start);
    std::string segment(section.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    std::vector<const json*> next;
    for (const json* s : current) {
      if (segment == "*") {
        if (s->contains("additionalProperties") && s->at("additionalProperties").is_object()) {
          next.push_back(&table_of(s->at("additionalProperties")));
        } else {
          for (const auto& [name, property] : s->at("properties").items()) next.push_back(&table_of(property));
        }
      } else {
        EXPECT_TRUE(s->contains("properties") && s->at("properties").contains(segment))
            << "schema has no table '" << segment << "' for section " << section;
        if (!s->contains("properties") || !s->at("properties").contains(segment)) return {};
        next.push_back(&table_of(s->at("properties").at(segment)));
      }
    }
    current = std::move(next);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return current;
}

std::set<std::string> sections() {
  std::set<std::string> out;
  for (const auto& spec : site_keys()) out.insert(std::string(spec.section));
  return out;
}

bool schema_type_matches(const json& property, KeyType type) {
  const json& p = resolve(property);
  std::string t = p.value("type", "");
  switch (type) {
    case KeyType::string: return t == "string";
    case KeyType::integer: return t == "integer";
    case KeyType::number: return t == "number";
    case KeyType::number_map: {
      // anyOf: a number, or an object whose every value is a number.
      if (!p.contains("anyOf") || p.at("anyOf").size() != 2) return false;
      const json& one = p.at("anyOf").at(0);
      const json& map = p.at("anyOf").at(1);
      return one.value("type", "") == "number" && map.value("type", "") == "object" &&
             map.contains("additionalProperties") && map.at("additionalProperties").value("type", "") == "number";
    }
    case KeyType::boolean: return t == "boolean";
    case KeyType::string_array: return t == "array" && resolve(p.at("items")).value("type", "") == "string";
    case KeyType::table: return t == "object";
    case KeyType::table_map: return t == "object" && p.contains("additionalProperties") &&
                                    p.at("additionalProperties").is_object();
    case KeyType::array_of_tables: return t == "array" && resolve(p.at("items")).value("type", "") == "object";
  }
  return false;
}

TEST(SiteLoaderSchema, IsDraft07JsonSchema) {
  EXPECT_EQ(schema().at("$schema"), "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema().at("type"), "object");
}

TEST(SiteLoaderSchema, EveryLoaderKeyIsInTheSchemaWithItsTypeAndDescription) {
  for (const auto& spec : site_keys()) {
    auto tables = section_schemas(spec.section);
    ASSERT_FALSE(tables.empty()) << spec.section;
    for (const json* table : tables) {
      ASSERT_TRUE(table->contains("properties")) << spec.section;
      const json& properties = table->at("properties");
      std::string key(spec.key);
      ASSERT_TRUE(properties.contains(key)) << "schema lacks '" << key << "' in section '" << spec.section << "'";
      const json& property = properties.at(key);
      EXPECT_TRUE(schema_type_matches(property, spec.type))
          << spec.section << "." << key << ": schema type does not match key table type " << to_string(spec.type);
      std::string description = property.value("description", resolve(property).value("description", ""));
      EXPECT_FALSE(description.empty()) << spec.section << "." << key << " has no description";
    }
  }
}

TEST(SiteLoaderSchema, EverySchemaKeyIsAcceptedByTheLoader) {
  for (const auto& section : sections()) {
    auto allowed = keys_in(section);
    std::set<std::string> loader_keys(allowed.begin(), allowed.end());
    for (const json* table : section_schemas(section)) {
      // Editors must flag unknown keys as the loader does.
      EXPECT_EQ(table->value("additionalProperties", json(true)), json(false)) << "section '" << section << "'";
      std::set<std::string> schema_keys;
      for (const auto& [name, property] : table->at("properties").items()) schema_keys.insert(name);
      EXPECT_EQ(schema_keys, loader_keys) << "section '" << section << "'";
    }
  }
}

// [cluster.identity] has one table per identity unit: the providers name them (the loader is given the names), so the
// schema lists exactly the providers' units.
TEST(SiteLoaderSchema, TheIdentityUnitsOfTheSchemaAreTheProviders) {
  auto tables = section_schemas("cluster.identity");
  ASSERT_EQ(tables.size(), 1u);
  std::set<std::string> schema_units;
  for (const auto& [name, property] : tables.front()->at("properties").items()) schema_units.insert(name);
  EXPECT_EQ(tables.front()->value("additionalProperties", json(true)), json(false));
  auto units = trustctl::providers::vos_units().identities();
  EXPECT_EQ(schema_units, std::set<std::string>(units.begin(), units.end()));
}

TEST(SiteLoaderSchema, NestedTablesOfTheKeyTableHaveTheirOwnSection) {
  auto all = sections();
  for (const auto& spec : site_keys()) {
    if (spec.type != KeyType::table && spec.type != KeyType::table_map && spec.type != KeyType::array_of_tables) {
      continue;
    }
    std::string base = spec.section.empty() ? std::string(spec.key) : std::string(spec.section) + "." + std::string(spec.key);
    bool found = all.contains(base) || all.contains(base + ".*") || all.contains(std::string(spec.section) + ".*");
    EXPECT_TRUE(found) << "no section for the keys of '" << base << "'";
  }
}

std::vector<std::string> schema_enum(const json& property) {
  std::vector<std::string> out;
  for (const auto& value : resolve(property).at("enum")) out.push_back(value.get<std::string>());
  return out;
}

std::vector<std::string> strings(std::span<const std::string_view> values) {
  return std::vector<std::string>(values.begin(), values.end());
}

TEST(SiteLoaderSchema, EnumerationsMatchTheLoader) {
  const json& cluster = table_of(schema().at("properties").at("cluster"));
  EXPECT_EQ(schema_enum(cluster.at("properties").at("product")), strings(kProducts));
  const json& node = table_of(cluster.at("properties").at("nodes"));
  EXPECT_EQ(schema_enum(node.at("properties").at("role")), strings(kRoles));
  const json& identity = schema().at("definitions").at("identity").at("properties");
  EXPECT_EQ(schema_enum(identity.at("distribution")), strings(kDistributions));
  EXPECT_EQ(schema_enum(identity.at("key")), strings(kKeySpecs));
  const json& integration = table_of(schema().at("properties").at("integration"));
  EXPECT_EQ(schema_enum(integration.at("properties").at("kind")), strings(kIntegrationKinds));
  const json& policy = schema().at("properties").at("policy").at("properties");
  EXPECT_EQ(schema_enum(policy.at("restart")), strings(kRestartPolicies));
  EXPECT_EQ(schema_enum(policy.at("lint")), strings(kLintLevels));
}

const json& identity_property(const std::string& key) { return schema().at("definitions").at("identity").at("properties").at(key); }

TEST(SiteLoaderSchema, PatternsAndBoundsAreTheLoadersOwn) {
  const json& site = schema().at("properties").at("site").at("properties");
  const json& cluster = table_of(schema().at("properties").at("cluster")).at("properties");
  const json& node = table_of(cluster.at("nodes")).at("properties");
  const json& ca = table_of(schema().at("properties").at("ca")).at("properties");
  EXPECT_EQ(cluster.at("version").at("pattern"), kVersionPattern);
  EXPECT_EQ(site.at("domain").at("pattern"), kHostNamePattern);
  EXPECT_EQ(node.at("fqdn").at("pattern"), kHostNamePattern);
  EXPECT_EQ(node.at("address").at("anyOf").at(2).at("pattern"), kHostNamePattern);
  for (const json* name : {&site.at("name"), &cluster.at("name"), &node.at("name"), &ca.at("name"),
                           &schema().at("properties").at("credentials").at("propertyNames")}) {
    EXPECT_EQ(name->at("pattern"), kDisplayNamePattern);
  }
  EXPECT_EQ(identity_property("renew_before_days").at("maximum"), kMaxRenewBeforeDays);
  EXPECT_EQ(identity_property("renew_before_days").at("minimum"), 1);
}

// ASCII text as wide characters: std::wregex reads code points (as editors' ECMAScript does), std::regex bytes.
std::wstring wide(std::string_view text) { return std::wstring(text.begin(), text.end()); }

struct WidePattern {
  std::wregex regex;
  explicit WidePattern(std::string_view pattern) : regex(wide(pattern)) {}
};

bool regex_match(const std::string& text, const WidePattern& pattern) {
  return std::regex_match(wide(text), pattern.regex);
}

// Editors (ECMAScript regular expressions) and the loader decide alike, on ASCII samples.
TEST(SiteLoaderSchema, PatternsAcceptWhatTheLoaderAccepts) {
  const WidePattern host(kHostNamePattern), name(kDisplayNamePattern), version(kVersionPattern);
  for (const std::string& text : std::vector<std::string>{"uccx1.lab.example", "host1", "a-b.c", "UCCX.Lab", std::string(63, 'a') + ".x",
                           std::string(64, 'a') + ".x", "uccx_1.lab", "a..b", ".a", "a.", "-a.b", "a-.b", "a:22",
                           "https://a", "a/b", "a b", "*.a", "10.0.0.1", "10.0.0.300", "a\x1b", ""}) {
    EXPECT_EQ(regex_match(text, host), !host_name_problem(text).has_value()) << "'" << text << "'";
  }
  for (const std::string& text : std::vector<std::string>{"uccx", "UCCX Lab (east)", "a\tb", "x\x1b[2J", "del\x7f", " lead", "trail ", "", "a b"}) {
    EXPECT_EQ(regex_match(text, name), !text.empty() && !display_name_problem(text).has_value()) << "'" << text << "'";
  }
  for (const std::string& text : std::vector<std::string>{"12.5", "12.5(1)SU3", "14SU2", "14 SU2", "12.5.1.11900-146", "12,5", "12.5 ", "v12"}) {
    EXPECT_EQ(regex_match(text, version), parse_version(text).has_value()) << "'" << text << "'";
  }
}

TEST(SiteLoaderKeys, SuggestsCloseKeysOnly) {
  EXPECT_EQ(closest_match("sssh_port", keys_in("connection")), "ssh_port");
  EXPECT_EQ(closest_match("tomcat-ecdsa", trustctl::providers::vos_units().identities()), "tomcat-ECDSA");
  EXPECT_EQ(closest_match("colour", keys_in("policy")), std::nullopt);
  EXPECT_EQ(closest_match("x", keys_in("site")), std::nullopt);
}

}  // namespace
}  // namespace trustctl::config
