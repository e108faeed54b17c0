// trustctl lint: the rule table against a CA's output before it goes anywhere, or against everything a site
// references. Connects nowhere.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/external_probe_lint.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "providers/pki/lint/live_lint.hpp"
#include "engine/config/site_loader.hpp"
#include "engine/model/printable.hpp"
#include "providers/pki/lint/linter.hpp"
#include "providers/pki/lint/site_lint.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace trustctl::cli {
namespace {

using pki::lint::Finding;
using pki::lint::LintContext;
using pki::lint::Severity;

int report(const std::vector<Finding>& findings, const std::string& what, const LintOptions& options,
           const Terminal& term) {
  if (options.format == "json") {
    // One object, like every --format json document: the findings in order, and whether any is an error.
    print_json({{"ok", !pki::lint::has_errors(findings)}, {"subject", what},
                {"findings", nlohmann::json(pki::lint::to_json(findings))}});
  } else {
    for (const auto& f : findings) {
      std::string line = printable(pki::lint::headline(f));  // names certificates: their text is not ours
      std::cout << (f.severity == Severity::error     ? term.red(line)
                    : f.severity == Severity::warning ? term.yellow(line)
                                                      : line)
                << "\n  fix: " << printable(f.fix) << "\n";
    }
    if (findings.empty()) {
      std::cout << term.green("no findings: ") << what << "\n";
    } else {
      std::cout << what << ": " << pki::lint::summary(findings) << "\n";
    }
  }
  return pki::lint::has_errors(findings) ? kExitError : kExitOk;
}

int usage_error(const std::string& message, const LintOptions& options, const Terminal& term) {
  report_errors({Error(ErrorCode::invalid_site, "lint: " + message)}, CommonOptions{.format = options.format}, term);
  return kExitError;
}

// Everything the site references, and (unless --offline) a Finesse-like handshake with each external host: its
// chain and suite are what Finesse and UCCX will meet (TC010, TC004). The appliances themselves are never contacted.
int lint_site(const Site& site, const std::string& path, const LintOptions& options, const Terminal& term,
              const providers::Registry& registry) {
  auto findings = pki::lint::lint_site_references(site);
  if (!options.offline) {
    // What is deployed too: every node's identities and the trust entries its integrations rely on, read-only.
    RunContext context(CommonOptions{.site = path, .format = options.format, .no_color = options.no_color}, term,
                       registry, site);
    if (!read_stores(context)) return kExitError;
    auto deployed = pki::lint::findings_of(pki::lint::lint_live(site, context.live, registry));
    findings.insert(findings.end(), deployed.begin(), deployed.end());
    auto externals = probe_external_clusters(site, site.connection.parallelism);
    findings.insert(findings.end(), externals.findings.begin(), externals.findings.end());
    findings = pki::lint::deduplicate(std::move(findings));
    if (!externals.unreachable.empty()) {
      report_errors(externals.unreachable, CommonOptions{.format = options.format}, term);
      return kExitError;
    }
  }
  return report(findings, path, options, term);
}

// The certificates of one file; a file that holds none is a TC011 finding, an unreadable one an error.
struct LoadedFiles {
  std::vector<std::vector<Certificate>> certificates;  // per file, in order
  std::vector<Finding> unreadable;
};

std::optional<LoadedFiles> load_files(const LintOptions& options, const Terminal& term) {
  LoadedFiles out;
  for (const auto& path : options.files) {
    auto loaded = load_certificate_file(path);
    if (loaded) {
      out.certificates.push_back(std::move(*loaded));
      continue;
    }
    if (loaded.error().code == ErrorCode::io) {
      report_errors({loaded.error()}, CommonOptions{.format = options.format}, term);
      return std::nullopt;
    }
    std::string reason = loaded.error().message;
    if (reason.rfind(path + ": ", 0) == 0) reason.erase(0, path.size() + 2);  // the finding names the file already
    out.unreadable.push_back(pki::lint::unreadable_certificate_file(path, reason));
    out.certificates.emplace_back();
  }
  return out;
}

int lint_certificates(const LintOptions& options, const Terminal& term) {
  if (options.product.empty()) {
    return usage_error("--product is required when linting a certificate (or give a site file)", options, term);
  }
  Product product = *product_from_string(options.product);  // CLI11 checked the name
  bool identity = options.unit != "tomcat-trust";
  if (!identity && !options.csr.empty()) {
    return usage_error("--csr applies to identity units (tomcat, tomcat-ECDSA), not to " + options.unit, options, term);
  }

  LintContext context;
  context.product = product;
  context.unit = options.unit;
  context.fqdn = options.fqdn;
  context.cluster_fqdns = options.cluster_fqdns;
  context.multi_server = options.multi_server;
  context.version = options.version;
  context.renew_before_days = options.renew_before_days;
  if (!options.csr.empty()) {
    std::ifstream in(options.csr, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Result<pki::CsrInfo> csr = fail(ErrorCode::io, "cannot read the file");
    if (in) csr = pki::inspect_csr(text.str());
    if (!csr) {
      report_errors({Error(csr.error().code, "CSR file " + options.csr + ": " + csr.error().message)},
                    CommonOptions{.format = options.format}, term);
      return kExitError;
    }
    context.csr = std::move(*csr);
  }

  auto files = load_files(options, term);
  if (!files) return kExitError;
  std::vector<Finding> findings = files->unreadable;
  std::vector<Certificate> all;
  for (const auto& list : files->certificates) all.insert(all.end(), list.begin(), list.end());
  std::string what = options.files.front() + " (" + options.product + " " + options.unit + ")";
  if (all.empty()) return report(findings, what, options, term);

  // Offline, the files given are all trustctl knows of the target trust store: they stand for what it will hold.
  LintContext trust_context = context;
  trust_context.unit = "tomcat-trust";
  trust_context.csr.reset();
  trust_context.trust_store = all;

  if (identity) {
    if (files->certificates.front().empty()) return report(findings, what, options, term);
    const Certificate& leaf = files->certificates.front().front();
    context.chain.assign(all.begin() + 1, all.end());
    context.trust_store = context.chain;
    auto found = pki::lint::lint_certificate(leaf, context);
    findings.insert(findings.end(), found.begin(), found.end());
    // The chain goes into tomcat-trust before the identity: it must pass as trust entries too.
    for (const auto& issuer : context.chain) {
      auto more = pki::lint::lint_certificate(issuer, trust_context);
      findings.insert(findings.end(), more.begin(), more.end());
    }
  } else {
    for (const auto& entry : all) {
      auto found = pki::lint::lint_certificate(entry, trust_context);
      findings.insert(findings.end(), found.begin(), found.end());
    }
  }
  return report(pki::lint::deduplicate(std::move(findings)), what, options, term);
}

bool has_certificate_options(const LintOptions& options) {
  return !options.product.empty() || options.unit != "tomcat" || !options.fqdn.empty() ||
         !options.cluster_fqdns.empty() || !options.csr.empty() || !options.version.empty() ||
         options.renew_before_days || options.multi_server;
}

}  // namespace

int run_lint(const LintOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(options.no_color);
  const std::string& first = options.files.front();
  bool site = std::filesystem::path(first).extension() == ".toml";
  std::optional<Site> loaded;
  if (!site && !load_certificate_file(first)) {
    // Not a certificate: it may still be a site file with another name.
    auto attempt = config::load_site(first, registry.units());
    if (attempt.errors.empty() && attempt.site) {
      site = true;
      loaded = std::move(attempt.site);
    }
  }
  if (!site) return lint_certificates(options, term);

  if (options.files.size() > 1) return usage_error("a site file is linted alone, without chain files", options, term);
  if (has_certificate_options(options)) {
    return usage_error("--product, --unit, --fqdn, --cluster-fqdns, --csr, --version, --renew-before-days and "
                       "--multi-server describe a certificate file; a site file says all of that itself",
                       options, term);
  }
  if (!loaded) {
    CommonOptions common{.site = first, .format = options.format, .no_color = options.no_color};
    loaded = load_site(common, term, registry);
    if (!loaded) return kExitError;
  }
  return lint_site(*loaded, first, options, term, registry);
}

}  // namespace trustctl::cli
