// `trustctl apply SITE` (or a saved plan): load, lock, refresh, plan, show, lint gate, confirm, apply, verify.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/stages/apply_stage.hpp"
#include "cli/stages/lint_gate.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "cli/stages/verify_stage.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"
#include "plans/render_text.hpp"

#include <iostream>

namespace trustctl::cli {
namespace {

bool confirm() {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "yes";
}

// `apply PLAN.json`: the saved plan names its site file; nullopt after reporting when it cannot be read.
std::optional<plans::SavedPlan> read_saved(const CommonOptions& given, const Terminal& term) {
  auto read = plans::read_saved_plan(given.site);
  if (!read) {
    report_errors({read.error()}, given, term);
    return std::nullopt;
  }
  return std::move(*read);
}

// A saved plan is carried out only when the site file and every node are as the plan observed; the refusal lists
// what changed. True when the saved plan replaced the fresh one.
bool adopt_saved_plan(RunContext& context, plans::SavedPlan& saved, const std::string& plan_file) {
  auto reasons = plans::stale_reasons(saved.plan, context.site, context.plan.observed);
  if (!reasons.empty()) {
    std::vector<Error> errors;
    for (const auto& reason : reasons) errors.push_back(Error(ErrorCode::stale_plan, reason));
    errors.push_back(Error(ErrorCode::stale_plan, plan_file + " is stale, so it was not applied and nothing was "
                                                  "changed; run `trustctl plan " + context.site.file.string() +
                                                  " --out ...` again and review the new plan"));
    report_errors(errors, context.common, context.term);
    return false;
  }
  context.plan = std::move(saved.plan);
  return true;
}

int finish_empty(RunContext& context, const ApplyOptions& options) {
  std::optional<VerifyOutcome> verified;
  if (!options.no_verify) {
    verified = verify(context);
    if (!verified) return kExitError;
  }
  bool ok = !verified || verified->ok;
  if (context.json()) {
    nlohmann::json doc = {{"ok", ok}, {"plan", plans::plan_to_json(context.plan)}, {"results", nlohmann::json::array()}};
    if (verified) doc["verify"] = verified->json;
    std::cout << doc.dump(2) << std::endl;
  } else if (verified) {
    std::cout << "\n" << verified->text;
  }
  return ok ? kExitOk : kExitError;
}

int print_json_result(const RunContext& context, const ApplyReport& report,
                      const std::optional<VerifyOutcome>& verified) {
  const plans::Plan& plan = context.plan;
  bool ok = report.complete() && (!verified || verified->ok);
  nlohmann::json results = nlohmann::json::array();
  for (auto i : plan.order) {
    const auto& o = report.outcomes[i];
    nlohmann::json r = {{"id", plan.graph.action(i).id()}, {"status", to_string(o.status)}, {"attempts", o.attempts},
                        {"seconds", o.seconds}};
    if (o.error) r["error"] = error_to_json(*o.error);
    if (!o.skipped_because.empty()) r["skipped_because"] = o.skipped_because;
    results.push_back(r);
  }
  nlohmann::json doc = {{"ok", ok},
                        {"plan", plans::plan_to_json(plan)},
                        {"results", results},
                        {"summary", {{"done", report.done}, {"failed", report.failed}, {"skipped", report.skipped}}}};
  if (verified) doc["verify"] = verified->json;
  std::cout << doc.dump(2) << std::endl;
  return ok ? kExitOk : kExitError;
}

int print_text_result(const RunContext& context, const ApplyReport& report,
                      const std::optional<VerifyOutcome>& verified) {
  const plans::Plan& plan = context.plan;
  const Terminal& term = context.term;
  auto summary = plan.summary();
  std::cout << "\n";
  if (report.complete()) {
    std::cout << term.green("Apply complete: ") << report.done << " action(s) done, " << summary.restarts
              << " restart(s).\n";
    if (summary.manual_restarts) {
      std::cout << term.yellow(std::to_string(summary.manual_restarts) +
                               " restart(s) are pending for the operator (policy.restart = \"manual\"); the next "
                               "plan lists them until they are done.\n");
    }
    if (verified) std::cout << "\n" << verified->text;
    return !verified || verified->ok ? kExitOk : kExitError;
  }
  std::cout << term.red("Apply incomplete: ") << report.done << " done, " << report.failed << " failed, "
            << report.skipped << " skipped. The journal (" << Journal::path_in(context.site.state_dir).string()
            << ") records what was done; restarts owed by completed changes stay pending and the next plan shows "
               "them.\n";
  for (auto i : plan.order) {
    const auto& o = report.outcomes[i];
    const Action& a = plan.graph.action(i);
    if (o.status == ActionStatus::failed) std::cout << "  " << term.red("failed: ") << o.error->describe() << "\n";
    if (o.status == ActionStatus::skipped) {
      std::cout << "  " << term.yellow("skipped: ") << a.node << ": " << a.describe() << " (blocked by "
                << o.skipped_because << ")\n";
    }
  }
  return kExitError;
}

}  // namespace

int run_apply(const CommonOptions& given, const ApplyOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(given.no_color);
  CommonOptions common = given;
  std::optional<plans::SavedPlan> saved;
  if (std::filesystem::path(given.site).extension() == ".json") {
    saved = read_saved(given, term);
    if (!saved) return kExitError;
    common.site = saved->plan.site_file;
  }
  auto context = load(common, registry);
  if (!context) return kExitError;

  auto lock = StateLock::acquire(context->site.state_dir, "apply " + common.site);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }
  if (!refresh_and_plan(*context)) return kExitError;
  if (saved && !adopt_saved_plan(*context, *saved, given.site)) return kExitError;
  const plans::Plan& plan = context->plan;

  // Flushed now: progress lines go to stderr and must not overtake the plan they carry out.
  if (!context->json()) {
    std::cout << plans::render_text(plan, context->site, {.color = term.color})
              << render_findings(context->findings, context->site) << std::flush;
  }
  if (!pass_lint_gate(*context)) return kExitError;
  if (plan.empty()) return finish_empty(*context, options);
  if (!options.auto_approve) {
    if (!term.interactive || context->json()) {
      report_errors({Error(ErrorCode::cancelled,
                           "apply needs confirmation and no terminal is attached; review the plan "
                           "(trustctl plan), then run apply with --auto-approve")},
                    common, term);
      return kExitError;
    }
    if (!confirm()) {
      std::cout << "Apply cancelled; nothing was changed.\n";
      return kExitError;
    }
  }

  auto report = apply(*context, options, lock->id());
  if (!report) return kExitError;
  // Verification ends every complete apply: what the ports present now, and who trusts it.
  std::optional<VerifyOutcome> verified;
  if (report->complete() && !options.no_verify) {
    verified = verify(*context);
    if (!verified) return kExitError;
  }
  return context->json() ? print_json_result(*context, *report, verified)
                         : print_text_result(*context, *report, verified);
}

}  // namespace trustctl::cli
