// `trustctl apply SITE` (or a saved plan): load, lock, refresh, plan, show, lint gate, confirm, apply, verify.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/apply_stage.hpp"
#include "cli/stages/interruption.hpp"
#include "cli/stages/lint_gate.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/lock_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "cli/stages/target_stage.hpp"
#include "cli/stages/verify_stage.hpp"
#include "engine/base/deadline.hpp"
#include "engine/base/duration.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"
#include "plans/plan_compare.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"
#include "plans/render_text.hpp"

#include <poll.h>
#include <unistd.h>

#include <iostream>

namespace trustctl::cli {
namespace {

// Reads the answer without blocking a signal out: Ctrl+C at the prompt cancels (handlers restart reads).
bool confirm() {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  while (!InterruptGuard::reason()) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, 1, 200) <= 0) continue;
    char c = 0;
    if (::read(STDIN_FILENO, &c, 1) != 1 || c == '\n') break;
    answer += c;
  }
  return !InterruptGuard::reason() && answer == "yes";
}

// A plan saved by `plan --out`: the reviewed document and what it decodes to (the site file it names, resolved
// against the plan file's directory).
struct Reviewed {
  std::filesystem::path file;
  plans::PlanAsWritten written;
  plans::SavedPlan saved;
};

std::optional<Reviewed> read_reviewed(const CommonOptions& given, const Terminal& term,
                                      const ProviderLookup& providers) {
  plans::PlanAsWritten written;
  // Its certificates are only compared, never used: apply runs the plan it recomputes once the two documents are
  // proven identical (matches_reviewed), so none is decoded.
  auto saved =
      plans::read_saved_plan(given.site, providers.units(), &written, plans::CertificateDecoding::on_first_use);
  if (!saved) {
    report_errors({saved.error()}, given, term);
    return std::nullopt;
  }
  return Reviewed{given.site, std::move(written), std::move(*saved)};
}

// A saved plan runs only if it is exactly what would be planned now from the same site and the live state: the
// site file and every node as observed, and then every action, certificate, restart and ordering edge the same.
// Refused with the differences otherwise, before anything is written.
bool matches_reviewed(RunContext& context, const Reviewed& reviewed) {
  auto reasons = plans::stale_reasons(reviewed.saved.plan, context.site, context.plan.observed);
  // The same bytes as the file would be written now are the same document: the usual case, settled without building
  // and walking two trees (seconds for a fleet). Otherwise (edited, or only re-indented) the documents are compared.
  if (reasons.empty() &&
      plans::plan_file_text(context.plan, context.site, reviewed.file) != reviewed.written.text) {
    auto document = plans::plan_document_of(reviewed.written, reviewed.file);
    if (!document) {
      report_errors({document.error()}, context.common, context.term);
      return false;
    }
    reasons = plans::plan_differences(*document, plans::plan_to_file_json(context.plan, context.site, reviewed.file));
  }
  if (reasons.empty()) return true;
  std::vector<Error> errors;
  for (const auto& reason : reasons) errors.push_back(Error(ErrorCode::stale_plan, reason));
  errors.push_back(Error(ErrorCode::stale_plan,
                         reviewed.file.string() + " is stale: it is not what would be planned now, so it was not "
                         "applied and nothing was changed; run `trustctl plan " + context.site.file.string() +
                         " --out ...` again and review the new plan"));
  report_errors(errors, context.common, context.term);
  return false;
}

// Stopped by a signal before anything was written: the lock is released on the way out.
int interrupted_before_apply(const RunContext& context) {
  report_errors({Error(ErrorCode::cancelled, *InterruptGuard::reason() + " before any change: nothing was changed")},
                context.common, context.term);
  return InterruptGuard::exit_code();
}

int finish_empty(RunContext& context, const ApplyOptions& options) {
  std::optional<VerifyOutcome> verified;
  if (!options.no_verify) {
    verified = verify(context);
    if (!verified) return kExitError;
  }
  bool ok = !verified || verified->ok;
  if (context.jsonl()) {
    EventStream::summary({{"ok", ok}, {"done", 0}, {"failed", 0}, {"skipped", 0}, {"verified", verified.has_value()},
                          {"exit_code", ok ? kExitOk : kExitError}});
  } else if (context.json()) {
    nlohmann::json doc = {{"ok", ok}, {"plan", plans::plan_to_json(context.plan)}, {"results", nlohmann::json::array()}};
    if (verified) doc["verify"] = verified->json;
    print_json(doc);
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
                        {"summary",
                         {{"done", report.done},
                          {"failed", report.failed},
                          {"held_back", report.held_back},
                          {"skipped", report.skipped}}}};
  if (!report.interrupted_by.empty()) doc["summary"]["interrupted_by"] = report.interrupted_by;
  if (verified) doc["verify"] = verified->json;
  print_json(doc);
  if (!report.interrupted_by.empty()) return InterruptGuard::exit_code();
  return ok ? kExitOk : kExitError;
}

// --format jsonl: the actions were streamed as they ran; the summary closes the stream.
int print_jsonl_result(const ApplyReport& report, const std::optional<VerifyOutcome>& verified) {
  bool ok = report.complete() && (!verified || verified->ok);
  int code = !report.interrupted_by.empty() ? InterruptGuard::exit_code() : ok ? kExitOk : kExitError;
  nlohmann::json summary = {{"ok", ok},
                            {"done", report.done},
                            {"failed", report.failed},
                            {"held_back", report.held_back},
                            {"skipped", report.skipped},
                            {"verified", verified.has_value()},
                            {"exit_code", code}};
  if (verified) summary["verify_ok"] = verified->ok;
  if (!report.interrupted_by.empty()) summary["interrupted_by"] = report.interrupted_by;
  EventStream::summary(summary);
  return code;
}

