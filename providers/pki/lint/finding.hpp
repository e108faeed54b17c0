#pragma once
// What a lint rule reports: one finding per rule and certificate, with the fix spelled out for the operator.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace trustctl::pki::lint {

// error: the appliance or a peer will refuse it (blocks apply unless policy.lint = "warn");
// warning: works today but is weak or about to break; info: something the operator must do elsewhere.
enum class Severity { error, warning, info };
const char* to_string(Severity severity);

struct Finding {
  std::string rule;      // "TC001"
  Severity severity = Severity::error;
  std::string subject;   // the certificate ("CN [short fingerprint]"), the file or the host:port concerned
  std::string message;   // what is wrong and what it breaks
  std::string fix;       // what to do about it
  // About a certificate already deployed (a node's identity, a trust entry), not one this run would write: apply
  // cannot change it by uploading, so it does not block apply; verify fails the calls it breaks.
  bool deployed = false;
};

// {rule, severity, subject, message, fix}, keys in that order.
nlohmann::ordered_json to_json(const Finding& finding);
nlohmann::ordered_json to_json(const std::vector<Finding>& findings);

// "TC001 error SUBJECT: MESSAGE", or "TC001 error MESSAGE" when the message already opens with the subject; the fix
// goes on its own indented line below it ("  fix: FIX").
std::string headline(const Finding& finding);
// "2 errors, 1 warning, 0 info"
std::string summary(const std::vector<Finding>& findings);

bool has_errors(const std::vector<Finding>& findings);

// Drops repeated findings (same rule, subject and message), keeping the first: a chain linted certificate by
// certificate, or a certificate sent to several stores, reaches the same offending issuer more than once.
std::vector<Finding> deduplicate(std::vector<Finding> findings);

}  // namespace trustctl::pki::lint
