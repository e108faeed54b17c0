#include "engine/model/certificate_names.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>

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

std::string serial_to_hex(const ASN1_INTEGER* serial) {
  ossl::Bignum bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "0";
  ossl::Buffer<char> hex(BN_bn2hex(bn.get()));
  if (!hex) return "0";
  std::string out(hex.get());
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  size_t first = out.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  return out.substr(first);
}

PrintedNames printed(const X509_NAME* subject, const X509_NAME* issuer, const ASN1_INTEGER* serial) {
  return {name_to_string(subject), name_to_string(issuer), common_name_of(subject), serial_to_hex(serial)};
}

using Name = std::unique_ptr<X509_NAME, ossl::Deleter<X509_NAME_free>>;
using Integer = std::unique_ptr<ASN1_INTEGER, ossl::Deleter<ASN1_INTEGER_free>>;

// A cursor over DER content: each step reads one element and moves past it, never beyond `end`.
class DerCursor {
 public:
  DerCursor(const unsigned char* begin, const unsigned char* end) : m_at(begin), m_end(end) {}

  // Enters the next element, which must be a universal constructed SEQUENCE: a cursor over its content.
  std::optional<DerCursor> sequence() {
    auto e = next();
    if (!e || e->cls != V_ASN1_UNIVERSAL || e->tag != V_ASN1_SEQUENCE || !e->constructed) return std::nullopt;
    return DerCursor(e->content, e->content + e->length);
  }
  // Steps over the next element if it carries this context-specific tag ([0] version): whether it did.
  bool skip_context(int tag) {
    auto e = peek();
    if (!e || e->cls != V_ASN1_CONTEXT_SPECIFIC || e->tag != tag) return false;
    m_at = e->content + e->length;
    return true;
  }
  // Steps over the next element, which must be a universal SEQUENCE (an AlgorithmIdentifier, a Validity).
  bool skip_sequence() { return sequence().has_value(); }
  Integer integer() {
    const unsigned char* p = m_at;
    Integer out(d2i_ASN1_INTEGER(nullptr, &p, left()));
    if (out) m_at = p;
    return out;
  }
  Name name() {
    const unsigned char* p = m_at;
    Name out(d2i_X509_NAME(nullptr, &p, left()));
    if (out) m_at = p;
    return out;
  }

 private:
  struct Element {
    int tag = 0;
    int cls = 0;
    bool constructed = false;
    const unsigned char* content = nullptr;
    long length = 0;
  };
  long left() const { return static_cast<long>(m_end - m_at); }
  std::optional<Element> peek() const {
    if (m_at >= m_end) return std::nullopt;
    Element e;
    const unsigned char* p = m_at;
    const int flags = ASN1_get_object(&p, &e.length, &e.tag, &e.cls, left());
    // 0x80: malformed or longer than what is left; 0x01: indefinite length (BER, not DER).
    if ((flags & 0x80) || (flags & 0x01)) return std::nullopt;
    e.constructed = (flags & V_ASN1_CONSTRUCTED) != 0;
    e.content = p;
    return e;
  }
  std::optional<Element> next() {
    auto e = peek();
    if (e) m_at = e->content + e->length;
    return e;
  }

  const unsigned char* m_at;
  const unsigned char* m_end;
};

}  // namespace

PrintedNames printed_names_of(const X509* cert) {
  return printed(X509_get_subject_name(cert), X509_get_issuer_name(cert), X509_get0_serialNumber(cert));
}

std::optional<PrintedNames> printed_names_of_der(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  DerCursor whole(begin, begin + der.size());
  auto certificate = whole.sequence();  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
  if (!certificate) return std::nullopt;
  auto tbs = certificate->sequence();
  if (!tbs) return std::nullopt;
  tbs->skip_context(0);  // version [0] EXPLICIT, absent for v1
  Integer serial = tbs->integer();
  if (!serial || !tbs->skip_sequence()) return std::nullopt;  // signature AlgorithmIdentifier
  Name issuer = tbs->name();
  if (!issuer || !tbs->skip_sequence()) return std::nullopt;  // validity
  Name subject = tbs->name();
  if (!subject) return std::nullopt;
  return printed(subject.get(), issuer.get(), serial.get());
}

}  // namespace trustctl
