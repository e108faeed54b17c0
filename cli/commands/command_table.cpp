#include "cli/commands/command_table.hpp"

#include "engine/base/duration.hpp"

#include <algorithm>
#include <vector>

namespace trustctl::cli {
namespace {

const std::vector<std::string> kProducts(std::begin(kProductNames), std::end(kProductNames));

// The site positional, --format and colour for every command that reads a site; --trust-on-first-use and
// --parallelism for those that connect. An empty format list: the command has a --format of its own.
void add_common(CLI::App& cmd, Invocation& in, bool connects, std::vector<std::string> formats = {"text", "json"}) {
  cmd.add_option("site", in.common.site, "the site file (TOML)")->required()->check(CLI::ExistingFile);
  if (!formats.empty()) {
    cmd.add_option("--format", in.common.format, "output format")->check(CLI::IsMember(formats));
  }
  cmd.add_flag("--no-color", in.common.no_color, "never colour the output (NO_COLOR is honoured too)");
  if (connects) {
    cmd.add_flag("--trust-on-first-use", in.common.trust_on_first_use,
                 "record unknown SSH host keys instead of refusing them");
    cmd.add_option("--parallelism", in.common.parallelism,
                   "nodes worked on at once (default: the site's connection.parallelism)")
        ->check(CLI::Range(1, 1000))
        ->default_str("site");
    cmd.add_option_function<std::string>(
           "--refresh", [&in](const std::string& how) { in.common.refresh_full = how == "full"; },
           "cached: read only the trust files whose listed name is new since the last refresh (the default); full: "
           "read every trust file again")
        ->check(CLI::IsMember({"cached", "full"}))
        ->default_str("cached");
  }
}

// --cluster/--node and their opposites, for the commands that can be limited to part of a site.
void add_target(CLI::App& cmd, Invocation& in) {
  TargetOptions& t = in.common.target;
  cmd.add_option("--cluster", t.clusters, "limit to this cluster's nodes (repeatable)")->allow_extra_args(false);
  cmd.add_option("--node", t.nodes, "limit to this node (repeatable)")->allow_extra_args(false);
  cmd.add_option("--exclude-cluster", t.exclude_clusters, "leave this cluster's nodes out (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--exclude-node", t.exclude_nodes, "leave this node out (repeatable)")->allow_extra_args(false);
}

// A duration as parse_duration reads it, checked while the command line is parsed.
const CLI::Validator kDuration(
    [](std::string& text) {
      // CLI11 puts the option's name in front of what the validator says: the message starts at the value.
      auto parsed = parse_duration(text, "");
      if (parsed) return std::string();
      const std::string& message = parsed.error().message;
      return message.substr(std::min(message.find('\''), message.size()));
    },
    "DURATION");

void add_lock_timeout(CLI::App& cmd, std::string& value) {
  cmd.add_option("--lock-timeout", value,
                 "wait this long for another trustctl's lock on the state directory (90s, 5m), showing who holds it; "
                 "0 refuses at once")
      ->check(kDuration);
}

void define_validate(CLI::App& cmd, Invocation& in) { add_common(cmd, in, false); }

void define_plan(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {"text", "json", "jsonl", "markdown"});
  add_target(cmd, in);
  cmd.add_flag("--detailed-exitcode", in.plan.detailed_exitcode,
               "exit 0 when there is nothing to do, 2 when there are changes, 3 when there are changes but lint "
               "errors will block apply, 1 on error");
  auto* from = cmd.add_option("--from", in.plan.from,
                              "render a plan saved with --out again (no connection; SITE optional: given, it warns "
                              "when the site file changed since)")
                   ->check(CLI::ExistingFile);
  cmd.add_option("--out", in.plan.out, "also save the plan, bound to the site file and the observed state")
      ->excludes(from);
  cmd.get_option("site")->required(false);  // run_plan requires it unless --from is given
}

void define_graph(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {"dot", "svg"});
  cmd.get_option("--format")->description("dot, or svg (needs Graphviz's dot)");
  cmd.add_option("--type", in.graph.type,
                 "plan: the action graph (restart chains in one box, redundant edges left out); trust: who must "
                 "trust whom, from the site file (nothing is contacted)")
      ->check(CLI::IsMember({"plan", "trust"}));
  cmd.add_option("--out", in.graph.out, "write the graph to FILE instead of standard output");
  cmd.add_option("--from", in.graph.from, "draw a plan saved with `plan --out` (no connection)")
      ->check(CLI::ExistingFile);
  cmd.get_option("site")->required(false);  // run_graph requires it unless --from is given
}

