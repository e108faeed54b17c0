#pragma once
// A small JSON Schema (draft-07) checker for the keywords schemas/plan.schema.json uses, so a test can validate what
// the renderers emit without a schema library. A keyword it does not know is reported as a problem rather than
// ignored, so the schema cannot silently grow past what the test checks.

#include <nlohmann/json.hpp>

#include <regex>
#include <set>
#include <string>
#include <vector>

namespace trustctl::testing {

class SchemaChecker {
 public:
  explicit SchemaChecker(nlohmann::json schema) : m_root(std::move(schema)) {}

  // Every problem found, each with the JSON path of the offending value; empty when the document conforms.
  std::vector<std::string> check(const nlohmann::json& document) const {
    std::vector<std::string> problems;
    check(m_root, document, "$", problems);
    return problems;
  }

 private:
  static bool has_type(const nlohmann::json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    return false;
  }

  const nlohmann::json& resolve(const std::string& ref, std::vector<std::string>& problems) const {
    static const nlohmann::json nothing = nlohmann::json::object();
    const std::string prefix = "#/definitions/";
    if (ref.rfind(prefix, 0) != 0) {
      problems.push_back("unsupported $ref " + ref);
      return nothing;
    }
    auto defs = m_root.find("definitions");
    if (defs == m_root.end() || !defs->contains(ref.substr(prefix.size()))) {
      problems.push_back("dangling $ref " + ref);
      return nothing;
    }
    return (*defs)[ref.substr(prefix.size())];
  }

  void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             std::vector<std::string>& problems) const {
    static const std::set<std::string> known = {
        "$schema", "$id",   "title",   "description", "default",   "definitions", "$ref",
        "type",    "required", "properties", "additionalProperties", "items", "enum", "pattern",
        "minimum", "minLength"};
    for (auto it = schema.begin(); it != schema.end(); ++it) {
      if (!known.count(it.key())) problems.push_back(path + ": the checker does not support keyword " + it.key());
    }
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      check(resolve(ref->get<std::string>(), problems), value, path, problems);
    }
    if (auto type = schema.find("type"); type != schema.end()) {
      bool ok = false;
      if (type->is_array()) {
        for (const auto& t : *type) ok = ok || has_type(value, t.get<std::string>());
      } else {
        ok = has_type(value, type->get<std::string>());
      }
      if (!ok) {
        problems.push_back(path + ": expected type " + type->dump() + ", got " + value.type_name());
        return;  // the remaining keywords would only repeat the same problem
      }
    }
    if (auto e = schema.find("enum"); e != schema.end()) {
      bool found = false;
      for (const auto& allowed : *e) found = found || allowed == value;
      if (!found) problems.push_back(path + ": " + value.dump() + " is not one of " + e->dump());
    }
    if (value.is_string()) {
      const auto& text = value.get_ref<const std::string&>();
      if (auto p = schema.find("pattern"); p != schema.end() && !std::regex_search(text, std::regex(p->get<std::string>()))) {
        problems.push_back(path + ": \"" + text.substr(0, 80) + "\" does not match " + p->get<std::string>());
      }
      if (auto m = schema.find("minLength"); m != schema.end() && text.size() < m->get<std::size_t>()) {
        problems.push_back(path + ": shorter than " + m->dump());
      }
    }
    if (value.is_number()) {
      if (auto m = schema.find("minimum"); m != schema.end() && value.get<double>() < m->get<double>()) {
        problems.push_back(path + ": below the minimum " + m->dump());
      }
    }
    if (value.is_object()) {
      if (auto req = schema.find("required"); req != schema.end()) {
        for (const auto& key : *req) {
          if (!value.contains(key.get<std::string>())) problems.push_back(path + ": missing " + key.get<std::string>());
        }
      }
      auto props = schema.find("properties");
      auto extra = schema.find("additionalProperties");
      for (auto it = value.begin(); it != value.end(); ++it) {
        std::string at = path + "." + it.key();
        if (props != schema.end() && props->contains(it.key())) {
          check((*props)[it.key()], *it, at, problems);
        } else if (extra != schema.end() && extra->is_boolean()) {
          if (!extra->get<bool>()) problems.push_back(at + ": not allowed (additionalProperties is false)");
        } else if (extra != schema.end()) {
          check(*extra, *it, at, problems);
        }
      }
    }
    if (value.is_array()) {
      if (auto items = schema.find("items"); items != schema.end()) {
        for (std::size_t k = 0; k < value.size(); ++k) {
          check(*items, value[k], path + "[" + std::to_string(k) + "]", problems);
        }
      }
    }
  }

  nlohmann::json m_root;
};

}  // namespace trustctl::testing
