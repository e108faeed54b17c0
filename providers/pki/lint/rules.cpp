#include "providers/pki/lint/rules.hpp"

#include "providers/pki/lint/certificate_facts.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

namespace trustctl::pki::lint {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string join(const std::vector<std::string>& items, const std::string& empty = "none") {
  if (items.empty()) return empty;
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::set<std::string> lower_set(const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const auto& n : names) out.insert(lower(n));
  return out;
}

// DNS name matching as browsers do it: case-insensitive, "*" standing for exactly one left-most label.
bool name_matches(const std::string& pattern, const std::string& host) {
  std::string p = lower(pattern), h = lower(host);
  if (p == h) return true;
  if (p.rfind("*.", 0) != 0) return false;
  auto dot = h.find('.');
  return dot != std::string::npos && h.substr(dot) == p.substr(1);
}

Hit hit(const Certificate& certificate, std::string variant = "", std::map<std::string, std::string> values = {}) {
  return Hit{std::move(variant), label(certificate), std::move(values)};
}

// Where an identity's issuers must be: the trust store of the same service.
std::string trust_store_name(const LintContext& context) {
  return context.identity() ? "tomcat-trust" : context.unit;
}

}  // namespace

bool version_at_least(const std::string& version, int major, int minor) {
  if (version.empty()) return true;
  int have_major = 0, have_minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &have_major, &have_minor) < 1) return true;
  return have_major > major || (have_major == major && have_minor >= minor);
}

std::vector<Hit> check_key_size(const Certificate& certificate, const LintContext& context) {
  std::string type = certificate.key_type();
  int bits = certificate.key_bits();
  std::map<std::string, std::string> values{{"bits", std::to_string(bits)}, {"type", type}, {"unit", context.unit}};
  if (type == "RSA" && bits > 4096) return {hit(certificate, "rsa-over-max", values)};
  if (!context.identity()) return {};
  if (context.unit == "tomcat-ECDSA") {
    if (type != "EC") return {hit(certificate, "wrong-type", {{"type", type}, {"unit", context.unit}, {"wanted", "EC"}})};
    if (bits != 256 && bits != 384 && bits != 521) return {hit(certificate, "ec-size", values)};
    return {};
  }
  if (type != "RSA") return {hit(certificate, "wrong-type", {{"type", type}, {"unit", context.unit}, {"wanted", "RSA"}})};
  if (context.product == Product::uccx && bits != 1024 && bits != 2048) return {hit(certificate, "uccx-rsa", values)};
  return {};
}

std::vector<Hit> check_san_names_node(const Certificate& certificate, const LintContext& context) {
  if (context.fqdn.empty()) return {};
  auto names = certificate.dns_names();
  for (const auto& name : names) {
    if (name_matches(name, context.fqdn)) return {};
  }
  return {hit(certificate, "", {{"fqdn", context.fqdn}, {"sans", join(names)}})};
}

std::vector<Hit> check_critical_extensions(const Certificate& certificate, const LintContext&) {
  auto critical = unexpected_critical_extensions(certificate);
  if (critical.empty()) return {};
  return {hit(certificate, "", {{"extensions", join(critical)}})};
}

std::vector<Hit> check_java_signatures(const Certificate& certificate, const LintContext& context) {
  // The certificate itself, what was presented or delivered with it, and (for an identity) the issuers a peer
  // will build its chain from: Java fails the whole chain when any one of them is signed in a way it cannot verify.
  std::vector<Certificate> reviewed{certificate};
  reviewed.insert(reviewed.end(), context.chain.begin(), context.chain.end());
  if (context.identity()) {
    std::vector<Certificate> candidates = context.chain;
    if (context.trust_store) candidates.insert(candidates.end(), context.trust_store->begin(), context.trust_store->end());
    auto issuers = issuer_chain(certificate, candidates).issuers;
    reviewed.insert(reviewed.end(), issuers.begin(), issuers.end());
  }
  std::vector<Hit> out;
  std::set<std::string> seen;
  for (const auto& cert : reviewed) {
    if (!seen.insert(cert.fingerprint()).second) continue;
    auto facts = signature_facts(cert);
    if (!facts.java_accepts) out.push_back(hit(cert, "", {{"algorithm", facts.algorithm}}));
  }
  return out;
}

std::vector<Hit> check_ecdsa_issuer(const Certificate& certificate, const LintContext& context) {
  if (!context.identity() || context.unit != "tomcat-ECDSA") return {};
  auto facts = signature_facts(certificate);
  if (!facts.rsa_signer()) return {};
  return {hit(certificate, "", {{"algorithm", facts.algorithm}})};
}

