#include "cli/output/errors.hpp"

#include "cli/output/machine_output.hpp"

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
    print_json({{"ok", false}, {"errors", list}});
    return;
  }
  // jsonl: each error is an event of the stream, and people watching the job's log read it on stderr too.
  for (const auto& e : errors) {
    if (EventStream::active()) {
      nlohmann::json event = error_to_json(e);
      event["type"] = "error";
      EventStream::emit(event);
    }
  }
  for (const auto& e : errors) std::cerr << term.red("error: ") << e.describe() << "\n";
}

}  // namespace trustctl::cli
