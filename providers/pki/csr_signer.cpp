#include "providers/pki/csr_signer.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace trustctl::pki {
namespace {

Result<ossl::X509Req> parse_csr(std::string_view pem) {
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  ossl::X509Req req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) return fail(ErrorCode::protocol, "not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
  return req;
}

void free_extensions(STACK_OF(X509_EXTENSION) * exts) { sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free); }

std::vector<std::string> requested_dns_names(X509_REQ* req) {
  std::vector<std::string> out;
  std::unique_ptr<STACK_OF(X509_EXTENSION), ossl::Deleter<free_extensions>> exts(X509_REQ_get_extensions(req));
  if (!exts) return out;
  int idx = X509v3_get_ext_by_NID(exts.get(), NID_subject_alt_name, -1);
  if (idx < 0) return out;
  ossl::GeneralNames names(static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(X509v3_get_ext(exts.get(), idx))));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type != GEN_DNS) continue;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                     static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)));
  }
  return out;
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ossl::X509Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

}  // namespace

Result<CsrInfo> inspect_csr(std::string_view pem) {
  auto req = parse_csr(pem);
  if (!req) return fail(req.error());
  CsrInfo info;
  const X509_NAME* name = X509_REQ_get_subject_name(req->get());
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx >= 0) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    info.common_name.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                            static_cast<size_t>(ASN1_STRING_length(data)));
  }
  info.dns_names = requested_dns_names(req->get());
  EVP_PKEY* key = X509_REQ_get0_pubkey(req->get());
  if (key) {
    int id = EVP_PKEY_get_base_id(key);
    info.key_type = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "EC" : "unknown";
    info.key_bits = EVP_PKEY_get_bits(key);
    auto bio = ossl::memory_bio();
    PEM_write_bio_PUBKEY(bio.get(), key);
    info.public_key_pem = ossl::bio_text(bio.get());
  }
  return info;
}

Result<Certificate> sign_csr(std::string_view csr_pem, const Certificate& ca, const KeyPair& ca_key,
                             const SigningPolicy& policy) {
  auto req = parse_csr(csr_pem);
  if (!req) return fail(req.error());
  EVP_PKEY* subject_key = X509_REQ_get0_pubkey(req->get());
  if (!subject_key || X509_REQ_verify(req->get(), subject_key) != 1) {
    return fail(ErrorCode::protocol, "the certificate request's signature does not verify");
  }
  if (X509_check_private_key(ca.native(), ca_key.native()) != 1) {
    return fail(ErrorCode::invalid_site, "the CA key does not belong to CA certificate " + ca.subject());
  }
  ossl::X509Ptr owned(X509_new());
  X509* cert = owned.get();
  auto bail = [&](const std::string& what) -> Result<Certificate> {
    return fail(ErrorCode::internal, "cannot sign the certificate request: " + what);
  };
  X509_set_version(cert, 2);
  ossl::Bignum serial(BN_new());
  BN_rand(serial.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert));
  X509_gmtime_adj(X509_getm_notBefore(cert), -300);  // a little slack for clock skew between us and the node
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(policy.days) * 24 * 3600);
  X509_set_subject_name(cert, X509_REQ_get_subject_name(req->get()));
  X509_set_issuer_name(cert, X509_get_subject_name(ca.native()));
  X509_set_pubkey(cert, subject_key);

  if (!add_extension(cert, ca.native(), NID_basic_constraints, "CA:FALSE")) return bail("basicConstraints");
  if (!add_extension(cert, ca.native(), NID_key_usage, "digitalSignature,keyEncipherment,dataEncipherment")) {
    return bail("keyUsage");
  }
  if (!add_extension(cert, ca.native(), NID_ext_key_usage, "serverAuth,clientAuth")) return bail("extKeyUsage");
  if (!add_extension(cert, ca.native(), NID_subject_key_identifier, "hash")) return bail("subjectKeyIdentifier");
  if (!add_extension(cert, ca.native(), NID_authority_key_identifier, "keyid:always")) return bail("authorityKeyIdentifier");
  auto names = requested_dns_names(req->get());
  if (!names.empty()) {
    std::string san;
    for (const auto& n : names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
    if (!add_extension(cert, ca.native(), NID_subject_alt_name, san)) return bail("subjectAltName");
  }
  const EVP_MD* md = policy.digest == "sha384" ? EVP_sha384() : policy.digest == "sha512" ? EVP_sha512() : EVP_sha256();
  if (X509_sign(cert, ca_key.native(), md) <= 0) return bail("signing failed");
  return Certificate(owned.release());
}

}  // namespace trustctl::pki
