#include "engine/model/certificate.hpp"

#include "engine/model/certificate_names.hpp"

#include "engine/base/openssl_handles.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace trustctl {
namespace {

// Whole seconds (TimePoint) hold every date ASN.1 can carry, from year 0 to 9999: no clamping, no overflow.
TimePoint asn1_to_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint{};
  // Not system_clock::from_time_t: its nanoseconds overflow after 2262 (a "no expiry" 9999 date read as 1816).
  return TimePoint{std::chrono::seconds{static_cast<std::int64_t>(timegm(&tm))}};
}

std::string to_hex(const unsigned char* data, size_t len) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (size_t i = 0; i < len; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xf]);
  }
  return out;
}

// A signature check is the most expensive question the planner asks, and a fleet asks the same one thousands of times
// (the same root and intermediate in every node's store, the same issuer for every node identity). The answer depends
// only on the two certificates' DER encodings, which their SHA-256 fingerprints name, so it is remembered for the life
// of the process. Refresh runs in parallel threads, hence the lock. Bounded: a process that checks more pairs than
// this simply starts over.
class SignatureMemo {
 public:
  std::optional<bool> find(const std::string& pair) {
    std::lock_guard lock(m_mutex);
    auto it = m_results.find(pair);
    if (it == m_results.end()) return std::nullopt;
    return it->second;
  }
  void remember(std::string pair, bool verified) {
    std::lock_guard lock(m_mutex);
    if (m_results.size() >= kCapacity) m_results.clear();
    m_results.emplace(std::move(pair), verified);
  }

 private:
  static constexpr std::size_t kCapacity = 1 << 20;
  std::mutex m_mutex;
  std::unordered_map<std::string, bool> m_results;  // issuer fingerprint + subject fingerprint -> verified
};

SignatureMemo& verified_signatures() {
  static SignatureMemo memo;
  return memo;
}

// The names as text are asked for again and again of the same few CA certificates (the chain-order rule compares
// names within every node's store; every action's id and description names its certificate). Like a signature check,
// the answer depends only on the DER encoding the fingerprint names, so it is remembered the same way: for the life
// of the process, bounded, and locked for refresh's threads.
class NameMemo {
 public:
  template <typename Read>
  std::string get(const std::string& fingerprint, std::string PrintedNames::*which, Read read) {
    if (fingerprint.empty()) return read().*which;  // no digest (an empty certificate): nothing to key it by
    {
      std::lock_guard lock(m_mutex);
      auto it = m_names.find(fingerprint);
      if (it != m_names.end()) return it->second.*which;
    }
    PrintedNames names = read();
    std::string out = names.*which;
    std::lock_guard lock(m_mutex);
    if (m_names.size() >= kCapacity) m_names.clear();
    m_names.emplace(fingerprint, std::move(names));
    return out;
  }

 private:
  static constexpr std::size_t kCapacity = 1 << 16;
  std::mutex m_mutex;
  std::unordered_map<std::string, PrintedNames> m_names;  // by fingerprint
};

NameMemo& printed_names() {
  static NameMemo memo;
  return memo;
}

}  // namespace

TimePoint now_utc() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string format_utc(TimePoint time, const char* format) {
  const std::time_t t = static_cast<std::time_t>(time.time_since_epoch().count());
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "?";
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

Certificate::Body::~Body() { X509_free(cert); }

Certificate::Certificate(X509* cert) {
  auto body = std::make_shared<Body>();
  body->cert = cert;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), md, &len);
  body->fingerprint = to_hex(md, len);
  m_body = std::move(body);
}

std::shared_ptr<Certificate::Body> Certificate::deferred_body(std::string der) {
  auto body = std::make_shared<Body>();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr);
  body->fingerprint = to_hex(md, len);
  body->der = std::move(der);
  body->deferred = true;
  return body;
}

Certificate Certificate::decoded_on_first_use(std::string der) {
  return Certificate(std::shared_ptr<const Body>(deferred_body(std::move(der))));
}

