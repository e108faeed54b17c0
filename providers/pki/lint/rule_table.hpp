#pragma once
// Every lint rule in one table: its id, the products and units it applies to, its messages with their severities,
// the fix each message recommends, and the check that finds it (docs/appliances.md section 9).
//
// Readings of the domain table that are choices, kept here so a correction is a one-line change in rule_table.cpp:
// - Severity is error except TC012/TC013 (warning), TC014 (info) and TC006 "expiring" (warning: it still works
//   today); TC006 "expired" is an error because the appliance refuses an expired certificate.
// - TC001's UCCX 1024/2048 limit is for UCCX identities; a 4096-bit CA in UCCX tomcat-trust is fine. Over 4096 bits
//   is refused everywhere. The same rule checks the key type and EC size of tomcat / tomcat-ECDSA identities.
// - TC003 applies to CUCM identities and to what UCCX trusts (the chains of the peers UCCX calls).
// - TC004 applies where Finesse validates: UCCX and Finesse stores, CUIC identities (Finesse <-> CUIC) and external
//   hosts (gadgets).
// - TC006 warns for trust entries only inside 30 days (a CA's "last third" is years long), for identities inside the
//   renewal window.
// - TC012 leaves self-signed CA roots alone: nobody verifies a trust anchor's own signature.

#include "providers/pki/lint/finding.hpp"
#include "providers/pki/lint/rules.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace trustctl::pki::lint {

enum class Scope { identity, trust, both };

// A rule applies to a certificate bound for this product's identity units, trust units, or both.
struct Target {
  Product product;
  Scope scope;
};

// One way a rule can fire. Text and fix take {name} placeholders filled from the check's values; {cert} is the
// certificate's label.
struct RuleMessage {
  std::string_view variant;
  Severity severity;
  std::string_view text;
  std::string_view fix;
};

struct Rule {
  std::string_view id;
  std::string_view summary;  // the rule in one line, as docs/appliances.md section 9 states it
  std::vector<Target> targets;
  std::vector<RuleMessage> messages;  // the first is the default
  RuleCheck check;

  // product nullopt: the certificate is bound nowhere yet; only rules that hold for every product apply.
  bool applies(std::optional<Product> product, bool identity) const;
  const RuleMessage& message(std::string_view variant) const;
};

const std::vector<Rule>& rule_table();
const Rule* find_rule(std::string_view id);

}  // namespace trustctl::pki::lint
