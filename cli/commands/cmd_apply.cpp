#include "cli/commands/commands.hpp"
#include "cli/stages/pipeline.hpp"
#include "cli/stages/lint_gate.hpp"
#include "cli/output/progress_display.hpp"
#include "cli/stages/verify_stage.hpp"
#include "engine/exec/executor.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"
#include "plans/plan_file.hpp"
#include "plans/render_json.hpp"
#include "plans/render_text.hpp"
#include "providers/vos/vos_action_runner.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <set>

namespace trustctl::cli {
namespace {

// Journals every action before and after it runs, owes each node's restarts as soon as a change on it is made, and
// shows progress (none with --format json). A journal that cannot be written stops further actions (see
// JournaledRunner).
class ApplyObserver final : public ExecObserver {
 public:
  ApplyObserver(Journal& journal, const plans::Plan& plan, const std::string& apply_id, ProgressDisplay* progress,
                ManagedRecord& managed, std::filesystem::path state_dir)
      : m_journal(journal), m_plan(plan), m_apply_id(apply_id), m_progress(progress), m_managed(managed),
        m_state_dir(std::move(state_dir)) {}

  bool broken() const { return m_broken; }
  const std::optional<Error>& journal_error() const { return m_error; }

  void started(ActionGraph::Index, const Action& action, int attempt) override {
    write({{"event", "action-start"}, {"attempt", attempt}}, action);
    if (m_progress) m_progress->started(action, attempt);
  }

  void finished(ActionGraph::Index, const Action& action, const ActionOutcome& outcome) override {
    nlohmann::json record = {{"event", std::string("action-") + to_string(outcome.status)},
                             {"attempts", outcome.attempts},
                             {"seconds", outcome.seconds}};
    if (outcome.error) record["error"] = outcome.error->describe();
    if (!outcome.skipped_because.empty()) record["skipped_because"] = outcome.skipped_because;
    write(record, action);
    if (outcome.status == ActionStatus::done && action.kind != ActionKind::restart_service) {
      owe_restarts(action);
      remember(action);
    }
    if (m_progress) m_progress->finished(action, outcome);
  }

 private:
  // A change owes the restarts of its own node, and, when it was written on a publisher for replication, those of
  // every subscriber it will reach: replication changes the subscriber even if trustctl dies before its wait ends,
  // and the next plan would then see nothing to do there.
  void owe_restarts(const Action& change) {
    std::set<std::string> nodes = {change.node};
    if (change.kind == ActionKind::upload_trust && change.certificate) {
      for (const auto& a : m_plan.graph.actions()) {
        if (a.kind == ActionKind::wait_replication && a.source_node == change.node && a.certificate &&
            *a.certificate == *change.certificate) {
          nodes.insert(a.node);
        }
      }
    }
    auto owe = [&](const Action& restart) {
      if (!nodes.count(restart.node) || !m_owed.insert({restart.node, restart.service}).second) return;
      write({{"event", "restart-owed"}, {"service", restart.service}, {"owed_by", change.id()}}, restart);
    };
    for (const auto& a : m_plan.graph.actions()) {
      if (a.kind == ActionKind::restart_service) owe(a);
    }
    for (const auto& a : m_plan.manual_restarts) owe(a);
  }

  // Keeps the record of what trustctl added (policy.prune removes only those).
  void remember(const Action& action) {
    if (!action.certificate) return;
    const std::string& fp = action.certificate->fingerprint();
    if (action.kind == ActionKind::delete_trust) {
      m_managed.remove(action.node, action.store, fp);
    } else {
      m_managed.add(action.node, action.store, fp);
    }
    if (auto ok = m_managed.save(m_state_dir); !ok && !m_broken) {
      m_broken = true;
      m_error = ok.error();
    }
  }

  void write(nlohmann::json record, const Action& action) {
    record["apply"] = m_apply_id;
    record["action"] = action.id();
    record["kind"] = to_string(action.kind);
    record["node"] = action.node;
    if (!action.service.empty()) record["service"] = action.service;
    if (action.certificate) record["fingerprint_sha256"] = action.certificate->fingerprint();
    if (auto ok = m_journal.append(std::move(record)); !ok && !m_broken) {
      m_broken = true;
      m_error = ok.error();
    }
  }

