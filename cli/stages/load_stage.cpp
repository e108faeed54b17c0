#include "cli/stages/load_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/stages/target_stage.hpp"
#include "engine/config/site_loader.hpp"
#include "providers/site_checks.hpp"

#include <iostream>

namespace trustctl::cli {

std::optional<Site> load_site(const CommonOptions& common, const Terminal& term, const ProviderLookup& providers) {
  auto loaded = config::load_site(common.site, providers.units());
  if (loaded.site) {
    // What the products can carry, checked before anything is contacted (providers/site_checks).
    auto checked = providers::check_site(*loaded.site, providers);
    loaded.errors.insert(loaded.errors.end(), checked.errors.begin(), checked.errors.end());
    loaded.warnings.insert(loaded.warnings.end(), checked.warnings.begin(), checked.warnings.end());
  }
  for (const auto& w : loaded.warnings) {
    std::cerr << term.yellow("warning: ") << w.describe() << "\n";
  }
  if (!loaded.errors.empty() || !loaded.site) {
    report_errors(loaded.errors, common, term);
    return std::nullopt;
  }
  return std::move(*loaded.site);
}

std::optional<RunContext> load(const CommonOptions& common, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term, registry);
  if (!site) return std::nullopt;
  std::optional<RunContext> context(std::in_place, common, term, registry, std::move(*site));
  // --cluster/--node names are checked before anything is contacted.
  if (common.target.any() && !target_nodes(*context)) return std::nullopt;
  return context;
}

bool require_site(const std::string& verb, const CommonOptions& common, const Terminal& term) {
  if (!common.site.empty()) return true;
  report_errors({Error(ErrorCode::invalid_site, verb + " needs a site file (trustctl " + verb +
                                                    " SITE), or a saved plan (trustctl " + verb + " --from FILE)")},
                common, term);
  return false;
}

}  // namespace trustctl::cli
