#include "providers/pki/certificate_builder.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace trustctl::pki {
namespace {

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  ossl::X509Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

const EVP_MD* digest_by_name(const std::string& name) {
  if (name == "md5") return EVP_md5();
  if (name == "sha1") return EVP_sha1();
  if (name == "sha384") return EVP_sha384();
  if (name == "sha512") return EVP_sha512();
  return EVP_sha256();
}

bool sign(X509* cert, const KeyPair& issuer_key, const CertificateSpec& spec) {
  if (!spec.rsa_pss) return X509_sign(cert, issuer_key.native(), digest_by_name(spec.digest)) > 0;
  ossl::MdContext md_ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by md_ctx
  return md_ctx &&
         EVP_DigestSignInit(md_ctx.get(), &pkey_ctx, digest_by_name(spec.digest), nullptr, issuer_key.native()) == 1 &&
         EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) == 1 && X509_sign_ctx(cert, md_ctx.get()) > 0;
}

}  // namespace

Result<Certificate> issue_certificate(const CertificateSpec& spec, const KeyPair& subject_key,
                                      const Certificate* issuer, const KeyPair& issuer_key) {
  ossl::X509Ptr owned(X509_new());
  X509* cert = owned.get();
  auto bail = [&](const std::string& what) -> Result<Certificate> {
    return fail(ErrorCode::internal, "cannot issue certificate for '" + spec.common_name + "': " + what);
  };
  X509_set_version(cert, 2);

  ossl::Bignum serial(BN_new());
  if (spec.serial_hex) {
    BIGNUM* into = serial.get();  // BN_hex2bn fills the BIGNUM it is given
    BN_hex2bn(&into, spec.serial_hex->c_str());
  } else {
    BN_rand(serial.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
  }
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert));

  const long day = 24L * 3600L;
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before_offset_days * day);
  if (spec.not_after) {
    if (ASN1_TIME_set_string_X509(X509_getm_notAfter(cert), spec.not_after->c_str()) != 1) {
      return bail("'" + *spec.not_after + "' is not an ASN.1 time (YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ)");
    }
  } else {
    X509_gmtime_adj(X509_getm_notAfter(cert), (spec.not_before_offset_days + spec.days) * day);
  }

  X509_NAME* name = X509_get_subject_name(cert);
  if (!spec.organization.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1, 0);
  }
  if (!spec.organizational_unit.empty()) {
    X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.organizational_unit.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer->native()) : name);
  X509_set_pubkey(cert, subject_key.native());

  X509* issuer_native = issuer ? issuer->native() : nullptr;
  if (spec.is_ca) {
    if (!add_extension(cert, issuer_native, NID_basic_constraints, "critical,CA:TRUE")) return bail("basicConstraints");
    if (!add_extension(cert, issuer_native, NID_key_usage, "critical,keyCertSign,cRLSign")) return bail("keyUsage");
  } else {
    if (!add_extension(cert, issuer_native, NID_basic_constraints, "CA:FALSE")) return bail("basicConstraints");
    if (spec.server_auth) {
      if (!add_extension(cert, issuer_native, NID_key_usage, "digitalSignature,keyEncipherment,dataEncipherment")) {
        return bail("keyUsage");
      }
      if (!add_extension(cert, issuer_native, NID_ext_key_usage, "serverAuth,clientAuth")) return bail("extKeyUsage");
    }
  }
  if (!add_extension(cert, issuer_native, NID_subject_key_identifier, "hash")) return bail("subjectKeyIdentifier");
  if (issuer) {
    if (!add_extension(cert, issuer_native, NID_authority_key_identifier, "keyid:always")) {
      return bail("authorityKeyIdentifier");
    }
  }
  if (!spec.dns_names.empty()) {
    std::string san;
    for (const auto& dns : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + dns;
    if (!add_extension(cert, issuer_native, NID_subject_alt_name, san)) return bail("subjectAltName");
  }

  for (const auto& extra : spec.extra_extensions) {
    if (!add_extension(cert, issuer_native, OBJ_txt2nid(extra.name.c_str()), extra.value)) return bail(extra.name);
  }

  if (!sign(cert, issuer_key, spec)) return bail("signing failed");
  return Certificate(owned.release());
}

}  // namespace trustctl::pki
