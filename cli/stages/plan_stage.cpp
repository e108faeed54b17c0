#include "cli/stages/plan_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/stages/external_probe_lint.hpp"
#include "cli/stages/lint_gate.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "cli/stages/target_stage.hpp"
#include "engine/state/journal.hpp"
#include "plans/diff.hpp"
#include "providers/pki/lint/live_lint.hpp"

#include <set>
#include <tuple>

namespace trustctl::cli {

bool plan(RunContext& context) {
  const Site& site = context.site;
  auto journal = Journal::read(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, context.common, context.term);
    return false;
  }
  context.owed = pending_restarts(*journal);
  auto managed = ManagedRecord::load(site.state_dir);
  if (!managed) {
    report_errors({managed.error()}, context.common, context.term);
    return false;
  }
  context.managed = std::move(*managed);
  auto planned = plans::make_plan(site, context.live, context.registry, context.owed, &context.managed);
  if (!planned) {
    report_errors({planned.error()}, context.common, context.term);
    return false;
  }
  context.plan = std::move(*planned);
  if (!limit_to_target(context)) return false;
  context.findings = lint_plan(site, context.live, context.plan);
  // What is deployed (identities, trust entries integrations rely on): shown with the plan, failed by verify.
  auto deployed = pki::lint::findings_of(pki::lint::lint_live(site, context.live, context.registry));
  context.findings.insert(context.findings.end(), deployed.begin(), deployed.end());
  // TC010/TC004 need a handshake like Finesse's with each external host; refresh read their chains already, so a
  // host that does not answer now is a warning here, not a second error.
  auto externals = probe_external_clusters(site, context.parallelism());
  context.findings.insert(context.findings.end(), externals.findings.begin(), externals.findings.end());
  context.findings = pki::lint::deduplicate(std::move(context.findings));
  // The findings travel with the plan: every rendering and the saved plan carry them, each once.
  context.plan.lint.policy = site.policy.lint;
  context.plan.lint.blocks_apply = lint_blocks_apply(context.findings, site);
  // The site lint and the plan lint can find the same thing about one certificate under two subjects (the
  // certificate, and the certificate in its store): the same rule, message and fix is one finding, the first kept.
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& f : context.findings) {
    if (!seen.emplace(f.rule, f.message, f.fix).second) continue;
    context.plan.lint.findings.push_back(
        {f.rule, pki::lint::to_string(f.severity), f.subject, f.message, f.fix, f.deployed});
  }
  for (const auto& e : externals.unreachable) context.term.progress("warning: " + e.describe());
  return true;
}

namespace {

// The journal and the managed record, read before any node is contacted: a damaged one must stop the command
// there (plan reads them again after refresh, so it stays usable on its own).
bool state_files_readable(const RunContext& context) {
  auto journal = Journal::read(context.site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, context.common, context.term);
    return false;
  }
  auto managed = ManagedRecord::load(context.site.state_dir);
  if (!managed) {
    report_errors({managed.error()}, context.common, context.term);
    return false;
  }
  return true;
}

}  // namespace

bool refresh_and_plan(RunContext& context) {
  return state_files_readable(context) && refresh(context) && plan(context);
}

}  // namespace trustctl::cli
