#pragma once
// Certificates made by OpenSSL inside the test, so every test states the chain it relies on.

#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/csr_signer.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <string>
#include <vector>

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

// Signs a node's CSR as a CA that adds its own extensions would (e.g. {"extendedKeyUsage", "critical,serverAuth"}: a
// critical EKU, what breaks UCCX -> CUCM): the CSR's subject, key and SANs, one year.
inline Certificate sign_csr_with_extensions(const std::string& csr_pem, const TestCa& ca,
                                            const std::vector<pki::CertificateSpec::Extension>& extensions) {
  BIO* bio = BIO_new_mem_buf(csr_pem.data(), static_cast<int>(csr_pem.size()));
  X509_REQ* csr = PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (csr == nullptr) throw std::runtime_error("not a CSR: " + csr_pem);
  auto info = *pki::inspect_csr(csr_pem);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x5eed);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600);
  X509_set_subject_name(cert, X509_REQ_get_subject_name(csr));
  X509_set_issuer_name(cert, X509_get_subject_name(ca.certificate.native()));
  X509_set_pubkey(cert, X509_REQ_get0_pubkey(csr));
  std::string san;
  for (const auto& name : info.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + name;
  std::vector<pki::CertificateSpec::Extension> all = extensions;
  if (!san.empty()) all.push_back({"subjectAltName", san});
  for (const auto& extension : all) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca.certificate.native(), cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf(nullptr, &ctx, extension.name.c_str(), extension.value.c_str());
    if (ext == nullptr) throw std::runtime_error("bad extension " + extension.name);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, ca.key.native(), EVP_sha256());
  X509_REQ_free(csr);
  return Certificate(cert);
}

}  // namespace trustctl::testing
