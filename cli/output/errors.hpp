#pragma once
// How a command reports errors: for people on stderr ("error: site.toml:12:5: ..."), for pipelines as one JSON
// document on stdout when --format json (schemas/error.schema.json), or as "error" events of the stream (and on stderr)
// when --format jsonl.

#include "cli/commands/commands.hpp"
#include "cli/output/terminal.hpp"
#include "engine/model/error.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace trustctl::cli {

nlohmann::json error_to_json(const Error& error);
void report_errors(const std::vector<Error>& errors, const CommonOptions& common, const Terminal& term);

}  // namespace trustctl::cli
