#pragma once
// Keys, CSRs and chains the lint tests make with OpenSSL. Keys are generated once per test binary (RSA generation is
// the slow part); every certificate is issued inside the test that relies on it.

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/lint/certificate_facts.hpp"
#include "providers/pki/lint/finding.hpp"
#include "providers/pki/lint/linter.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustctl::pki::lint::testing {

// The value, or the test fails here with OpenSSL's reason (never a dereferenced error).
template <typename T>
T must(Result<T> result) {
  if (!result) throw std::runtime_error(result.error().message);
  return std::move(*result);
}

// RSA keys of 3072 bits and more made of three or four primes: the modulus (all that lint looks at) has the size
// asked for, and generation takes a fraction of the time, which matters when ctest runs every test in parallel.
inline EVP_PKEY* quick_rsa(unsigned bits) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr);
  EVP_PKEY* out = nullptr;
  if (EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, static_cast<int>(bits)) == 1 &&
      EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, bits >= 4096 ? 4 : 3) == 1) {
    EVP_PKEY_keygen(ctx, &out);
  }
  EVP_PKEY_CTX_free(ctx);
  return out;
}

// A key by spec: "rsa-BITS" (any size, e.g. "rsa-4104"), "ec-256", "ec-384", "ec-521", or "ec-224" (P-224, which
// tomcat-ECDSA refuses). One per spec per test binary.
inline const KeyPair& key(const std::string& spec) {
  static std::map<std::string, KeyPair> cache;
  auto it = cache.find(spec);
  if (it != cache.end()) return it->second;
  EVP_PKEY* raw = nullptr;
  if (spec.rfind("rsa-", 0) == 0) {
    unsigned bits = static_cast<unsigned>(std::stoi(spec.substr(4)));
    raw = bits >= 3072 ? quick_rsa(bits) : EVP_RSA_gen(bits);
  } else if (spec == "ec-224") {
    raw = EVP_EC_gen("P-224");
  } else {
    return cache.emplace(spec, must(KeyPair::generate(spec))).first->second;
  }
  if (!raw) throw std::runtime_error("OpenSSL could not make a " + spec + " key");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, raw, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(raw);
  return cache.emplace(spec, must(KeyPair::from_pem(pem))).first->second;
}

struct Ca {
  const KeyPair* key;
  Certificate certificate;
};

inline Ca root_ca(const std::string& cn, const std::string& key_spec = "ec-256",
                  CertificateSpec spec = {.days = 3650}) {
  spec.common_name = cn;
  spec.is_ca = true;
  const KeyPair& k = key(key_spec);
  return {&k, must(self_signed(spec, k))};
}

inline Ca intermediate_ca(const std::string& cn, const Ca& issuer, const std::string& key_spec = "ec-384",
                          CertificateSpec spec = {.days = 1825}) {
  spec.common_name = cn;
  spec.is_ca = true;
  const KeyPair& k = key(key_spec);
  return {&k, must(issue_certificate(spec, k, &issuer.certificate, *issuer.key))};
}

// A leaf for fqdn (SAN = {fqdn} unless spec names others), issued by `issuer` or self-signed when it is null.
inline Certificate leaf(const std::string& fqdn, const Ca* issuer, const std::string& key_spec = "rsa-2048",
                        CertificateSpec spec = {}) {
  spec.common_name = spec.common_name.empty() ? fqdn : spec.common_name;
  if (spec.dns_names.empty()) spec.dns_names = {fqdn};
  const KeyPair& k = key(key_spec);
  if (!issuer) return must(self_signed(spec, k));
  return must(issue_certificate(spec, k, &issuer->certificate, *issuer->key));
}

// A PKCS#10 request as a node would make it: CN and SAN dNSNames, signed with `subject_key`.
inline std::string make_csr_pem(const std::string& cn, const std::vector<std::string>& dns_names,
                                const KeyPair& subject_key) {
  X509_REQ* req = X509_REQ_new();
  X509_NAME* name = X509_REQ_get_subject_name(req);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                             0);
  X509_REQ_set_pubkey(req, subject_key.native());
  if (!dns_names.empty()) {
    std::string san;
    for (const auto& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
    STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
    sk_X509_EXTENSION_push(extensions, X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
    X509_REQ_add_extensions(req, extensions);
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  }
  X509_REQ_sign(req, subject_key.native(), EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  X509_REQ_free(req);
  return pem;
}

// The findings of one rule. Every finding must be fully worded: no placeholder left, a fix given, and a finding
// about a certificate names it (CN and short fingerprint) in its message.
inline std::vector<Finding> of_rule(const std::vector<Finding>& findings, const std::string& rule) {
  std::vector<Finding> out;
  for (const auto& f : findings) {
    EXPECT_EQ(f.message.find('{'), std::string::npos) << f.message;
    EXPECT_EQ(f.fix.find('{'), std::string::npos) << f.fix;
    EXPECT_FALSE(f.fix.empty()) << f.rule;
    if (f.subject.find(" [") != std::string::npos) {
      EXPECT_NE(f.message.find(f.subject.substr(0, f.subject.find(']') + 1)), std::string::npos) << f.message;
    }
    if (f.rule == rule) out.push_back(f);
  }
  return out;
}

inline LintContext identity_context(Product product, const std::string& unit = "tomcat") {
  LintContext context;
  context.product = product;
  context.unit = unit;
  return context;
}

inline LintContext trust_context(Product product, std::vector<Certificate> store = {}) {
  LintContext context;
  context.product = product;
  context.unit = "tomcat-trust";
  if (!store.empty()) context.trust_store = std::move(store);
  return context;
}

}  // namespace trustctl::pki::lint::testing
