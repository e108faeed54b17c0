#pragma once
// Verification as a stage: refresh (SSH reads), a TLS handshake on every service port of every node, evaluation,
// and a matrix for people or JSON for pipelines. Used by `trustctl verify` and at the end of `trustctl apply`.

#include "cli/commands/commands.hpp"
#include "engine/model/site.hpp"
#include "providers/registry.hpp"
#include "providers/vos/session_pool.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace trustctl::cli {

struct VerifyOutcome {
  bool ok = false;
  nlohmann::json json;
  std::string text;
};

// nullopt after reporting when the nodes could not be read at all.
std::optional<VerifyOutcome> verify_site(const Site& site, providers::SessionPool& pool,
                                         const providers::Registry& registry, const CommonOptions& common,
                                         const Terminal& term);

}  // namespace trustctl::cli
