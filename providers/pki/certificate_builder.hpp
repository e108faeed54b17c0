#pragma once
// Issues X.509 certificates with OpenSSL: self-signed node identities (vos-sim), lab CAs and test chains.

#include "engine/model/certificate.hpp"
#include "providers/pki/key_pair.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl::pki {

struct CertificateSpec {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries
  std::string organization;
  std::string organizational_unit;
  bool is_ca = false;
  int days = 365;
  int not_before_offset_days = 0;      // negative: valid from the past (tests of expiry and validity-start rules)
  // An exact notAfter in ASN.1 form instead of `days`, e.g. "99991231235959Z" (RFC 5280's "no expiry").
  std::optional<std::string> not_after;
  std::optional<std::string> serial_hex;  // random 64-bit serial when empty
  bool server_auth = true;             // EKU serverAuth+clientAuth and the appliance's KU on leaf certificates
  std::string digest = "sha256";       // "md5", "sha1", "sha256", "sha384", "sha512"
  // RSASSA-PSS instead of PKCS#1 v1.5 (issuer key must be RSA): what some Windows CAs emit and Java on Finesse rejects.
  bool rsa_pss = false;
  // Further extensions in OpenSSL config syntax, e.g. {"extendedKeyUsage", "critical,serverAuth"}; added last.
  struct Extension {
    std::string name;
    std::string value;
  };
  std::vector<Extension> extra_extensions;
};

// issuer == nullptr: self-signed with subject_key.
Result<Certificate> issue_certificate(const CertificateSpec& spec, const KeyPair& subject_key,
                                      const Certificate* issuer, const KeyPair& issuer_key);

inline Result<Certificate> self_signed(const CertificateSpec& spec, const KeyPair& key) {
  return issue_certificate(spec, key, nullptr, key);
}

}  // namespace trustctl::pki
