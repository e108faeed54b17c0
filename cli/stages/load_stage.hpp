#pragma once
// Stage 1, load: the site file, checked, every problem reported with file:line:col. Nothing is contacted.

#include "cli/stages/run_context.hpp"

#include <optional>
#include <string>

namespace trustctl::cli {

// The site, or nullopt after reporting every problem (warnings go to stderr, whatever the format).
std::optional<Site> load_site(const CommonOptions& common, const Terminal& term, const ProviderLookup& providers);
// The same, wrapped in the context the later stages fill.
std::optional<RunContext> load(const CommonOptions& common, const providers::Registry& registry);

// A command that plans needs a site file unless it renders a saved plan; the error says both ways to call it.
bool require_site(const std::string& verb, const CommonOptions& common, const Terminal& term);

}  // namespace trustctl::cli
