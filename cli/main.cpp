// trustctl: puts Cisco contact-center appliances into the certificate-trust state a site file describes.

#include "cli/commands/commands.hpp"

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
  GraphOptions graph_options;
  ApplyOptions apply_options;
  std::string unlock_id;
  LintOptions lint_options;
  ProbeOptions probe_options;

  auto add_common = [&](CLI::App* cmd, bool connects, std::vector<std::string> formats = {"text", "json"}) {
    cmd->add_option("site", common.site, "the site file (TOML)")->required()->check(CLI::ExistingFile);
    // An empty list: the command has a --format of its own (bundle: pem|p7b).
    if (!formats.empty()) cmd->add_option("--format", common.format, "output format")->check(CLI::IsMember(formats));
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
  add_common(plan, true, {"text", "json", "markdown"});
  plan->add_flag("--detailed-exitcode", plan_options.detailed_exitcode,
                 "exit 0 when there is nothing to do, 2 when there are changes, 1 on error");
  auto* plan_from = plan->add_option("--from", plan_options.from,
                                     "render a plan saved with --out again (no connection; SITE optional: given, it "
                                     "warns when the site file changed since)")
                        ->check(CLI::ExistingFile);
  plan->add_option("--out", plan_options.out, "also save the plan, bound to the site file and the observed state")
      ->excludes(plan_from);
  plan->get_option("site")->required(false);  // run_plan requires it unless --from is given

  auto* graph = app.add_subcommand("graph", "refresh and plan like `plan`, then print the action graph as Graphviz DOT");
  add_common(graph, true, {"dot"});
  graph->add_option("--out", graph_options.out, "write the DOT to FILE instead of standard output");
  graph->add_option("--from", graph_options.from, "draw a plan saved with `plan --out` (no connection)")
      ->check(CLI::ExistingFile);
  graph->get_option("site")->required(false);  // run_graph requires it unless --from is given

  auto* apply = app.add_subcommand(
      "apply", "carry out the plan: uploads in order, restarts last (SITE, or PLAN.json saved by plan --out: applied "
               "only if the site and every node are as the plan observed)");
  add_common(apply, true);
  apply->add_flag("--auto-approve", apply_options.auto_approve, "do not ask for confirmation (pipelines)");
  apply->add_flag("--fail-fast", apply_options.fail_fast, "stop starting new actions after the first failure");
  apply->add_flag("--no-verify", apply_options.no_verify, "skip the TLS verification that ends every apply");

  auto* unlock = app.add_subcommand("unlock", "remove a stale apply lock, by the id the refusal message named");
  add_common(unlock, false);
  unlock->add_option("--id", unlock_id, "the lock id")->required();

  auto* verify = app.add_subcommand("verify", "handshake every service port; check identities and who trusts them");
  add_common(verify, true);

  ExpiryOptions expiry_options;
  auto* expiry = app.add_subcommand("expiry", "every identity and trust certificate on every node, soonest expiry first");
  add_common(expiry, true);
  expiry->add_option("--within", expiry_options.within,
                     "exit 2 when anything expires or is due for renewal within DAYS (monitoring)")
      ->check(CLI::Range(0, 36500));

  BundleOptions bundle_options;
  auto* bundle = app.add_subcommand("bundle", "write what agent and admin browsers must trust, with a manifest");
  add_common(bundle, true, {});
  bundle->add_option("--format", bundle_options.format, "pem or p7b (PKCS#7, for group policy)")
      ->check(CLI::IsMember({"pem", "p7b"}));
  bundle->add_option("--out", bundle_options.out, "the bundle file (FILE.manifest.json is written beside it)")
      ->required();

  auto* show = app.add_subcommand("show", "every node's identities, trust entries (managed? wanted?) and what each "
                                          "service port presents, read live");
  add_common(show, true);

  CsrOptions csr_options;
  auto* csr = app.add_subcommand("csr", "export every CSR an outside CA must sign (identities whose issuer has a "
                                        "signed_dir); signed certificates placed there are picked up by plan");
  add_common(csr, true);
  csr->add_option("--out", csr_options.out, "the directory the CSR files are written to (FQDN.UNIT.csr)")->required();
  csr->add_flag("--regenerate", csr_options.regenerate,
                "make new CSRs even where a fitting one is pending (orphans what the CA is signing)");

  auto* journal = app.add_subcommand("journal", "list past applies: who, when, what was done, restarts still owed");
  add_common(journal, false);

  CaInitOptions ca_options;
  auto* ca = app.add_subcommand("ca", "lab certificate authorities");
  ca->require_subcommand(1);
  auto* ca_init = ca->add_subcommand("init", "make a lab CA (certificate + key file, mode 0600) for local signing");
  ca_init->add_option("--name", ca_options.name, "CA name (files NAME.pem and NAME.key)");
  ca_init->add_option("--out-dir", ca_options.out_dir, "where to write the files");
  ca_init->add_option("--cn", ca_options.common_name, "subject common name (default: the name)");
  ca_init->add_option("--key", ca_options.key, "key type")
      ->check(CLI::IsMember({"rsa-2048", "rsa-3072", "rsa-4096", "ec-256", "ec-384"}));
  ca_init->add_option("--days", ca_options.days, "validity in days")->check(CLI::Range(1, 36500));

  auto* lint = app.add_subcommand("lint", "check a certificate (or every certificate a site references) against the "
                                          "rules the appliances and their peers enforce; a site's external hosts are "
                                          "probed as Finesse would (TC010, TC004), nothing else is contacted");
  lint->add_option("files", lint_options.files, "CERT.pem [CHAIN.pem ...], or a site file")
      ->required()
      ->check(CLI::ExistingFile);
  lint->add_option("--product", lint_options.product, "the product it is for (required with a certificate)")
      ->check(CLI::IsMember({"uccx", "finesse", "cuic", "socialminer", "mediasense", "cucm", "external"}));
  lint->add_option("--unit", lint_options.unit, "where it goes (default tomcat)")
      ->check(CLI::IsMember({"tomcat", "tomcat-ECDSA", "tomcat-trust"}));
  lint->add_option("--fqdn", lint_options.fqdn, "the node's FQDN, which the identity must name");
  lint->add_option("--cluster-fqdns", lint_options.cluster_fqdns, "the cluster's node FQDNs, publisher first")
      ->delimiter(',')
      ->allow_extra_args(false);  // one comma-separated value: a CERT.pem after it stays a positional
  lint->add_option("--csr", lint_options.csr, "the CSR the certificate answers")->check(CLI::ExistingFile);
  lint->add_option("--version", lint_options.version, "the product version, e.g. 12.5");
  lint->add_option("--renew-before-days", lint_options.renew_before_days, "renewal window (default: last third)");
  lint->add_flag("--multi-server", lint_options.multi_server, "the certificate is the cluster's multi-server SAN one");
  lint->add_flag("--offline", lint_options.offline, "a site: do not probe its external hosts");
  lint->add_option("--format", lint_options.format, "output format")->check(CLI::IsMember({"text", "json"}));
  lint->add_flag("--no-color", lint_options.no_color, "never colour the output (NO_COLOR is honoured too)");

  auto* probe = app.add_subcommand("probe", "handshake with HOST:PORT offering Finesse's cipher list; report the "
                                            "suite, the chain and what Finesse would refuse (TC010, TC004)");
  probe->add_option("target", probe_options.target, "HOST:PORT")->required();
  probe->add_option("--servername", probe_options.servername, "SNI name to send (default: the host, if a name)");
  probe->add_option("--timeout", probe_options.timeout_s, "seconds for the connection and the handshake")
      ->check(CLI::Range(1, 600));
  probe->add_option("--format", probe_options.format, "output format")->check(CLI::IsMember({"text", "json"}));
  probe->add_flag("--no-color", probe_options.no_color, "never colour the output (NO_COLOR is honoured too)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }

  if (validate->parsed()) return run_validate(common);
  if (plan->parsed()) return run_plan(common, plan_options);
  if (graph->parsed()) return run_graph(common, graph_options);
  if (apply->parsed()) return run_apply(common, apply_options);
  if (unlock->parsed()) return run_unlock(common, unlock_id);
  if (journal->parsed()) return run_journal(common);
  if (expiry->parsed()) return run_expiry(common, expiry_options);
  if (bundle->parsed()) return run_bundle(common, bundle_options);
  if (csr->parsed()) return run_csr(common, csr_options);
  if (show->parsed()) return run_show(common);
  if (verify->parsed()) return run_verify(common);
  if (ca_init->parsed()) return run_ca_init(ca_options);
  if (lint->parsed()) return run_lint(lint_options);
  if (probe->parsed()) return run_probe(probe_options);
  return kExitError;
}