void define_apply(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {"text", "json", "jsonl"});
  cmd.get_option("site")->description("the site file, or a plan saved by `trustctl plan --out`");
  add_target(cmd, in);
  add_lock_timeout(cmd, in.apply.lock_timeout);
  cmd.add_flag("--auto-approve", in.apply.auto_approve, "do not ask for confirmation (pipelines)");
  cmd.add_flag("--fail-fast", in.apply.fail_fast, "stop starting new actions after the first failure");
  cmd.add_flag("--no-verify", in.apply.no_verify, "skip the TLS verification that ends every apply");
  cmd.add_option("--deadline", in.apply.deadline,
                 "end of the change window: a duration from now (90m), a local time (23:30) or an ISO-8601 time; a "
                 "node's restarts that the plan's estimate says cannot finish by then are not started and stay owed");
}

void define_unlock(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, false);
  cmd.add_option("--id", in.unlock.id, "the lock id the refusal message named")->required();
  cmd.add_flag("--force", in.unlock.force,
               "remove it even if its holder is still running on this host, or the lock cannot be read");
}

void define_verify(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {"text", "json", "jsonl"});
  add_target(cmd, in);
}

void define_expiry(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true);
  add_target(cmd, in);
  cmd.add_option("--within", in.expiry.within,
                 "exit 2 when anything expires or is due for renewal within DAYS (monitoring)")
      ->check(CLI::Range(0, 36500));
}

void define_bundle(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {});
  cmd.add_option("--format", in.bundle.format, "pem or p7b (PKCS#7, for group policy)")
      ->check(CLI::IsMember({"pem", "p7b"}));
  cmd.add_option("--out", in.bundle.out, "the bundle file (FILE.manifest.json is written beside it)")->required();
}

void define_show(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true);
  add_target(cmd, in);
}

void define_report(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true, {});
  cmd.add_option("--out", in.report.out, "the HTML file to write (self-contained: open it anywhere, offline)")
      ->required();
}

void define_csr(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, true);
  cmd.add_option("--out", in.csr.out, "the directory the CSR files are written to (FQDN.UNIT.csr)")->required();
  cmd.add_flag("--regenerate", in.csr.regenerate,
               "make new CSRs even where a fitting one is pending (orphans what the CA is signing)");
  add_lock_timeout(cmd, in.csr.lock_timeout);
}

void define_journal(CLI::App& cmd, Invocation& in) {
  add_common(cmd, in, false);
  auto* forget = cmd.add_option("--forget-owed", in.journal.forget_owed,
                                "settle the restarts owed on NODE without running them (journaled)");
  cmd.add_option("--service", in.journal.service, "with --forget-owed: only this service's restart")->needs(forget);
}

void define_ca(CLI::App& cmd, Invocation& in) {
  cmd.require_subcommand(1);
  auto* init = cmd.add_subcommand("init", "make a lab CA (certificate + key file, mode 0600) for local signing");
  init->add_option("--name", in.ca_init.name, "CA name (files NAME.pem and NAME.key)");
  init->add_option("--out-dir", in.ca_init.out_dir, "where to write the files");
  init->add_option("--cn", in.ca_init.common_name, "subject common name (default: the name)");
  init->add_option("--key", in.ca_init.key, "key type")
      ->check(CLI::IsMember({"rsa-2048", "rsa-3072", "rsa-4096", "ec-256", "ec-384"}));
  init->add_option("--days", in.ca_init.days, "validity in days")->check(CLI::Range(1, 36500));
  init->footer("Example:\n  trustctl ca init --name lab-ca --out-dir pki\n");
}