  Journal& m_journal;
  const plans::Plan& m_plan;
  std::string m_apply_id;
  ProgressDisplay* m_progress;  // null: no progress
  bool m_broken = false;
  std::optional<Error> m_error;
  std::set<std::pair<std::string, std::string>> m_owed;
  ManagedRecord& m_managed;
  std::filesystem::path m_state_dir;
};

// Refuses to start an action once the journal cannot be written: work that is not recorded could lose a restart.
class JournaledRunner final : public ActionRunner {
 public:
  JournaledRunner(ActionRunner& inner, const ApplyObserver& observer) : m_inner(inner), m_observer(observer) {}
  Result<void> run(const Action& action) override {
    if (m_observer.broken()) {
      return fail(Error(ErrorCode::journal, "not started: the journal cannot be written (" +
                                                m_observer.journal_error()->message + ")")
                      .on(action.node, action.describe()));
    }
    return m_inner.run(action);
  }

 private:
  ActionRunner& m_inner;
  const ApplyObserver& m_observer;
};

bool confirm(const Terminal& term) {
  std::cout << "\nDo you want to perform these actions? Only 'yes' will be accepted: " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  (void)term;
  return answer == "yes";
}

}  // namespace

int run_apply(const CommonOptions& given, const ApplyOptions& options) {
  Terminal term = Terminal::detect(given.no_color);
  bool json = given.format == "json";
  // `apply PLAN.json`: carry out exactly the reviewed plan, on the site file it was made from, if nothing changed.
  CommonOptions common = given;
  std::optional<plans::SavedPlan> saved;
  if (std::filesystem::path(given.site).extension() == ".json") {
    auto read = plans::read_saved_plan(given.site);
    if (!read) {
      report_errors({read.error()}, given, term);
      return kExitError;
    }
    saved = std::move(*read);
    common.site = saved->plan.site_file;
  }
  auto site = load_site(common, term);
  if (!site) return kExitError;

  auto lock = StateLock::acquire(site->state_dir, "apply " + common.site);
  if (!lock) {
    report_errors({lock.error()}, common, term);
    return kExitError;
  }

  auto registry = providers::make_registry();
  auto context = refresh_and_plan(*site, registry, common, term);
  if (!context) return kExitError;
  if (saved) {
    auto reasons = plans::stale_reasons(saved->plan, *site, context->plan.observed);
    if (!reasons.empty()) {
      std::vector<Error> errors;
      for (const auto& reason : reasons) errors.push_back(Error(ErrorCode::stale_plan, reason));
      errors.push_back(Error(ErrorCode::stale_plan, given.site + " is stale, so it was not applied and nothing was "
                                                    "changed; run `trustctl plan " + site->file.string() +
                                                    " --out ...` again and review the new plan"));
      report_errors(errors, common, term);
      return kExitError;
    }
    context->plan = std::move(saved->plan);
  }
  const plans::Plan& plan = context->plan;

  // Flushed now: progress lines go to stderr and must not overtake the plan they carry out.
  if (!json) {
    std::cout << plans::render_text(plan, *site, {.color = term.color}) << render_findings(context->findings, *site)
              << std::flush;
  }
  // The lint gate: error findings stop apply before anything is touched.
  if (lint_blocks_apply(context->findings, *site)) {
    std::vector<Error> errors;
    for (const auto& f : context->findings) {
      if (f.severity == pki::lint::Severity::error) {
        errors.push_back(Error(ErrorCode::invalid_site, pki::lint::headline(f) + " (fix: " + f.fix + ")"));
      }
    }
    errors.push_back(Error(ErrorCode::invalid_site,
                           "lint errors block apply (policy.lint = \"error\"); nothing was changed. Fix them, or set "
                           "policy.lint = \"warn\" to apply anyway"));
    report_errors(errors, common, term);
    return kExitError;
  }
  if (plan.empty()) {
    std::optional<VerifyOutcome> verified;
    if (!options.no_verify) {
      verified = verify_site(*site, *context->pool, registry, common, term);
      if (!verified) return kExitError;
    }
    bool ok = !verified || verified->ok;
    if (json) {
      nlohmann::json doc = {{"ok", ok}, {"plan", plans::plan_to_json(plan)}, {"results", nlohmann::json::array()}};
      if (verified) doc["verify"] = verified->json;
      std::cout << doc.dump(2) << std::endl;
    } else if (verified) {
      std::cout << "\n" << verified->text;
    }
    return ok ? kExitOk : kExitError;
  }
  if (!options.auto_approve) {
    if (!term.interactive || json) {
      report_errors({Error(ErrorCode::cancelled,
                           "apply needs confirmation and no terminal is attached; review the plan "
                           "(trustctl plan), then run apply with --auto-approve")},
                    common, term);
      return kExitError;
    }
    if (!confirm(term)) {
      std::cout << "Apply cancelled; nothing was changed.\n";
      return kExitError;
    }
  }

  auto journal = Journal::open(site->state_dir);
  if (!journal) {
    report_errors({journal.error()}, common, term);
    return kExitError;
  }
  std::string apply_id = lock->id();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  auto summary = plan.summary();
  if (auto ok = journal->append({{"event", "apply-start"},
                                 {"apply", apply_id},
                                 {"user", current_user()},
                                 {"host", host},
                                 {"site", site->name},
                                 {"site_file", site->file.string()},
                                 {"site_digest", site->file_digest},
                                 {"actions", plan.graph.size()},
                                 {"restarts", summary.restarts}});
      !ok) {
    report_errors({ok.error()}, common, term);
    return kExitError;
  }

  providers::VosActionRunner real(*site, *context->pool);
  std::unique_ptr<ProgressDisplay> progress = json ? nullptr : ProgressDisplay::for_stderr(term, plan.graph.size());
  ApplyObserver observer(*journal, plan, apply_id, progress.get(), context->managed, site->state_dir);
  JournaledRunner runner(real, observer);
  ExecOptions exec;
  exec.parallelism = effective_parallelism(*site, common);
  exec.fail_fast = options.fail_fast;
  auto outcomes = execute(plan.graph, runner, exec, observer);
  if (progress) progress->close();  // the summary stays on screen; verify and the result follow below it

  int done = 0, failed = 0, skipped = 0;
  for (const auto& o : outcomes) {
    done += o.status == ActionStatus::done;
    failed += o.status == ActionStatus::failed;
    skipped += o.status == ActionStatus::skipped;
  }
  (void)journal->append({{"event", "apply-end"}, {"apply", apply_id}, {"done", done}, {"failed", failed}, {"skipped", skipped}});

  // Verification ends every complete apply: what the ports present now, and who trusts it.
  std::optional<VerifyOutcome> verified;
  if (failed + skipped == 0 && !options.no_verify) {
    verified = verify_site(*site, *context->pool, registry, common, term);
    if (!verified) return kExitError;
  }
  bool verify_ok = !verified || verified->ok;

  if (json) {
    nlohmann::json results = nlohmann::json::array();
    for (auto i : plan.order) {
      const auto& o = outcomes[i];
      nlohmann::json r = {{"id", plan.graph.action(i).id()}, {"status", to_string(o.status)}, {"attempts", o.attempts},
                          {"seconds", o.seconds}};
      if (o.error) r["error"] = error_to_json(*o.error);
      if (!o.skipped_because.empty()) r["skipped_because"] = o.skipped_because;
      results.push_back(r);
    }
    nlohmann::json doc = {{"ok", failed + skipped == 0 && verify_ok},
                          {"plan", plans::plan_to_json(plan)},
                          {"results", results},
                          {"summary", {{"done", done}, {"failed", failed}, {"skipped", skipped}}}};
    if (verified) doc["verify"] = verified->json;
    std::cout << doc.dump(2) << std::endl;
    return failed + skipped == 0 && verify_ok ? kExitOk : kExitError;
  }

  std::cout << "\n";
  if (failed + skipped == 0) {
    std::cout << term.green("Apply complete: ") << done << " action(s) done, " << summary.restarts << " restart(s).\n";
    if (summary.manual_restarts) {
      std::cout << term.yellow(std::to_string(summary.manual_restarts) +
                               " restart(s) are pending for the operator (policy.restart = \"manual\"); the next "
                               "plan lists them until they are done.\n");
    }
    if (verified) std::cout << "\n" << verified->text;
    return verify_ok ? kExitOk : kExitError;
  }
  std::cout << term.red("Apply incomplete: ") << done << " done, " << failed << " failed, " << skipped
            << " skipped. The journal (" << Journal::path_in(site->state_dir).string()
            << ") records what was done; restarts owed by completed changes stay pending and the next plan shows "
               "them.\n";
  for (auto i : plan.order) {
    const auto& o = outcomes[i];
    const Action& a = plan.graph.action(i);
    if (o.status == ActionStatus::failed) std::cout << "  " << term.red("failed: ") << o.error->describe() << "\n";
    if (o.status == ActionStatus::skipped) {
      std::cout << "  " << term.yellow("skipped: ") << a.node << ": " << a.describe() << " (blocked by "
                << o.skipped_because << ")\n";
    }
  }
  return kExitError;
}

}  // namespace trustctl::cli
