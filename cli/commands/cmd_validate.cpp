// trustctl validate SITE: every problem of the site file that needs no connection, each at its file:line:col: what
// the loader checks (syntax, keys, names, files) and what the products can carry (providers/site_checks). Warnings
// (a policy kept whose outcome differs from what the file says) are listed too; only errors fail.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "engine/config/site_loader.hpp"
#include "engine/model/printable.hpp"
#include "providers/registry.hpp"
#include "providers/site_checks.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace trustctl::cli {
namespace {

void in_file_order(std::vector<Error>& errors) {
  auto position = [](const Error& e) {
    return e.region ? std::pair(e.region->line, e.region->column) : std::pair(0, 0);
  };
  std::stable_sort(errors.begin(), errors.end(),
                   [&](const Error& a, const Error& b) { return position(a) < position(b); });
}

}  // namespace

int run_validate(const CommonOptions& common, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  auto loaded = config::load_site(common.site, registry.units());
  if (loaded.site) {
    auto checked = providers::check_site(*loaded.site, registry);
    loaded.errors.insert(loaded.errors.end(), checked.errors.begin(), checked.errors.end());
    loaded.warnings.insert(loaded.warnings.end(), checked.warnings.begin(), checked.warnings.end());
  }
  in_file_order(loaded.errors);
  in_file_order(loaded.warnings);
  const bool ok = loaded.errors.empty() && loaded.site;
  if (common.format == "json") {
    nlohmann::json errors = nlohmann::json::array(), warnings = nlohmann::json::array();
    for (const auto& e : loaded.errors) errors.push_back(error_to_json(e));
    for (const auto& w : loaded.warnings) warnings.push_back(error_to_json(w));
    nlohmann::json out = {{"ok", ok}, {"errors", errors}, {"warnings", warnings}};
    if (ok) {
      out["site"] = loaded.site->name;
      out["clusters"] = loaded.site->clusters.size();
      out["nodes"] = loaded.site->all_nodes().size();
    }
    print_json(out);
    return ok ? kExitOk : kExitError;
  }
  for (const auto& w : loaded.warnings) std::cerr << term.yellow("warning: ") << w.describe() << "\n";
  if (!ok) {
    for (const auto& e : loaded.errors) std::cerr << term.red("error: ") << e.describe() << "\n";
    return kExitError;
  }
  const Site& site = *loaded.site;
  std::cout << term.green("valid: ") << printable(common.site) << " (site " << printable(site.name) << ", "
            << site.clusters.size() << " cluster(s), " << site.all_nodes().size() << " node(s)"
            << (loaded.warnings.empty() ? "" : ", " + std::to_string(loaded.warnings.size()) + " warning(s)") << ")\n";
  return kExitOk;
}

}  // namespace trustctl::cli