void define_lint(CLI::App& cmd, Invocation& in) {
  LintOptions& lint = in.lint;
  cmd.add_option("files", lint.files, "CERT.pem [CHAIN.pem ...], or a site file")->required()->check(CLI::ExistingFile);
  cmd.add_option("--product", lint.product, "the product it is for (required with a certificate)")
      ->check(CLI::IsMember(kProducts));
  cmd.add_option("--unit", lint.unit, "where it goes")
      ->check(CLI::IsMember({"tomcat", "tomcat-ECDSA", "tomcat-trust"}));
  cmd.add_option("--fqdn", lint.fqdn, "the node's FQDN, which the identity must name");
  cmd.add_option("--cluster-fqdns", lint.cluster_fqdns, "the cluster's node FQDNs, publisher first")
      ->delimiter(',')
      ->allow_extra_args(false);  // one comma-separated value: a CERT.pem after it stays a positional
  cmd.add_option("--csr", lint.csr, "the CSR the certificate answers")->check(CLI::ExistingFile);
  cmd.add_option("--version", lint.version, "the product version, e.g. 12.5");
  cmd.add_option("--renew-before-days", lint.renew_before_days, "renewal window (default: last third)");
  cmd.add_flag("--multi-server", lint.multi_server, "the certificate is the cluster's multi-server SAN one");
  cmd.add_flag("--offline", lint.offline, "a site: contact nothing (no node is read, no external host probed)");
  cmd.add_option("--format", lint.format, "output format")->check(CLI::IsMember({"text", "json"}));
  cmd.add_flag("--no-color", lint.no_color, "never colour the output (NO_COLOR is honoured too)");
}

void define_probe(CLI::App& cmd, Invocation& in) {
  ProbeOptions& probe = in.probe;
  cmd.add_option("target", probe.target, "HOST:PORT")->required();
  cmd.add_option("--servername", probe.servername, "SNI name to send (default: the host, if a name)");
  cmd.add_option("--timeout", probe.timeout_s, "seconds for the connection and the handshake")
      ->check(CLI::Range(1, 600));
  cmd.add_option("--format", probe.format, "output format")->check(CLI::IsMember({"text", "json"}));
  cmd.add_flag("--no-color", probe.no_color, "never colour the output (NO_COLOR is honoured too)");
}

int run_ca(const Invocation& in, const providers::Registry&) { return run_ca_init(in.ca_init); }

