#include "tests/vossim/x509_tools.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace vossim {

using trustctl::ErrorCode;
using trustctl::pki::KeyPair;

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

trustctl::Result<KeyPair> key_pair_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot write a derived key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return KeyPair::from_pem(std::string_view(data, static_cast<std::size_t>(size)));
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Removes the extension with nid; true when it was there.
bool remove_extension(X509* cert, int nid) {
  const int at = X509_get_ext_by_NID(cert, nid, -1);
  if (at < 0) return false;
  X509_EXTENSION_free(X509_delete_ext(cert, at));
  return true;
}

// The digest the original was signed with (SHA-256 when it cannot be told).
const EVP_MD* original_digest(const X509* original) {
  int digest = NID_undef;
  int key = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(original), &digest, &key) == 1 && digest != NID_undef) {
    if (const EVP_MD* md = EVP_get_digestbynid(digest)) return md;
  }
  return EVP_sha256();
}

}  // namespace

trustctl::Result<KeyPair> deterministic_ec_key(const std::string& seed) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest);
  GroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr scalar(BN_bin2bn(digest, sizeof digest, nullptr));
  if (!group || !ctx || !scalar || BN_nnmod(scalar.get(), scalar.get(), EC_GROUP_get0_order(group.get()), ctx.get()) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot derive an EC key");
  }
  if (BN_is_zero(scalar.get())) BN_one(scalar.get());
  PointPtr point(EC_POINT_new(group.get()));
  unsigned char public_key[65];
  if (!point || EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, ctx.get()) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot derive an EC public key");
  }
  const std::size_t length = EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, public_key,
                                                sizeof public_key, ctx.get());
  ParamBldPtr build(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, scalar.get());
  OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key, length);
  ParamPtr params(OSSL_PARAM_BLD_to_param(build.get()));
  PkeyCtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* made = nullptr;
  if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1 ||
      EVP_PKEY_fromdata(pctx.get(), &made, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot build a derived EC key");
  }
  PkeyPtr key(made);
  return key_pair_of(key.get());
}

trustctl::Result<Certificate> fixed_self_signed_ca(const FixedCaSpec& spec, const KeyPair& key) {
  X509Ptr cert(X509_new());
  auto fail = [&](const char* what) {
    return trustctl::fail(ErrorCode::internal, "cannot make CA certificate '" + spec.common_name + "': " + what);
  };
  X509_set_version(cert.get(), 2);
  BIGNUM* serial = nullptr;
  if (BN_hex2bn(&serial, spec.serial_hex.c_str()) == 0) return fail("bad serial");
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  if (ASN1_TIME_set_string_X509(X509_getm_notBefore(cert.get()), spec.not_before.c_str()) != 1 ||
      ASN1_TIME_set_string_X509(X509_getm_notAfter(cert.get()), spec.not_after.c_str()) != 1) {
    return fail("bad validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!spec.organization.empty()) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1, 0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.native());
  if (!add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always")) {
    return fail("extensions refused");
  }
  if (X509_sign(cert.get(), key.native(), EVP_sha256()) <= 0) return fail("signing failed");
  return Certificate(cert.release());
}

trustctl::Result<Certificate> rekeyed_copy(const Certificate& original, const KeyPair& subject_key,
                                           const KeyPair& signer_key, const Certificate* signer) {
  X509Ptr copy(X509_dup(original.native()));
  if (!copy) return trustctl::fail(ErrorCode::internal, "cannot copy " + original.subject());
  const bool self_signed = original.is_self_issued();
  if (X509_set_pubkey(copy.get(), subject_key.native()) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot set the new key of " + original.subject());
  }
  if (remove_extension(copy.get(), NID_subject_key_identifier)) {
    add_extension(copy.get(), copy.get(), NID_subject_key_identifier, "hash");
  }
  // The authority key identifier names the signer's key: recomputed for a self-signed copy or a real signer; a
  // stand-in signer keeps the original's (the real issuer's), as the certificate the real CA made would carry.
  if ((self_signed || signer != nullptr) && remove_extension(copy.get(), NID_authority_key_identifier)) {
    add_extension(copy.get(), self_signed ? copy.get() : signer->native(), NID_authority_key_identifier,
                  "keyid:always");
  }
  if (X509_sign(copy.get(), signer_key.native(), original_digest(original.native())) <= 0) {
    return trustctl::fail(ErrorCode::internal, "cannot sign the copy of " + original.subject());
  }
  return Certificate(copy.release());
}

}  // namespace vossim