std::vector<Hit> check_validity(const Certificate& certificate, const LintContext& context) {
  std::map<std::string, std::string> values{{"not_after", format_date(certificate.not_after())}};
  if (certificate.not_after() <= context.now) return {hit(certificate, "expired", values)};
  if (certificate.not_before() > context.now) {
    values["not_before"] = format_date(certificate.not_before());
    return {hit(certificate, "not-yet-valid", values)};
  }
  // A CA's "last third" is years long: trust entries are only flagged when the end is near (the window's minimum),
  // unless the caller gives a window of its own.
  int window = context.identity() ? renewal_window_days(certificate, context.renew_before_days)
                                  : context.renew_before_days.value_or(30);
  auto left = std::chrono::duration_cast<std::chrono::hours>(certificate.not_after() - context.now);
  int days_left = static_cast<int>(left.count() / 24);
  if (days_left >= window) return {};
  values["days"] = std::to_string(days_left);
  values["window"] = std::to_string(window);
  return {hit(certificate, "expiring", values)};
}

std::vector<Hit> check_chain_complete(const Certificate& certificate, const LintContext& context) {
  if (!context.trust_store) return {};
  auto chain = issuer_chain(certificate, *context.trust_store);
  if (chain.complete) return {};
  const Certificate& last = chain.issuers.empty() ? certificate : chain.issuers.back();
  return {hit(certificate, "", {{"issuer", last.issuer()}, {"store", trust_store_name(context)}})};
}

std::vector<Hit> check_multi_server_names(const Certificate& certificate, const LintContext& context) {
  if (!context.identity() || context.cluster_fqdns.empty()) return {};
  auto members = lower_set(context.cluster_fqdns);
  auto names = certificate.dns_names();
  int nodes_named = 0;
  for (const auto& name : names) nodes_named += members.count(lower(name)) ? 1 : 0;
  // The appliance marks a multi-server certificate's CN with "-ms" (docs/appliances.md section 2); naming two nodes of
  // the cluster says the same.
  bool multi_server = context.multi_server || certificate.common_name().find("-ms") != std::string::npos ||
                      nodes_named >= 2;
  if (!multi_server) return {};
  std::vector<std::string> extra;
  for (const auto& name : names) {
    if (!members.count(lower(name))) extra.push_back(name);
  }
  if (extra.empty()) return {};
  return {hit(certificate, "", {{"extra", join(extra)}, {"nodes", join(context.cluster_fqdns)}})};
}

std::vector<Hit> check_csr_match(const Certificate& certificate, const LintContext& context) {
  if (!context.csr || !context.identity()) return {};
  std::vector<Hit> out;
  auto requested = lower_set(context.csr->dns_names);
  auto issued = lower_set(certificate.dns_names());
  if (requested != issued) {
    std::vector<std::string> added, missing;
    for (const auto& n : issued) {
      if (!requested.count(n)) added.push_back(n);
    }
    for (const auto& n : requested) {
      if (!issued.count(n)) missing.push_back(n);
    }
    out.push_back(hit(certificate, "san", {{"added", join(added)}, {"missing", join(missing)}}));
  }
  if (!context.csr->public_key_pem.empty() && context.csr->public_key_pem != public_key_pem(certificate)) {
    out.push_back(hit(certificate, "key"));
  }
  return out;
}

std::vector<Hit> check_dhe_negotiated(const Certificate&, const LintContext& context) {
  if (!context.probe || !context.probe->negotiated_dhe() || !context.identity()) return {};
  const auto& probe = *context.probe;
  return {Hit{"",
              probe.endpoint(),
              {{"host", probe.endpoint()},
               {"suite", probe.cipher},
               {"standard", probe.cipher_standard},
               {"bits", std::to_string(probe.ephemeral_key_bits)}}}};
}

std::vector<Hit> check_wildcard(const Certificate& certificate, const LintContext&) {
  std::vector<std::string> wild;
  if (certificate.common_name().find('*') != std::string::npos) wild.push_back(certificate.common_name());
  for (const auto& name : certificate.dns_names()) {
    if (name.find('*') != std::string::npos && std::find(wild.begin(), wild.end(), name) == wild.end()) {
      wild.push_back(name);
    }
  }
  if (wild.empty()) return {};
  return {hit(certificate, "wildcard", {{"names", join(wild)}})};
}

std::vector<Hit> check_weak_digest(const Certificate& certificate, const LintContext&) {
  // A root's own signature is never checked by TLS clients (it is trusted as it is), so a SHA-1 root is no weakness.
  if (certificate.is_ca() && certificate.is_self_issued()) return {};
  auto facts = signature_facts(certificate);
  if (!facts.weak_digest) return {};
  return {hit(certificate, "", {{"algorithm", facts.algorithm}})};
}

std::vector<Hit> check_ecdsa_on_uccx(const Certificate& certificate, const LintContext& context) {
  if (!context.identity() || context.product != Product::uccx) return {};
  if (context.unit != "tomcat-ECDSA" && certificate.key_type() != "EC") return {};
  if (!version_at_least(context.version, 11, 6)) return {};
  return {hit(certificate, "",
              {{"version", context.version.empty() ? "(version unknown, taken as current)" : context.version}})};
}

std::vector<Hit> check_self_signed_identity(const Certificate& certificate, const LintContext& context) {
  if (!context.identity() || !certificate.is_self_issued()) return {};
  return {hit(certificate)};
}

}  // namespace trustctl::pki::lint