std::optional<Certificate> Certificate::named_from_der(std::string der) {
  auto body = deferred_body(std::move(der));
  body->names = printed_names_of_der(body->der);
  if (!body->names) {
    // Not the DER walk printed_names_of_der knows (e.g. BER lengths): let OpenSSL decide, once, now.
    const unsigned char* p = reinterpret_cast<const unsigned char*>(body->der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(body->der.size()));
    if (!cert) return std::nullopt;
    body->names = printed_names_of(cert);
    body->cert = cert;
    body->deferred = false;
  }
  return Certificate(std::shared_ptr<const Body>(std::move(body)));
}

X509* Certificate::native() const {
  const Body& body = *m_body;
  if (!body.deferred) return body.cert;  // set before any copy existed, never changes
  std::call_once(body.decoding, [&body] {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(body.der.data());
    X509* cert = d2i_X509(nullptr, &p, static_cast<long>(body.der.size()));
    // Not a certificate after all (the caller vouched for it): an empty one answers every question harmlessly.
    body.cert = cert ? cert : X509_new();
  });
  return body.cert;
}

std::string Certificate::pem() const {
  auto bio = ossl::memory_bio();
  PEM_write_bio_X509(bio.get(), native());
  return ossl::bio_text(bio.get());
}

std::string Certificate::name(std::string PrintedNames::*which) const {
  const Body& body = *m_body;
  if (body.names) return *body.names.*which;
  return printed_names().get(body.fingerprint, which, [this, &body] {
    if (body.deferred) {
      if (auto from_der = printed_names_of_der(body.der)) return *from_der;
    }
    return printed_names_of(native());
  });
}

std::string Certificate::subject() const { return name(&PrintedNames::subject); }
std::string Certificate::issuer() const { return name(&PrintedNames::issuer); }
std::string Certificate::common_name() const { return name(&PrintedNames::common_name); }
std::string Certificate::serial_hex() const { return name(&PrintedNames::serial_hex); }

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> out;
  ossl::GeneralNames names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(native(), NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type != GEN_DNS) continue;
    const ASN1_STRING* s = gn->d.dNSName;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

TimePoint Certificate::not_before() const { return asn1_to_time(X509_get0_notBefore(native())); }
TimePoint Certificate::not_after() const { return asn1_to_time(X509_get0_notAfter(native())); }

bool Certificate::is_ca() const { return X509_check_ca(native()) >= 1; }

bool Certificate::is_self_issued() const { return issued(*this); }

bool Certificate::issued(const Certificate& subject) const {
  if (X509_NAME_cmp(X509_get_subject_name(native()), X509_get_issuer_name(subject.native())) != 0) {
    return false;
  }
  std::string pair = m_body->fingerprint + subject.m_body->fingerprint;
  if (auto known = verified_signatures().find(pair)) return *known;
  EVP_PKEY* key = X509_get0_pubkey(native());
  bool verified = key && X509_verify(subject.native(), key) == 1;
  verified_signatures().remember(std::move(pair), verified);
  return verified;
}

std::string Certificate::key_type() const {
  EVP_PKEY* key = X509_get0_pubkey(native());
  if (!key) return "unknown";
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "ED25519";
    default: return "unknown";
  }
}

std::string Certificate::signer_key_type() const {
  int digest = NID_undef, key = NID_undef;
  if (OBJ_find_sigid_algs(X509_get_signature_nid(native()), &digest, &key) != 1) return "unknown";
  switch (key) {
    case NID_rsaEncryption: return "RSA";
    case NID_rsassaPss: return "RSA-PSS";
    case NID_X9_62_id_ecPublicKey: return "EC";
    case NID_ED25519: return "ED25519";
    default: return "unknown";
  }
}

int Certificate::key_bits() const {
  EVP_PKEY* key = X509_get0_pubkey(native());
  return key ? EVP_PKEY_get_bits(key) : 0;
}

std::string Certificate::public_key_pem() const {
  EVP_PKEY* key = X509_get0_pubkey(native());
  if (!key) return {};
  auto bio = ossl::memory_bio();
  return PEM_write_bio_PUBKEY(bio.get(), key) == 1 ? ossl::bio_text(bio.get()) : std::string();
}