int print_text_result(const RunContext& context, const ApplyReport& report,
                      const std::optional<VerifyOutcome>& verified) {
  const plans::Plan& plan = context.plan;
  const Terminal& term = context.term;
  auto summary = plan.summary();
  std::cout << "\n";
  if (!report.interrupted_by.empty()) {
    std::cout << term.red("Apply " + report.interrupted_by + ": ") << report.done << " done, " << report.failed
              << " failed, " << report.skipped << " not started. The journal ("
              << Journal::path_in(context.site.state_dir).string()
              << ") records what was done and every restart still owed; the next plan shows them and the next apply "
                 "carries them out.\n";
    return InterruptGuard::exit_code();
  }
  if (report.complete()) {
    std::cout << term.green("Apply complete: ") << report.done << " action(s) done, " << summary.restarts
              << " restart(s).\n";
    if (summary.manual_restarts) {
      std::cout << term.yellow(std::to_string(summary.manual_restarts) +
                               " restart(s) are pending for the operator (policy.restart = \"manual\"); the next "
                               "plan lists them until they are done, and verify fails until then.\n");
    }
    if (verified) std::cout << "\n" << verified->text;
    return !verified || verified->ok ? kExitOk : kExitError;
  }
  std::cout << term.red("Apply incomplete: ") << report.done << " done, " << report.failed << " failed, "
            << (report.held_back ? std::to_string(report.held_back) + " held back by --deadline, " : "")
            << report.skipped << " skipped. The journal (" << Journal::path_in(context.site.state_dir).string()
            << ") records what was done; restarts owed by completed changes stay pending and the next plan shows "
               "them.\n";
  for (auto i : plan.order) {
    const auto& o = report.outcomes[i];
    const Action& a = plan.graph.action(i);
    if (o.status == ActionStatus::failed) {
      const bool owed = a.restarts() && o.error->code == ErrorCode::cancelled;
      std::cout << "  " << (owed ? term.yellow("held back: ") : term.red("failed: ")) << o.error->describe() << "\n";
    }
    if (o.status == ActionStatus::skipped) {
      std::cout << "  " << term.yellow("skipped: ") << a.node << ": " << a.describe() << " (blocked by "
                << o.skipped_because << ")\n";
    }
  }
  return kExitError;
}

}  // namespace

int run_apply(const CommonOptions& given, const ApplyOptions& asked, const providers::Registry& registry) {
  InterruptGuard interruptions;
  Terminal term = Terminal::detect(given.no_color);
  CommonOptions common = given;
  ApplyOptions options = asked;
  // The deadline is read before anything is contacted: a typo must not surface after the writes.
  if (!options.deadline.empty()) {
    auto at = parse_deadline(options.deadline, WallClock::now(), "--deadline");
    if (!at) {
      report_errors({at.error()}, common, term);
      return kExitError;
    }
    options.deadline_at = *at;
  }
  // `apply FILE`: a saved plan is recognised by its content, whatever its name (tfplan, plan.out, plan.json).
  std::optional<Reviewed> reviewed;
  if (plans::looks_like_plan_file(given.site)) {
    reviewed = read_reviewed(given, term, registry);
    if (!reviewed) return kExitError;
    common.site = reviewed->saved.plan.site_file;
    // A saved plan carries its own target: it is recomputed with exactly that one, never another.
    if (given.target.any()) {
      report_errors({Error(ErrorCode::invalid_site,
                           "--cluster/--node/--exclude-* cannot be given with a saved plan: " + given.site +
                               " was planned with its own target and is applied with it; plan again with the "
                               "target you want")},
                    given, term);
      return kExitError;
    }
    common.target = target_options(reviewed->saved.plan.target);
  }
  auto context = load(common, registry);
  if (!context) return kExitError;

  // Checked when the command line was parsed (command_table.cpp), so it parses here.
  auto wait = parse_duration(options.lock_timeout, "--lock-timeout").value_or(std::chrono::milliseconds(0));
  auto lock = acquire_state_lock(context->site.state_dir, "apply " + common.site, wait, options.lock_timeout, term);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }
  if (!refresh_and_plan(*context)) return kExitError;
  if (InterruptGuard::reason()) return interrupted_before_apply(*context);
  if (reviewed && !matches_reviewed(*context, *reviewed)) return kExitError;
  const plans::Plan& plan = context->plan;

  // Flushed now: progress lines go to stderr and must not overtake the plan they carry out.
  if (!context->machine()) std::cout << plans::render_text(plan, context->site, {.color = term.color}) << std::flush;
  EventStream::emit({{"type", "plan"}, {"plan", plans::plan_to_json(plan)}});
  if (!pass_lint_gate(*context)) return kExitError;
  if (plan.empty()) return finish_empty(*context, options);
  // Reviewing a saved plan was the approval: applying it asks nothing more.
  if (!options.auto_approve && !reviewed) {
    if (!term.interactive || context->machine()) {
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

  if (InterruptGuard::reason()) return interrupted_before_apply(*context);
  auto report = apply(*context, options, lock->id());
  if (!report) return kExitError;
  // Verification ends every complete apply: what the ports present now, and who trusts it.
  std::optional<VerifyOutcome> verified;
  if (report->complete() && !options.no_verify && !InterruptGuard::reason()) {
    verified = verify(*context);
    if (!verified) return kExitError;
  }
  if (context->jsonl()) return print_jsonl_result(*report, verified);
  return context->json() ? print_json_result(*context, *report, verified)
                         : print_text_result(*context, *report, verified);
}

}  // namespace trustctl::cli
