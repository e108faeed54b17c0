#include "providers/pki/lint/certificate_facts.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <ctime>

namespace trustctl::pki::lint {

std::string label(const Certificate& certificate) {
  std::string name = certificate.common_name();
  if (name.empty()) name = certificate.subject();
  if (name.empty()) name = "(no subject)";
  return name + " [" + certificate.short_fingerprint() + "]";
}

SignatureFacts signature_facts(const Certificate& certificate) {
  SignatureFacts facts;
  X509* x509 = certificate.native();
  int signature_nid = X509_get_signature_nid(x509);
  const char* long_name = OBJ_nid2ln(signature_nid);
  if (signature_nid == NID_rsassaPss) {
    facts.algorithm = "RSASSA-PSS";  // the name the vendor notes and Windows CAs use
  } else if (long_name && signature_nid != NID_undef) {
    facts.algorithm = long_name;
  } else {
    const X509_ALGOR* algorithm = nullptr;
    X509_get0_signature(nullptr, &algorithm, x509);
    char oid[80] = "unknown";
    if (algorithm) OBJ_obj2txt(oid, sizeof oid, algorithm->algorithm, 1);
    facts.algorithm = oid;
  }

  int digest_nid = NID_undef;
  int key_nid = NID_undef;
  // X509_get_signature_info knows the PSS parameters; OBJ_find_sigid_algs covers the plain schemes.
  if (X509_get_signature_info(x509, &digest_nid, &key_nid, nullptr, nullptr) != 1) {
    OBJ_find_sigid_algs(signature_nid, &digest_nid, &key_nid);
  }
  if (digest_nid != NID_undef) {
    const char* digest = OBJ_nid2sn(digest_nid);
    facts.digest = digest ? digest : "";
    std::transform(facts.digest.begin(), facts.digest.end(), facts.digest.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  bool pss = signature_nid == NID_rsassaPss;
  switch (key_nid) {
    case EVP_PKEY_RSA: facts.key_family = pss ? "RSA-PSS" : "RSA"; break;
    case EVP_PKEY_RSA_PSS: facts.key_family = "RSA-PSS"; break;
    case EVP_PKEY_EC: facts.key_family = "EC"; break;
    case EVP_PKEY_DSA: facts.key_family = "DSA"; break;
    case EVP_PKEY_ED25519: facts.key_family = "ED25519"; break;
    case EVP_PKEY_ED448: facts.key_family = "ED448"; break;
    default: facts.key_family = pss ? "RSA-PSS" : "unknown"; break;
  }
  facts.java_accepts = !pss && (facts.key_family == "RSA" || facts.key_family == "EC" || facts.key_family == "DSA");
  facts.weak_digest = digest_nid == NID_md5 || digest_nid == NID_sha1 || digest_nid == NID_md2 ||
                      digest_nid == NID_md4 || digest_nid == NID_md5_sha1;
  return facts;
}

std::vector<std::string> unexpected_critical_extensions(const Certificate& certificate) {
  std::vector<std::string> out;
  const X509* x509 = certificate.native();
  for (int i = 0; i < X509_get_ext_count(x509); ++i) {
    X509_EXTENSION* extension = X509_get_ext(x509, i);
    if (!X509_EXTENSION_get_critical(extension)) continue;
    const ASN1_OBJECT* object = X509_EXTENSION_get_object(extension);
    int nid = OBJ_obj2nid(object);
    if (nid == NID_key_usage || nid == NID_basic_constraints) continue;
    char name[80];
    OBJ_obj2txt(name, sizeof name, object, 0);
    out.emplace_back(name);
  }
  return out;
}

std::string public_key_pem(const Certificate& certificate) { return certificate.public_key_pem(); }

std::string format_date(TimePoint time) { return format_utc(time, "%Y-%m-%d"); }

}  // namespace trustctl::pki::lint
