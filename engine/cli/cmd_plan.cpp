#include "engine/cli/commands.hpp"
#include "engine/cli/pipeline.hpp"
#include "plans/render_json.hpp"
#include "plans/render_text.hpp"

#include <iostream>

namespace trustctl::cli {

int run_plan(const CommonOptions& common, const PlanOptions& options) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term);
  if (!site) return kExitError;
  auto registry = providers::make_registry();
  auto context = refresh_and_plan(*site, registry, common, term);
  if (!context) return kExitError;
  if (common.format == "json") {
    std::cout << plans::plan_to_json(context->plan).dump(2) << std::endl;
  } else {
    std::cout << plans::render_text(context->plan, *site, {.color = term.color});
  }
  if (options.detailed_exitcode && !context->plan.empty()) return kExitChanges;
  return kExitOk;
}

}  // namespace trustctl::cli
