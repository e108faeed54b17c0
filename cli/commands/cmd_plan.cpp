#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/lint_gate.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"
#include "plans/render_markdown.hpp"
#include "plans/render_text.hpp"

#include <iostream>

namespace trustctl::cli {
namespace {

void print_plan(const plans::Plan& plan, const Site& site, const CommonOptions& common, const Terminal& term) {
  if (common.format == "json") {
    plans::print_plan_json(std::cout, plan);
  } else if (common.format == "jsonl") {
    // The whole plan is one event (its actions are only known together); the summary closes the stream.
    EventStream::emit({{"type", "plan"}, {"plan", plans::plan_to_json(plan)}});
  } else if (common.format == "markdown") {
    std::cout << plans::render_markdown(plan, site);
  } else {
    std::cout << plans::render_text(plan, site, {.color = term.color});
  }
}

// --detailed-exitcode: 0 nothing to do, 2 changes apply would make, 3 changes that error findings will stop apply
// from making (1 stays "error").
int exit_code(const plans::Plan& plan, const PlanOptions& options) {
  if (!options.detailed_exitcode || plan.empty()) return kExitOk;
  return plan.lint.blocks_apply ? kExitBlocked : kExitChanges;
}

// --format jsonl: the stream ends with the plan's counts and the exit code this run returns.
int summarised(const plans::Plan& plan, int code) {
  auto s = plan.summary();
  EventStream::summary({{"ok", true},
                        {"no_changes", plan.empty()},
                        {"add", s.add},
                        {"change", s.change},
                        {"remove", s.remove},
                        {"restarts", s.restarts},
                        {"manual_restarts", s.manual_restarts},
                        {"waits", s.waits},
                        {"blocks_apply", plan.lint.blocks_apply},
                        {"exit_code", code}});
  return code;
}

// `plan --from F [SITE]`: no connection. The saved layout labels the nodes, so the rendering matches the one made
// when the plan was saved; a site file, when given, is only compared with the one the plan was made from.
int render_saved(const CommonOptions& common, const PlanOptions& options, const Terminal& term,
                 const providers::Registry& registry) {
  auto saved = plans::read_saved_plan(options.from, registry.units());
  if (!saved) {
    report_errors({saved.error()}, common, term);
    return kExitError;
  }
  if (!common.site.empty()) {
    auto site = load_site(common, term, registry);
    if (!site) return kExitError;
    // Only the site-level reasons: passing the plan's own observations leaves the nodes out (no refresh here).
    for (const auto& reason : plans::stale_reasons(saved->plan, *site, saved->plan.observed)) {
      std::cerr << term.yellow("warning: ") << options.from << " is stale: " << reason
                << "; apply will refuse it: plan again\n";
    }
  }
  print_plan(saved->plan, saved->layout, common, term);
  return summarised(saved->plan, exit_code(saved->plan, options));
}

}  // namespace

int run_plan(const CommonOptions& common, const PlanOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  if (!options.from.empty()) return render_saved(common, options, term, registry);
  if (!require_site("plan", common, term)) return kExitError;
  auto context = load(common, registry);
  if (!context || !refresh_and_plan(*context)) return kExitError;
  const Site& site = context->site;
  print_plan(context->plan, site, common, term);
  if (!options.out.empty()) {
    if (auto written = plans::write_plan_file(context->plan, site, options.out); !written) {
      report_errors({written.error()}, common, term);
      return kExitError;
    }
    // stderr: stdout carries only the rendering (JSON or Markdown a pipeline captures).
    std::cerr << "Saved this plan to " << options.out << "; `trustctl plan --from " << options.out
              << "` shows it again. To carry out exactly this plan:\n  trustctl apply " << options.out << "\n";
  }
  return summarised(context->plan, exit_code(context->plan, options));
}

}  // namespace trustctl::cli
