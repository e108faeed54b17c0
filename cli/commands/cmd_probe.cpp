// trustctl probe HOST:PORT: one handshake the way Finesse makes it, and what Finesse would refuse about the answer.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "engine/model/printable.hpp"
#include "providers/pki/lint/certificate_facts.hpp"
#include "providers/pki/lint/linter.hpp"
#include "providers/transport/tls_probe.hpp"

#include <iostream>

namespace trustctl::cli {
namespace {

using pki::lint::Severity;

std::string key_text(const Certificate& certificate) {
  return certificate.key_type() + " " + std::to_string(certificate.key_bits());
}

nlohmann::ordered_json probe_to_json(const transport::ProbeResult& probe, const std::vector<pki::lint::Finding>& findings) {
  nlohmann::ordered_json chain = nlohmann::ordered_json::array();
  for (const auto& c : probe.chain) {
    chain.push_back(nlohmann::ordered_json{{"subject", c.subject()},
                     {"issuer", c.issuer()},
                     {"signature_algorithm", pki::lint::signature_facts(c).algorithm},
                     {"key", key_text(c)},
                     {"not_after", pki::lint::format_date(c.not_after())},
                     {"fingerprint", c.fingerprint()}});
  }
  return nlohmann::ordered_json{{"host", probe.host},
          {"port", probe.port},
          {"servername", probe.servername},
          {"protocol", probe.protocol},
          {"cipher", probe.cipher},
          {"cipher_standard", probe.cipher_standard},
          {"key_exchange", probe.key_exchange},
          {"ephemeral_key_bits", probe.ephemeral_key_bits},
          {"chain", chain},
          {"findings", pki::lint::to_json(findings)}};
}

void print_text(const transport::ProbeResult& probe, const std::vector<pki::lint::Finding>& findings,
                const Terminal& term) {
  std::cout << term.bold(probe.endpoint()) << (probe.servername.empty() ? "" : " (SNI " + probe.servername + ")")
            << "\n";
  std::cout << "  protocol:     " << probe.protocol << "\n";
  std::cout << "  cipher:       " << probe.cipher << " (" << probe.cipher_standard << ")\n";
  std::cout << "  key exchange: " << probe.key_exchange;
  if (probe.ephemeral_key_bits > 0) std::cout << ", " << probe.ephemeral_key_bits << "-bit ephemeral key";
  std::cout << "\n  chain (" << probe.chain.size() << ", as presented):\n";
  for (std::size_t i = 0; i < probe.chain.size(); ++i) {
    const auto& c = probe.chain[i];
    std::cout << "    " << i << " subject:   " << c.subject() << "\n"
              << "      issuer:    " << c.issuer() << "\n"
              << "      signature: " << pki::lint::signature_facts(c).algorithm << "\n"
              << "      key:       " << key_text(c) << ", expires " << pki::lint::format_date(c.not_after()) << "\n";
  }
  for (const auto& f : findings) {
    std::string line = printable(pki::lint::headline(f));  // names certificates: their text is not ours
    std::cout << (f.severity == Severity::error ? term.red(line) : term.yellow(line)) << "\n  fix: " << printable(f.fix)
              << "\n";
  }
  if (findings.empty()) {
    std::cout << term.green("no findings: ") << "Finesse would accept the suite and the chain's signatures\n";
  } else {
    std::cout << probe.endpoint() << ": " << pki::lint::summary(findings) << "\n";
  }
}

}  // namespace

int run_probe(const ProbeOptions& options) {
  Terminal term = Terminal::detect(options.no_color);
  CommonOptions common{.format = options.format, .no_color = options.no_color};
  auto target = transport::parse_probe_target(options.target);
  if (!target) {
    report_errors({target.error()}, common, term);
    return kExitError;
  }
  target->servername = options.servername;
  target->timeout = std::chrono::seconds(options.timeout_s);
  auto probe = transport::probe_tls(*target);
  if (!probe) {
    report_errors({probe.error()}, common, term);
    return kExitError;
  }
  auto findings = pki::lint::lint_probe(*probe);
  if (options.format == "json") {
    print_json(probe_to_json(*probe, findings));
  } else {
    print_text(*probe, findings, term);
  }
  return pki::lint::has_errors(findings) ? kExitError : kExitOk;
}

}  // namespace trustctl::cli
