// `trustctl graph SITE [--out FILE]`: refreshes and plans exactly like `plan`, then prints the action graph as DOT
// (`| dot -Tsvg > plan.svg`). `--from F` draws a saved plan without connecting.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_dot.hpp"

#include <fstream>
#include <iostream>

namespace trustctl::cli {

int run_graph(const CommonOptions& common, const GraphOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  std::string dot;
  if (!options.from.empty()) {
    auto saved = plans::read_saved_plan(options.from);
    if (!saved) {
      report_errors({saved.error()}, common, term);
      return kExitError;
    }
    dot = plans::render_dot(saved->plan, saved->layout);
  } else {
    if (!require_site("graph", common, term)) return kExitError;
    auto context = load(common, registry);
    if (!context || !refresh_and_plan(*context)) return kExitError;
    dot = plans::render_dot(context->plan, context->site);
  }

  if (options.out.empty()) {
    std::cout << dot << std::flush;
    return kExitOk;
  }
  std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
  out << dot;
  out.close();
  if (!out) {
    report_errors({Error(ErrorCode::io, "cannot write " + options.out)}, common, term);
    return kExitError;
  }
  std::cerr << "Wrote the action graph to " << options.out << " (render it with: dot -Tsvg " << options.out
            << " -o plan.svg)\n";
  return kExitOk;
}

}  // namespace trustctl::cli
