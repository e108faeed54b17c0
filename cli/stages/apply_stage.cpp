#include "cli/stages/apply_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/output/progress_display.hpp"
#include "cli/stages/interruption.hpp"
#include "engine/exec/journaled_run.hpp"
#include "engine/state/apply_records.hpp"
#include "engine/state/journal.hpp"
#include "providers/vos/vos_action_runner.hpp"

#include <unistd.h>

#include <memory>
#include <set>

namespace trustctl::cli {
namespace {

// Progress on stderr and the jsonl stream follow the executor's events after the journal has recorded them.
class ProgressObserver final : public ExecObserver {
 public:
  explicit ProgressObserver(ProgressDisplay* display) : m_display(display) {}
  void started(ActionGraph::Index, const Action& action, int attempt) override {
    if (m_display) m_display->started(action, attempt);
    if (!EventStream::active()) return;
    // A restart wave: the first restart on a node takes its services down, one node of a cluster at a time.
    if (action.kind == ActionKind::restart_service && m_restarting.insert(action.node).second) {
      EventStream::emit({{"type", "restart_wave"}, {"node", action.node}, {"cluster", action.cluster}});
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
  }

 private:
  ProgressDisplay* m_display;
  std::set<std::string> m_restarting;  // the executor serialises observer calls
};

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
  JournaledRun run(*journal, apply_id, real, context.managed, site.state_dir, &shown);
  ExecOptions exec;
  exec.parallelism = context.parallelism();
  exec.fail_fast = options.fail_fast;
  exec.interrupted = [] { return InterruptGuard::reason(); };
  ApplyReport report;
  report.outcomes = execute(plan.graph, run, exec, run);
  if (progress) progress->close();  // the summary stays on screen; verify and the result follow below it

  for (const auto& o : report.outcomes) {
    report.done += o.status == ActionStatus::done;
    report.failed += o.status == ActionStatus::failed;
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
