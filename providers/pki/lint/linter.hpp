#pragma once
// Runs the rule table against one certificate, a probed host, or an unreadable file, and words the findings.

#include "providers/pki/lint/finding.hpp"
#include "providers/pki/lint/lint_context.hpp"

#include <string>
#include <vector>

namespace trustctl::pki::lint {

// Every rule that applies to context.product and context.unit, in table order.
std::vector<Finding> lint_certificate(const Certificate& certificate, const LintContext& context);
// Only the rules named in `only` (e.g. those that hold for a deployed certificate), in table order.
std::vector<Finding> lint_certificate(const Certificate& certificate, const LintContext& context,
                                      const std::vector<std::string_view>& only);

// The probe's own rules against what a host presented to Finesse's cipher list: TC010 (DHE negotiated) and TC004
// (a signature Java rejects anywhere in the presented chain).
std::vector<Finding> lint_probe(const transport::ProbeResult& probe);

// TC011's second half: a file that holds no PEM or DER certificate. reason: what the parser said.
Finding unreadable_certificate_file(const std::string& path, const std::string& reason);

}  // namespace trustctl::pki::lint