const CommandSpec kCommands[] = {
    {"validate", "check a site file; report every problem with file:line:col", "", "trustctl validate site.toml",
     define_validate, [](const Invocation& in, const providers::Registry& r) { return run_validate(in.common, r); }},
    {"plan", "read every node and show what apply would change, and why",
     "Lint findings come with the plan in every format and in the saved plan. Exit codes with --detailed-exitcode: 0 "
     "no changes, 2 changes, 3 changes that lint errors will block at apply, 1 error. --format jsonl streams one JSON "
     "object per line (version, events, summary); progress stays on stderr. --out FILE saves the plan (any name) for "
     "`trustctl apply FILE`.",
     "trustctl plan site.toml --out site.tfplan    # then: trustctl apply site.tfplan", define_plan,
     [](const Invocation& in, const providers::Registry& r) { return run_plan(in.common, in.plan, r); }},
    {"apply", "carry out the plan: writes in order, restarts last, then verify",
     "SITE plans, asks, applies and verifies. A plan saved by `plan --out` (any file name) is applied without a "
     "second question, and only if it is exactly what would be planned now. --lock-timeout waits for another "
     "trustctl's lock; --format jsonl streams one JSON object per line. TRUSTCTL_LOG=debug|trace or --log-file FILE "
     "writes a debug log (secrets redacted).",
     "trustctl apply site.toml --auto-approve", define_apply,
     [](const Invocation& in, const providers::Registry& r) { return run_apply(in.common, in.apply, r); }},
    {"verify", "handshake every service port; check identities and who trusts them", "", "trustctl verify site.toml",
     define_verify, [](const Invocation& in, const providers::Registry& r) { return run_verify(in.common, r); }},
    {"show", "the live inventory: identities, trust entries, what each port presents",
     "Every node's identities, trust entries (managed by trustctl? wanted by the site?), what each service port "
     "presents and pending CSRs, read live.",
     "trustctl show site.toml --format json > inventory.json", define_show,
     [](const Invocation& in, const providers::Registry& r) { return run_show(in.common, r); }},
    {"report", "one HTML page: trust map, verify matrix, expiry timeline, pending work",
     "Reads every node like plan, show, expiry and verify do, and lays their results out on one self-contained page "
     "(inline CSS and SVG, nothing fetched): for a change board or an on-call engineer.",
     "trustctl report site.toml --out report.html", define_report,
     [](const Invocation& in, const providers::Registry& r) { return run_report(in.common, in.report, r); }},
    {"graph", "the plan's action graph, or who trusts whom, as Graphviz DOT or SVG",
     "--type plan (the default) refreshes and plans like `plan`, then draws the actions: a node's restarts in one box, "
     "only the edges no other path implies. --type trust draws the site's clusters and nodes, the trust each "
     "integration makes and each [[trust]] entry, without connecting.",
     "trustctl graph site.toml --type trust --format svg --out trust.svg", define_graph,
     [](const Invocation& in, const providers::Registry& r) { return run_graph(in.common, in.graph, r); }},
    {"expiry", "every identity and trust certificate, soonest expiry first", "",
     "trustctl expiry site.toml --within 30", define_expiry,
     [](const Invocation& in, const providers::Registry& r) { return run_expiry(in.common, in.expiry, r); }},
    {"bundle", "what agent and admin browsers must trust, with a manifest", "",
     "trustctl bundle site.toml --out desktops.p7b --format p7b", define_bundle,
     [](const Invocation& in, const providers::Registry& r) { return run_bundle(in.common, in.bundle, r); }},
    {"csr", "export every CSR an outside CA must sign",
     "Identities whose issuer is a [[ca]] with signed_dir get a CSR generated on the node; the certificates the CA "
     "returns, placed in signed_dir, are picked up by plan.",
     "trustctl csr site.toml --out csr/", define_csr, [](const Invocation& in, const providers::Registry& r) { return run_csr(in.common, in.csr, r); }},
    {"journal", "past applies (who, when, what) and restarts still owed",
     "--forget-owed NODE [--service NAME] settles restarts the journal owes without running them (a node removed "
     "from the site, a service the product does not have, a restart done by hand); it is journaled.",
     "trustctl journal site.toml", define_journal,
     [](const Invocation& in, const providers::Registry& r) { return run_journal(in.common, in.journal, r); }},
    {"unlock", "remove a stale apply lock by the id the refusal named",
     "A holder still running on this host, or a lock that cannot be read, is removed only with --force.",
     "trustctl unlock site.toml --id 3f2a9c1d0b7e", define_unlock,
     [](const Invocation& in, const providers::Registry& r) { return run_unlock(in.common, in.unlock, r); }},
    {"lint", "check certificates against the rules appliances and peers enforce",
     "A certificate (with its product, unit and FQDN), or every certificate a site references and what its nodes "
     "have deployed (read-only: identities, and the trust entries integrations rely on); a site's external hosts "
     "are probed as Finesse would (TC010, TC004). --offline contacts nothing.",
     "trustctl lint --product uccx --fqdn uccx1.lab.example uccx1.pem issuing.pem", define_lint,
     [](const Invocation& in, const providers::Registry& r) { return run_lint(in.lint, r); }},
    {"probe", "handshake HOST:PORT as Finesse would; report what it would refuse",
     "Offers Finesse's cipher list and reports the suite, the chain, TC010 (DHE) and TC004 (RSASSA-PSS).",
     "trustctl probe gadgets.example.com:443", define_probe, [](const Invocation& in, const providers::Registry&) { return run_probe(in.probe); }},
    {"ca", "lab certificate authorities (`ca init`)", "", "trustctl ca init --name lab-ca --out-dir pki", define_ca,
     run_ca},
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const CommandSpec> command_table() { return kCommands; }

std::optional<std::string_view> nearest_command(std::string_view typed) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 0;
  for (const auto& command : kCommands) {
    std::size_t d = edit_distance(typed, command.name);
    // A prefix counts as close ("ver" -> "verify"); otherwise at most a third of the word may differ.
    if (command.name.starts_with(typed) && !typed.empty()) d = 1;
    if (d <= std::max<std::size_t>(1, command.name.size() / 3) && (!best || d < best_distance)) {
      best = command.name;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace trustctl::cli
