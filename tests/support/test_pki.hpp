#pragma once
// Certificates made by OpenSSL inside the test, so every test states the chain it relies on.

#include "providers/pki/certificate_builder.hpp"

#include <string>

namespace trustctl::testing {

struct TestCa {
  pki::KeyPair key;
  Certificate certificate;
};

inline TestCa make_root(const std::string& cn) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto cert = *pki::self_signed({.common_name = cn, .is_ca = true, .days = 3650}, key);
  return {key, cert};
}

inline TestCa make_intermediate(const std::string& cn, const TestCa& issuer) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto cert = *pki::issue_certificate({.common_name = cn, .is_ca = true, .days = 1825}, key, &issuer.certificate,
                                      issuer.key);
  return {key, cert};
}

inline Certificate make_leaf(const std::string& fqdn, const TestCa& issuer) {
  auto key = *pki::KeyPair::generate("ec-256");
  return *pki::issue_certificate({.common_name = fqdn, .dns_names = {fqdn}}, key, &issuer.certificate, issuer.key);
}

}  // namespace trustctl::testing
