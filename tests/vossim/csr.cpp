#include "tests/vossim/csr.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace vossim {

using trustctl::ErrorCode;

namespace {

std::string hex(const unsigned char* data, std::size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::vector<std::string> request_dns_names(X509_REQ* request) {
  std::vector<std::string> names;
  STACK_OF(X509_EXTENSION)* extensions = X509_REQ_get_extensions(request);
  if (extensions == nullptr) return names;
  for (int i = 0; i < sk_X509_EXTENSION_num(extensions); ++i) {
    X509_EXTENSION* extension = sk_X509_EXTENSION_value(extensions, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(extension)) != NID_subject_alt_name) continue;
    auto* general = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(extension));
    if (general == nullptr) continue;
    for (int j = 0; j < sk_GENERAL_NAME_num(general); ++j) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(general, j);
      if (name->type != GEN_DNS) continue;
      const ASN1_IA5STRING* dns = name->d.dNSName;
      names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                         static_cast<std::size_t>(ASN1_STRING_length(dns)));
    }
    GENERAL_NAMES_free(general);
  }
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  return names;
}

std::string request_common_name(X509_REQ* request) {
  X509_NAME* name = X509_REQ_get_subject_name(request);
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<std::size_t>(ASN1_STRING_length(data)));
}

}  // namespace

std::string public_key_sha256(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  EVP_Digest(der, static_cast<std::size_t>(size), digest, &digest_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return hex(digest, digest_size);
}

std::vector<std::string> default_csr_names(const std::string& fqdn) {
  std::vector<std::string> names = {fqdn};
  const auto dot = fqdn.find('.');
  if (dot != std::string::npos && dot + 1 < fqdn.size()) names.push_back(fqdn.substr(dot + 1));
  return names;
}

trustctl::Result<PendingCsr> generate_csr(const CsrRequest& request) {
  auto key = trustctl::pki::KeyPair::generate(request.key_spec);
  if (!key) return trustctl::fail(key.error());
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> csr(X509_REQ_new(), X509_REQ_free);
  X509_REQ_set_version(csr.get(), 0);
  X509_NAME* name = X509_REQ_get_subject_name(csr.get());
  auto add = [&](const char* field, const std::string& value) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1,
                               -1, 0);
  };
  add("O", "Cisco");
  if (request.include_ou) add("OU", "VOS");
  add("CN", request.common_name);
  X509_REQ_set_pubkey(csr.get(), key->native());

  // The appliance's CSR defaults: SAN, KU digitalSignature+keyEncipherment+dataEncipherment, EKU serverAuth+clientAuth.
  STACK_OF(X509_EXTENSION)* extensions = sk_X509_EXTENSION_new_null();
  auto extension = [&](int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, nid, value.c_str());
    if (ext != nullptr) sk_X509_EXTENSION_push(extensions, ext);
  };
  std::string san;
  for (const auto& dns : request.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + dns;
  if (!san.empty()) extension(NID_subject_alt_name, san);
  extension(NID_key_usage, "digitalSignature,keyEncipherment,dataEncipherment");
  extension(NID_ext_key_usage, "serverAuth,clientAuth");
  X509_REQ_add_extensions(csr.get(), extensions);
  sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
  if (X509_REQ_sign(csr.get(), key->native(), EVP_sha256()) <= 0) {
    return trustctl::fail(ErrorCode::internal, "OpenSSL could not sign the CSR for " + request.common_name);
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509_REQ(bio.get(), csr.get());

  PendingCsr pending;
  pending.pem = bio_text(bio.get());
  pending.key_pem = key->private_pem();
  pending.common_name = request.common_name;
  pending.dns_names = request.dns_names;
  pending.public_key_sha256 = public_key_sha256(key->native());
  return pending;
}

trustctl::Result<PendingCsr> parse_csr(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> csr(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr),
                                                          X509_REQ_free);
  if (!csr) return trustctl::fail(ErrorCode::io, "not a PEM certificate request");
  PendingCsr pending;
  pending.pem = pem;
  pending.common_name = request_common_name(csr.get());
  pending.dns_names = request_dns_names(csr.get());
  EVP_PKEY* key = X509_REQ_get0_pubkey(csr.get());
  pending.public_key_sha256 = key != nullptr ? public_key_sha256(key) : std::string();
  return pending;
}

}  // namespace vossim
