#include "engine/model/certificate_names.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

namespace trustctl {
namespace {

std::string name_to_string(const X509_NAME* name) {
  auto bio = ossl::memory_bio();
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return ossl::bio_text(bio.get());
}

std::string common_name_of(const X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  ossl::Buffer<unsigned char> owned(utf8);
  return std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
}

}  // namespace

PrintedNames printed_names_of(const X509* cert) {
  return {name_to_string(X509_get_subject_name(cert)), name_to_string(X509_get_issuer_name(cert)),
          common_name_of(X509_get_subject_name(cert))};
}

}  // namespace trustctl
