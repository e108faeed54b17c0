// trustctl: puts Cisco contact-center appliances into the certificate-trust state a site file describes.

#include "engine/cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

using namespace trustctl::cli;

int main(int argc, char** argv) {
  // A peer that closes its socket must surface as an error on that node, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"trustctl: declarative certificate trust for Cisco contact-center (VOS) appliances"};
  app.set_version_flag("--version", "trustctl " TRUSTCTL_VERSION);
  app.require_subcommand(1);

  CommonOptions common;
  PlanOptions plan_options;
  ApplyOptions apply_options;
  std::string unlock_id;

  auto add_common = [&](CLI::App* cmd, bool connects) {
    cmd->add_option("site", common.site, "the site file (TOML)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--format", common.format, "output format")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--no-color", common.no_color, "never colour the output (NO_COLOR is honoured too)");
    if (connects) {
      cmd->add_flag("--trust-on-first-use", common.trust_on_first_use,
                    "record unknown SSH host keys instead of refusing them");
      cmd->add_option("--parallelism", common.parallelism, "nodes worked on at once (default: the site's setting)")
          ->check(CLI::Range(1, 1000));
    }
  };

  auto* validate = app.add_subcommand("validate", "check a site file and report every problem with file:line:col");
  add_common(validate, false);

  auto* plan = app.add_subcommand("plan", "read every node and show what apply would change, and why");
  add_common(plan, true);
  plan->add_flag("--detailed-exitcode", plan_options.detailed_exitcode,
                 "exit 0 when there is nothing to do, 2 when there are changes, 1 on error");

  auto* apply = app.add_subcommand("apply", "carry out the plan: uploads in order, restarts last");
  add_common(apply, true);
  apply->add_flag("--auto-approve", apply_options.auto_approve, "do not ask for confirmation (pipelines)");
  apply->add_flag("--fail-fast", apply_options.fail_fast, "stop starting new actions after the first failure");

  auto* unlock = app.add_subcommand("unlock", "remove a stale apply lock, by the id the refusal message named");
  add_common(unlock, false);
  unlock->add_option("--id", unlock_id, "the lock id")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }

  if (validate->parsed()) return run_validate(common);
  if (plan->parsed()) return run_plan(common, plan_options);
  if (apply->parsed()) return run_apply(common, apply_options);
  if (unlock->parsed()) return run_unlock(common, unlock_id);
  return kExitError;
}
