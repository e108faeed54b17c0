// `trustctl graph SITE [--type plan|trust] [--format dot|svg] [--out FILE]`. The plan graph (the default) refreshes
// and plans exactly like `plan`, then draws the action graph condensed for people (plans/graph_view.hpp); `--from F`
// draws a saved plan without connecting. The trust graph draws who must trust whom from the site file alone. SVG
// goes through Graphviz's `dot` when it is installed.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/graphviz.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_dot.hpp"
#include "plans/render_trust_dot.hpp"

#include <fstream>
#include <iostream>

namespace trustctl::cli {
namespace {

// The DOT to draw, or nullopt after reporting. `empty` is set when the plan has nothing to do.
std::optional<std::string> graph_dot(const CommonOptions& common, const GraphOptions& options,
                                     const providers::Registry& registry, const Terminal& term, bool& empty) {
  if (options.type == "trust") {
    if (!options.from.empty()) {
      report_errors({Error(ErrorCode::invalid_site, "--type trust draws the site file, not a saved plan: give SITE "
                                                    "instead of --from")},
                    common, term);
      return std::nullopt;
    }
    if (!require_site("graph", common, term)) return std::nullopt;
    auto site = load_site(common, term, registry);
    if (!site) return std::nullopt;
    return plans::render_trust_dot(*site, registry);
  }
  if (!options.from.empty()) {
    auto saved = plans::read_saved_plan(options.from, registry.units());
    if (!saved) {
      report_errors({saved.error()}, common, term);
      return std::nullopt;
    }
    empty = saved->plan.empty();
    return plans::render_dot(saved->plan, saved->layout);
  }
  if (!require_site("graph", common, term)) return std::nullopt;
  auto context = load(common, registry);
  if (!context || !refresh_and_plan(*context)) return std::nullopt;
  empty = context->plan.empty();
  return plans::render_dot(context->plan, context->site);
}

}  // namespace

int run_graph(const CommonOptions& common, const GraphOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  bool empty = false;
  auto dot = graph_dot(common, options, registry, term, empty);
  if (!dot) return kExitError;
  // Still a graph (one line of text), so a pipe into `dot` keeps working; people read it on stderr.
  if (empty) std::cerr << "Nothing to do: the plan is empty, so the action graph has no actions to draw.\n";
  std::string text = *dot;
  if (common.format == "svg") {
    auto svg = dot_to_svg(text);
    if (!svg) {
      report_errors({svg.error()}, common, term);
      return kExitError;
    }
    text = std::move(*svg);
  }
  if (options.out.empty()) {
    std::cout << text << std::flush;
    return kExitOk;
  }
  std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    report_errors({Error(ErrorCode::io, "cannot write " + options.out)}, common, term);
    return kExitError;
  }
  std::cerr << "Wrote the " << options.type << " graph to " << options.out;
  if (common.format != "svg") std::cerr << " (render it with: dot -Tsvg " << options.out << " -o graph.svg)";
  std::cerr << "\n";
  return kExitOk;
}

}  // namespace trustctl::cli
