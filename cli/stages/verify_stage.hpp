#pragma once
// Stage 6, verify: refresh (SSH reads), a TLS handshake on every service port of every node, evaluation, and a
// matrix for people or JSON for pipelines. Used by `trustctl verify` and at the end of `trustctl apply`.

#include "cli/stages/run_context.hpp"
#include "plans/verify.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace trustctl::cli {

struct VerifyOutcome {
  bool ok = false;
  std::vector<plans::VerifyRow> rows;  // the matrix itself, for renderings of their own (the HTML report)
  nlohmann::json json;
  std::string text;
};

// Reuses the context's sessions (opening them if needed). nullopt after reporting when the nodes could not be read.
std::optional<VerifyOutcome> verify(RunContext& context);

}  // namespace trustctl::cli
