#pragma once
// Certificate surgery vos-sim needs and the pki builder does not offer: EC keys derived from a name (the same name
// gives the same key on every run), fixed validity dates, and a copy of a certificate on a fresh key (a twin keeps a
// live site's subjects, SANs, issuers, serials, validity and extensions; only the keys are new).

#include "engine/model/certificate.hpp"
#include "providers/pki/key_pair.hpp"

#include <string>

namespace vossim {

using trustctl::Certificate;

// An EC P-256 key whose private scalar is SHA-256 of seed (reduced to the curve order): deterministic.
trustctl::Result<trustctl::pki::KeyPair> deterministic_ec_key(const std::string& seed);

// A self-signed CA certificate (basicConstraints CA:TRUE critical, keyCertSign and cRLSign, subject and authority
// key identifiers) with exactly these fields: nothing in it depends on the clock or a random number except the ECDSA
// signature.
struct FixedCaSpec {
  std::string common_name;
  std::string organization;
  std::string serial_hex;
  std::string not_before;  // "YYYYMMDDHHMMSSZ"
  std::string not_after;
};
trustctl::Result<Certificate> fixed_self_signed_ca(const FixedCaSpec& spec, const trustctl::pki::KeyPair& key);

// A copy of original carrying subject_key's public key, signed by signer_key: subject, issuer, serial, validity and
// every extension are kept, except the key identifiers, which are made to match the new keys (the subject key
// identifier from subject_key; the authority key identifier from signer, or from subject_key when self-signed).
// signer: the issuer's certificate when a real issuer key signs; null for a self-signed copy or a stand-in signer.
trustctl::Result<Certificate> rekeyed_copy(const Certificate& original, const trustctl::pki::KeyPair& subject_key,
                                           const trustctl::pki::KeyPair& signer_key, const Certificate* signer);

}  // namespace vossim
