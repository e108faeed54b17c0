#include "providers/pki/lint/rule_table.hpp"

#include <algorithm>
#include <initializer_list>

namespace trustctl::pki::lint {
namespace {

constexpr std::initializer_list<Product> kVos = {Product::uccx,        Product::finesse,    Product::cuic,
                                                 Product::socialminer, Product::mediasense, Product::cucm};
constexpr std::initializer_list<Product> kAll = {Product::uccx,       Product::finesse, Product::cuic,
                                                 Product::socialminer, Product::mediasense, Product::cucm,
                                                 Product::external};

std::vector<Target> every(std::initializer_list<Product> products, Scope scope) {
  std::vector<Target> out;
  for (Product p : products) out.push_back({p, scope});
  return out;
}

std::vector<Target> plus(std::vector<Target> targets, std::vector<Target> more) {
  targets.insert(targets.end(), more.begin(), more.end());
  return targets;
}

std::vector<Rule> make_table() {
  constexpr auto error = Severity::error;
  constexpr auto warning = Severity::warning;
  constexpr auto info = Severity::info;
  return {
      {"TC001", "RSA key size the product does not accept (UCCX: 1024/2048 only; any product: over 4096)",
       every(kVos, Scope::both),
       {{"rsa-over-max", error, "{cert} has a {bits}-bit RSA key; VOS appliances accept RSA keys of at most 4096 bits",
         "have it issued again with a 2048-bit RSA key (3072 or 4096 where the product allows)"},
        {"uccx-rsa", error, "{cert} has a {bits}-bit RSA key; UCCX accepts only 1024- or 2048-bit keys for its identity",
         "generate the CSR with a 2048-bit RSA key (identity key = \"rsa-2048\") and have it signed again"},
        {"ec-size", error, "{cert} has a {bits}-bit EC key; tomcat-ECDSA accepts only 256-, 384- or 521-bit keys",
         "generate the tomcat-ECDSA CSR with an ec-256, ec-384 or ec-521 key"},
        {"wrong-type", error, "{cert} has a key of type {type}, but the {unit} unit holds {wanted} keys",
         "upload it to the unit that matches its key (RSA: tomcat, EC: tomcat-ECDSA), or issue one with a {wanted} key"}},
       check_key_size},

      {"TC002", "certificate SAN lacks the node FQDN (browsers reject CN-only since Chrome 58)",
       every(kAll, Scope::identity),
       {{"", error,
         "{cert} does not name {fqdn} in its subjectAltName (it names: {sans}); browsers reject certificates that "
         "carry the host only in the CN (NET::ERR_CERT_COMMON_NAME_INVALID)",
         "issue it again from a CSR whose SAN includes {fqdn}"}},
       check_san_names_node},

      {"TC003", "a critical extension other than Key Usage and Basic Constraints (breaks UCCX to CUCM)",
       {{Product::cucm, Scope::identity}, {Product::uccx, Scope::trust}},
       {{"", error,
         "{cert} marks {extensions} critical; with any critical extension other than Key Usage and Basic "
         "Constraints, UCCX's connection to CUCM fails (agents see \"Invalid user ID/password\")",
         "have the CA issue it again with {extensions} not critical (only Key Usage and Basic Constraints may be)"}},
       check_critical_extensions},

      {"TC004", "a signature algorithm Java's providers do not accept anywhere in a chain Finesse must validate "
                "(RSASSA-PSS)",
       plus(every({Product::uccx, Product::finesse}, Scope::both),
            every({Product::cuic, Product::external}, Scope::identity)),
       {{"", error,
         "{cert} is signed with {algorithm}, which Java on Finesse does not accept: any chain holding it fails "
         "(javax.net.ssl.SSLPeerUnverifiedException: peer not authenticated)",
         "reissue from a CA whose whole chain, root included, signs with SHA256withRSA (PKCS#1 v1.5) or ECDSA, "
         "not RSASSA-PSS"}},
       check_java_signatures},

      {"TC005", "tomcat-ECDSA identity signed by an RSA CA (SocialMiner chat and email break; CSCvb58580)",
       every(kVos, Scope::identity),
       {{"", error,
         "{cert} is a tomcat-ECDSA identity signed by an RSA CA ({algorithm}); SocialMiner chat and email break "
         "with such certificates (CSCvb58580)",
         "have the tomcat-ECDSA CSR signed by an EC (ECDSA) CA, or keep tomcat-ECDSA self-signed"}},
       check_ecdsa_issuer},

      {"TC006", "expired, or expiring within the renewal window (default: last third of the lifetime, at least 30 "
                "days)",
       every(kAll, Scope::both),
       {{"expired", error, "{cert} expired on {not_after}; the appliance refuses expired certificates",
         "renew it (an identity: new CSR, signed again; a CA: the CA's current certificate) and use that instead"},
        {"not-yet-valid", error, "{cert} is not valid before {not_before}; peers and the appliance refuse it until then",
         "check the clock of the CA that issued it (and the node's NTP), or have it issued again with a validity that "
         "has begun"},
        {"expiring", warning,
         "{cert} expires on {not_after} ({days} days left), inside its renewal window of {window} days",
         "renew it now (an identity: new CSR, signed again; a CA: get its successor into the trust stores before "
         "it expires)"}},
       check_validity},

      {"TC007", "incomplete chain: an identity or third-party chain whose issuers are not all in the target trust "
                "store",
       plus(every(kVos, Scope::both), {{Product::external, Scope::identity}}),
       {{"", error,
         "{cert}'s chain stops at issuer \"{issuer}\", which is not in the target {store}; an identity upload "
         "fails with \"CA Certificate is not available in the trust-store\", and peers cannot build the chain",
         "put the whole issuing chain, root and intermediates, into {store} first (a [[trust]] entry, or the "
         "chain files given with the certificate)"}},
       check_chain_complete},

      {"TC008", "multi-server SAN naming anything but the UCCX publisher and subscriber",
       {{Product::uccx, Scope::identity}},
       {{"", error,
         "{cert} is a multi-server certificate whose SAN also names {extra}; on UCCX it may name only the cluster's "
         "nodes ({nodes})",
         "generate the multi-server CSR with only the UCCX publisher and subscriber in its SAN (empty Parent "
         "Domain), and have it signed as requested"}},
       check_multi_server_names},

      {"TC009", "CA-signed certificate whose SAN set differs from its CSR's",
       every(kVos, Scope::identity),
       {{"san", error,
         "{cert}'s SAN set differs from its CSR's (added: {added}; missing: {missing}); the upload fails with "
         "\"CSR SAN and Certificate SAN does not match\"",
         "generate the CSR with an empty Parent Domain, or use a CA that copies the SANs as requested"},
        {"key", error,
         "{cert} does not carry the CSR's public key; the upload fails with \"CSR public key and Certificate public "
         "key do not match\"",
         "have the CSR now pending on the node signed (a new CSR replaces the previous one, so sign the latest)"}},
       check_csr_match},

      {"TC010", "external host negotiates a DHE suite (Logjam; Finesse refuses)",
       {{Product::external, Scope::identity}},
       {{"", error,
         "{host} chose {suite} ({standard}, {bits}-bit DH) from Finesse's cipher list: DHE suites are Logjam-prone "
         "and Finesse drops the connection, so gadgets from this host fail",
         "disable TLS_DHE_RSA_WITH_AES_256_CBC_SHA and TLS_DHE_RSA_WITH_AES_128_CBC_SHA on the host, or order "
         "ECDHE suites before them (Windows: gpedit.msc, SSL Cipher Suite Order)"}},
       check_dhe_negotiated},

      {"TC011", "wildcard certificate, or file not PEM/DER",
       every(kVos, Scope::both),
       {{"wildcard", error, "{cert} is a wildcard certificate ({names}); VOS appliances refuse wildcard certificates",
         "issue one certificate per node naming its FQDN (or, where the product allows, a multi-server SAN "
         "certificate)"},
        {"not-pem-der", error, "{cert} is neither a PEM nor a DER certificate: {reason}",
         "convert it to PEM (DER: openssl x509 -inform DER -in FILE -out FILE.pem; PKCS#7/.p7b: openssl pkcs7 "
         "-print_certs -in FILE -out FILE.pem)"}},
       check_wildcard},

      {"TC012", "SHA-1 or MD5 signature (weak; warn)",
       every(kAll, Scope::both),
       {{"", warning, "{cert} is signed with {algorithm}, a weak digest that browsers and current Java distrust",
         "have it issued again with SHA-256 or stronger"}},
       check_weak_digest},

      {"TC013", "ECDSA identity on UCCX 11.6+ (no longer used by the suite; warn)",
       {{Product::uccx, Scope::identity}},
       {{"", warning, "{cert} is an ECDSA identity on UCCX {version}; the UCCX suite no longer uses tomcat-ECDSA "
                      "from 11.6",
         "keep the RSA tomcat identity current and leave tomcat-ECDSA as it is"}},
       check_ecdsa_on_uccx},

      {"TC014", "self-signed identities in use: desktops need the client trust bundle (info)",
       every(kVos, Scope::identity),
       {{"", info, "{cert} is self-signed: agent, supervisor and admin browsers warn unless they trust it",
         "deliver the client trust bundle (trustctl bundle SITE) by group policy, or have the identity signed by "
         "a CA"}},
       check_self_signed_identity},
  };
}

bool covers(const Target& target, Product product, bool identity) {
  return target.product == product &&
         (target.scope == Scope::both || (target.scope == Scope::identity) == identity);
}

}  // namespace

bool Rule::applies(std::optional<Product> product, bool identity) const {
  auto covered = [&](Product p) {
    return std::any_of(targets.begin(), targets.end(), [&](const Target& t) { return covers(t, p, identity); });
  };
  if (product) return covered(*product);
  return std::all_of(kAll.begin(), kAll.end(), covered);
}

const RuleMessage& Rule::message(std::string_view variant) const {
  for (const auto& m : messages) {
    if (m.variant == variant) return m;
  }
  return messages.front();
}

const std::vector<Rule>& rule_table() {
  static const std::vector<Rule> table = make_table();
  return table;
}

const Rule* find_rule(std::string_view id) {
  for (const auto& rule : rule_table()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace trustctl::pki::lint
