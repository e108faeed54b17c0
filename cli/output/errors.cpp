#include "cli/output/errors.hpp"

#include <iostream>

namespace trustctl::cli {

nlohmann::json error_to_json(const Error& error) {
  nlohmann::json j = {{"code", to_string(error.code)}, {"message", error.message}};
  if (!error.node.empty()) j["node"] = error.node;
  if (!error.operation.empty()) j["operation"] = error.operation;
  if (error.region) {
    j["file"] = error.region->file ? *error.region->file : "";
    j["line"] = error.region->line;
    j["column"] = error.region->column;
  }
  j["text"] = error.describe();
  return j;
}

void report_errors(const std::vector<Error>& errors, const CommonOptions& common, const Terminal& term) {
  if (common.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) list.push_back(error_to_json(e));
    std::cout << nlohmann::json{{"ok", false}, {"errors", list}}.dump(2) << std::endl;
    return;
  }
  for (const auto& e : errors) std::cerr << term.red("error: ") << e.describe() << "\n";
}

}  // namespace trustctl::cli