std::string Certificate::trust_file_name() const {
  std::string cn = common_name();
  if (cn.empty()) cn = "certificate";
  std::replace(cn.begin(), cn.end(), ' ', '_');
  std::replace(cn.begin(), cn.end(), '/', '_');
  return cn + "_" + serial_hex() + ".pem";
}

Result<std::vector<Certificate>> parse_certificates(std::string_view text) {
  std::vector<Certificate> out;
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    ossl::Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
    if (out.empty()) return fail(ErrorCode::invalid_site, "the PEM block could not be decoded as a certificate");
    return out;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  if (X509* cert = d2i_X509(nullptr, &p, static_cast<long>(text.size()))) {
    out.emplace_back(cert);
    return out;
  }
  return fail(ErrorCode::invalid_site, "no certificate found: expected PEM (-----BEGIN CERTIFICATE-----) or DER");
}

Result<std::string> der_of_one_pem_certificate(std::string_view text) {
  ossl::Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  std::optional<std::string> der;
  int blocks = 0;
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  // Every block, as PEM_read_bio_X509 would skip to them; any block but one certificate is refused.
  while (PEM_read_bio(bio.get(), &name, &header, &data, &len) == 1) {
    ossl::Buffer<char> owned_name(name), owned_header(header);
    ossl::Buffer<unsigned char> owned_data(data);
    ++blocks;
    if (std::string_view(name) == PEM_STRING_X509) {
      der.emplace(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
    }
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (blocks != 1 || !der) return fail(ErrorCode::invalid_site, "expected exactly one PEM certificate");
  return std::move(*der);
}

Result<Certificate> parse_pem_certificate_deferred(std::string_view text) {
  auto der = der_of_one_pem_certificate(text);
  if (!der) return fail(der.error());
  return Certificate::decoded_on_first_use(std::move(*der));
}

Result<std::vector<Certificate>> load_certificate_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io, "cannot read certificate file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto certs = parse_certificates(buf.str());
  if (!certs) return fail(certs.error().code, path + ": " + certs.error().message);
  return certs;
}

int renewal_window_days(const Certificate& certificate, std::optional<int> renew_before_days) {
  if (renew_before_days) return *renew_before_days;
  auto lifetime = std::chrono::duration_cast<std::chrono::hours>(certificate.not_after() - certificate.not_before());
  int lifetime_days = static_cast<int>(lifetime.count() / 24);
  return std::max(30, lifetime_days / 3);
}

IssuerChain issuer_chain(const Certificate& leaf, const std::vector<Certificate>& candidates) {
  IssuerChain out;
  const Certificate* current = &leaf;
  for (std::size_t depth = 0; depth < 16; ++depth) {
    if (current->is_self_issued()) {
      out.complete = true;
      return out;
    }
    const Certificate* parent = nullptr;
    for (const auto& candidate : candidates) {
      if (candidate == *current) continue;
      if (candidate.issued(*current)) {
        parent = &candidate;
        break;
      }
    }
    if (!parent) return out;
    out.issuers.push_back(*parent);
    current = &out.issuers.back();
  }
  return out;
}

std::vector<Certificate> issuers_first(std::vector<Certificate> certificates) {
  // Depth = number of issuers above a certificate within the list; sort by depth, stable.
  std::map<std::string, int> depth;
  std::function<int(const Certificate&, int)> depth_of = [&](const Certificate& c, int guard) -> int {
    auto it = depth.find(c.fingerprint());
    if (it != depth.end()) return it->second;
    int d = 0;
    if (guard < 16) {
      for (const auto& other : certificates) {
        if (other == c) continue;
        if (other.issued(c)) { d = depth_of(other, guard + 1) + 1; break; }
      }
    }
    depth[c.fingerprint()] = d;
    return d;
  };
  for (const auto& c : certificates) depth_of(c, 0);
  std::stable_sort(certificates.begin(), certificates.end(), [&](const Certificate& a, const Certificate& b) {
    return depth[a.fingerprint()] < depth[b.fingerprint()];
  });
  return certificates;
}

}  // namespace trustctl
