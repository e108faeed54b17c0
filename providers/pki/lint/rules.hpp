#pragma once
// The checks behind TC001..TC014, one function per rule. A check says which of its rule's messages applies and with
// which values; the words, severities and products live in the rule table (rule_table.cpp), so a correction to a
// rule's text or reach is a one-line change there.

#include "providers/pki/lint/lint_context.hpp"

#include <map>
#include <string>
#include <vector>

namespace trustctl::pki::lint {

struct Hit {
  std::string variant;                        // which message of the rule ("" = its first)
  std::string subject;                        // the offending certificate's label, or a file or host:port
  std::map<std::string, std::string> values;  // fills {name} in the message and fix ({cert} defaults to subject)
};

using RuleCheck = std::vector<Hit> (*)(const Certificate& certificate, const LintContext& context);

std::vector<Hit> check_key_size(const Certificate& certificate, const LintContext& context);               // TC001
std::vector<Hit> check_san_names_node(const Certificate& certificate, const LintContext& context);         // TC002
std::vector<Hit> check_critical_extensions(const Certificate& certificate, const LintContext& context);    // TC003
std::vector<Hit> check_java_signatures(const Certificate& certificate, const LintContext& context);        // TC004
std::vector<Hit> check_ecdsa_issuer(const Certificate& certificate, const LintContext& context);           // TC005
std::vector<Hit> check_validity(const Certificate& certificate, const LintContext& context);               // TC006
std::vector<Hit> check_chain_complete(const Certificate& certificate, const LintContext& context);         // TC007
std::vector<Hit> check_multi_server_names(const Certificate& certificate, const LintContext& context);     // TC008
std::vector<Hit> check_csr_match(const Certificate& certificate, const LintContext& context);              // TC009
std::vector<Hit> check_dhe_negotiated(const Certificate& certificate, const LintContext& context);         // TC010
std::vector<Hit> check_wildcard(const Certificate& certificate, const LintContext& context);               // TC011
std::vector<Hit> check_weak_digest(const Certificate& certificate, const LintContext& context);            // TC012
std::vector<Hit> check_ecdsa_on_uccx(const Certificate& certificate, const LintContext& context);          // TC013
std::vector<Hit> check_self_signed_identity(const Certificate& certificate, const LintContext& context);   // TC014

// "12.5(1)" >= 11.6; an unknown version ("") counts as current.
bool version_at_least(const std::string& version, int major, int minor);

}  // namespace trustctl::pki::lint
