#include "cli/stages/apply_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/output/progress_display.hpp"
#include "cli/stages/deadline_runner.hpp"
#include "cli/stages/interruption.hpp"
#include "engine/exec/journaled_run.hpp"
#include "engine/state/apply_records.hpp"
#include "engine/state/journal.hpp"
#include "plans/estimate.hpp"
#include "providers/vos/vos_action_runner.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <set>

namespace trustctl::cli {
namespace {

// A restart apply --deadline did not start (DeadlineRunner refuses with `cancelled`): owed, not failed.
bool held_back(const Action& action, const ActionOutcome& outcome) {
  return action.restarts() && outcome.status == ActionStatus::failed && outcome.error &&
         outcome.error->code == ErrorCode::cancelled;
}

// Progress on stderr and the jsonl stream follow the executor's events after the journal has recorded them.
class ProgressObserver final : public ExecObserver {
 public:
  explicit ProgressObserver(ProgressDisplay* display) : m_display(display) {}
  void started(ActionGraph::Index, const Action& action, int attempt) override {
    if (m_display) m_display->started(action, attempt);
    if (!EventStream::active()) return;
    // A restart wave: the first restart on a node takes its services down, one node of a cluster at a time.
    if (action.restarts() && m_restarting.insert(action.node).second) {
      EventStream::emit({{"type", "restart_wave"}, {"event", "started"}, {"node", action.node},
                         {"cluster", action.cluster}});
    }
    EventStream::emit({{"type", "action"}, {"event", "started"}, {"id", action.id()}, {"node", action.node},
                       {"kind", to_string(action.kind)}, {"attempt", attempt}, {"description", action.describe()}});
  }
  void finished(ActionGraph::Index, const Action& action, const ActionOutcome& outcome) override {
    if (m_display) m_display->finished(action, outcome);
    if (!EventStream::active()) return;
    nlohmann::json event = {{"type", "action"},           {"event", to_string(outcome.status)},
                            {"id", action.id()},          {"node", action.node},
                            {"kind", to_string(action.kind)}, {"attempts", outcome.attempts},
                            {"seconds", outcome.seconds}};
    if (outcome.error) event["error"] = error_to_json(*outcome.error);
    if (!outcome.skipped_because.empty()) event["skipped_because"] = outcome.skipped_because;
    EventStream::emit(event);
    // apply --deadline refused the node's wave before anything was sent: its restarts stay owed.
    if (held_back(action, outcome) && m_held_back.insert(action.node).second) {
      EventStream::emit({{"type", "restart_wave"}, {"event", "held_back"}, {"node", action.node},
                         {"cluster", action.cluster}, {"error", error_to_json(*outcome.error)}});
    }
  }

 private:
  ProgressDisplay* m_display;
  std::set<std::string> m_restarting;  // the executor serialises observer calls
  std::set<std::string> m_held_back;
};

// --deadline refused waves: which restarts stay owed (the refused nodes' and those rolling after them), why, and what
// to run next.
void report_refused_waves(const RunContext& context, const ApplyOptions& options, const DeadlineRunner& deadline,
                          const std::vector<ActionOutcome>& outcomes) {
  const auto refused = deadline.refused();
  if (refused.empty()) return;
  const plans::Plan& plan = context.plan;
  std::string why;
  for (const auto& wave : refused) {
    why += (why.empty() ? "" : "; ") + wave.node + " needs about " + plans::format_duration(wave.needs_s) + ", " +
           plans::format_duration(wave.left_s) + " were left";
  }
  std::string owed;
  for (auto i : plan.order) {
    const Action& a = plan.graph.action(i);
    if (!a.restarts() || outcomes[i].status == ActionStatus::done) continue;  // a restart not done stays owed
    owed += (owed.empty() ? "" : ", ") + a.node + " " + (a.kind == ActionKind::restart_system ? "system restart" : a.service);
  }
  const std::string site = context.site.file.string();
  // On stderr in every format: with --format json, stdout carries the one result document.
  const Error held_back(ErrorCode::cancelled,
                        "--deadline " + options.deadline + ": restart waves not started, as they would end after the "
                        "deadline (" + why + "). Left owed in the journal: " + owed + ". `trustctl plan " + site +
                        "` lists them as owed by an earlier apply; run `trustctl apply " + site +
                        "` in a change window long enough for them (the plan's estimate says how long)");
  std::cerr << context.term.red("error: ") << held_back.describe() << "\n";
}

}  // namespace

std::optional<ApplyReport> apply(RunContext& context, const ApplyOptions& options, const std::string& apply_id) {
  const Site& site = context.site;
  const plans::Plan& plan = context.plan;
  auto journal = Journal::open(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, context.common, context.term);
    return std::nullopt;
  }
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  auto started = journal->append(records::apply_start({.apply_id = apply_id,
                                                       .user = current_user(),
                                                       .host = host,
                                                       .site = site.name,
                                                       .site_file = site.file.string(),
                                                       .site_digest = site.file_digest,
                                                       .actions = plan.graph.size(),
                                                       .restarts = plan.summary().restarts}));
  if (!started) {
    report_errors({started.error()}, context.common, context.term);
    return std::nullopt;
  }

  providers::VosActionRunner real(site, context.registry, *context.pool);
  // Progress stays on stderr in every format: stdout carries the JSON document or the jsonl stream.
  std::unique_ptr<ProgressDisplay> progress = ProgressDisplay::for_stderr(context.term, plan.graph.size());
  ProgressObserver shown(progress.get());
  // --deadline: between the journal and the appliance, so a refused restart is journaled as not done and stays owed.
  std::optional<DeadlineRunner> deadline;
  if (options.deadline_at) deadline.emplace(real, plan, *options.deadline_at);
  ActionRunner& runner = deadline ? static_cast<ActionRunner&>(*deadline) : real;
  JournaledRun run(*journal, apply_id, runner, context.managed, site.state_dir, &shown);
  ExecOptions exec;
  exec.parallelism = context.parallelism();
  exec.fail_fast = options.fail_fast;
  exec.interrupted = [] { return InterruptGuard::reason(); };
  ApplyReport report;
  report.outcomes = execute(plan.graph, run, exec, run);
  if (progress) progress->close();  // the summary stays on screen; verify and the result follow below it
  if (deadline) report_refused_waves(context, options, *deadline, report.outcomes);

  for (ActionGraph::Index i = 0; i < report.outcomes.size(); ++i) {
    const ActionOutcome& o = report.outcomes[i];
    const bool owed = deadline && held_back(plan.graph.action(i), o);
    report.done += o.status == ActionStatus::done;
    report.failed += o.status == ActionStatus::failed && !owed;
    report.held_back += owed;
    report.skipped += o.status == ActionStatus::skipped;
  }
  report.interrupted_by = InterruptGuard::reason().value_or("");
  (void)journal->append(records::apply_end({.apply_id = apply_id,
                                            .done = report.done,
                                            .failed = report.failed,
                                            .skipped = report.skipped,
                                            .interrupted_by = report.interrupted_by}));
  return report;
}

}  // namespace trustctl::cli
