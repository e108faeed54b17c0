#pragma once
// What lint asks of a certificate beyond the model's questions: how it is signed, which extensions are critical,
// when it is due for renewal, and how to name it in a message.

#include "engine/model/certificate.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl::pki::lint {

// "uccx1.lab.example [3f2a1b9c0d1e2f30]": the CN (the subject when there is none) and the short fingerprint, so two
// certificates with one CN can be told apart.
std::string label(const Certificate& certificate);

struct SignatureFacts {
  std::string algorithm;   // as OpenSSL names it: "sha256WithRSAEncryption", "RSASSA-PSS", "ecdsa-with-SHA256"
  std::string digest;      // "sha256", "sha1", "md5", ... ("" when the scheme has none, e.g. Ed25519)
  std::string key_family;  // of the signer's key: "RSA", "RSA-PSS", "EC", "DSA", "ED25519", ...
  // Java 8's providers on Finesse verify PKCS#1 v1.5 RSA, ECDSA and DSA signatures, never RSASSA-PSS or EdDSA
  // (the vendor's gadget note lists the accepted ones: MD2/MD5/SHA1/SHA256/SHA384/SHA512withRSA).
  bool java_accepts = false;
  bool weak_digest = false;  // MD2, MD4, MD5 or SHA-1
  bool rsa_signer() const { return key_family == "RSA" || key_family == "RSA-PSS"; }
};
SignatureFacts signature_facts(const Certificate& certificate);

// Extensions marked critical other than Key Usage and Basic Constraints, by name (the OID when OpenSSL has none).
std::vector<std::string> unexpected_critical_extensions(const Certificate& certificate);


// The certificate's public key as PEM (SubjectPublicKeyInfo), comparable with CsrInfo::public_key_pem.
std::string public_key_pem(const Certificate& certificate);

// "2027-03-01"
std::string format_date(TimePoint time);

}  // namespace trustctl::pki::lint
