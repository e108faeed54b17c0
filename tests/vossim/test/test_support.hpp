#pragma once
// Shared helpers for the vos-sim suites: a temporary directory (tests/support) and certificates made with the project's pki builder.

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace vossim::test {

using trustctl::testing::TempDir;
inline std::string read_file(const std::filesystem::path& path) { return trustctl::testing::read_text(path); }

struct Issued {
  trustctl::Certificate certificate;
  trustctl::pki::KeyPair key;
};

// A certificate signed by issuer (or self-signed when issuer is null). EC keys keep the suite fast; key_spec asks
// for another (an RSA CA: "rsa-2048").
inline Issued make_certificate(const std::string& cn, bool is_ca, const Issued* issuer = nullptr, int days = 365,
                               int not_before_offset_days = 0, const std::string& key_spec = "ec-256") {
  auto key = trustctl::pki::KeyPair::generate(key_spec);
  EXPECT_TRUE(key.has_value());
  trustctl::pki::CertificateSpec spec;
  spec.common_name = cn;
  spec.dns_names = is_ca ? std::vector<std::string>{} : std::vector<std::string>{cn};
  spec.is_ca = is_ca;
  spec.server_auth = !is_ca;
  spec.days = days;
  spec.not_before_offset_days = not_before_offset_days;
  auto certificate = issuer == nullptr
                         ? trustctl::pki::self_signed(spec, *key)
                         : trustctl::pki::issue_certificate(spec, *key, &issuer->certificate, issuer->key);
  EXPECT_TRUE(certificate.has_value()) << (certificate ? "" : certificate.error().message);
  return Issued{*certificate, *key};
}

// A CA signing a CSR as a lab CA would: the CSR's public key, CN = cn, SAN = names (a CA that "adds names" is a
// test passing more names than the CSR asked for). key_override: sign a different public key (key mismatch tests).
// extended_key_usage: an extendedKeyUsage value in OpenSSL config syntax ("critical,serverAuth": what breaks UCCX ->
// CUCM); valid_seconds: how long the certificate lasts from now (expiry tests).
struct SignOptions {
  std::string extended_key_usage;
  long valid_seconds = 365L * 24 * 3600;
};
inline trustctl::Certificate sign_csr(const std::string& csr_pem, const Issued& ca, const std::string& cn,
                                      const std::vector<std::string>& names,
                                      const trustctl::pki::KeyPair* key_override = nullptr,
                                      const SignOptions& options = {}) {
  BIO* bio = BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size()));
  X509_REQ* csr = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(csr, nullptr) << csr_pem;
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), static_cast<long>(std::random_device{}() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), options.valid_seconds);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(ca.certificate.native()));
  X509_set_pubkey(cert, key_override != nullptr ? key_override->native() : X509_REQ_get0_pubkey(csr));
  std::string san;
  for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca.certificate.native(), cert, nullptr, nullptr, 0);
  if (!san.empty()) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (!options.extended_key_usage.empty()) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_ext_key_usage, options.extended_key_usage.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, ca.key.native(), EVP_sha256());
  X509_REQ_free(csr);
  return trustctl::Certificate(cert);
}

inline int count_of(const std::string& text, const std::string& needle) {
  int count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

}  // namespace vossim::test
