#pragma once
// An X.509 certificate held by OpenSSL (shared, immutable), with the few questions trustctl asks of it.
// Certificates are compared by SHA-256 fingerprint of the DER encoding, never by file name or CN.

#include "engine/model/certificate_names.hpp"
#include "engine/model/error.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace trustctl {

// Whole seconds since 1970 (UTC), 64-bit: holds every date X.509 can carry, up to 9999-12-31 (RFC 5280's "no expiry",
// notAfter 99991231235959Z). system_clock::time_point counts nanoseconds and ends in 2262: never convert a TimePoint
// to it (to_time_t, or arithmetic or comparison with system_clock::now()); use now_utc() and format_utc().
using TimePoint = std::chrono::sys_seconds;

// The current time as a TimePoint.
TimePoint now_utc();

// strftime(format) of the time in UTC, e.g. "%Y-%m-%d" -> "9999-12-31".
std::string format_utc(TimePoint time, const char* format);

class Certificate {
 public:
  // Takes ownership of one reference to cert.
  explicit Certificate(X509* cert);

  // A certificate known by its DER encoding, decoded by OpenSSL only when something first asks more of it than its
  // fingerprint (SHA-256 of `der`, computed here). Decoding is the dear part of holding a certificate (OpenSSL 3
  // decodes each public key through its provider machinery, about 0.1 ms each), and a saved plan that apply only
  // compares with the plan it recomputes never asks more (plans/plan_file.hpp). For a DER already known to be a
  // certificate: one that does not decode reads as an empty certificate (no names, key or dates), never a crash.
  static Certificate decoded_on_first_use(std::string der);

  // The same, with the names read from the DER now (printed_names_of_der: microseconds, none of the dear decoding),
  // so a certificate can be named, described and rendered without ever being decoded. A DER whose names cannot be
  // read that way is decoded whole at once instead; nullopt when it is not a certificate at all. For a reader that
  // must refuse what is not a certificate but will mostly only name it (a saved plan read to be shown).
  static std::optional<Certificate> named_from_der(std::string der);

  X509* native() const;  // never null

  const std::string& fingerprint() const { return m_body->fingerprint; }  // SHA-256 of DER, lowercase hex, no colons
  std::string short_fingerprint() const { return m_body->fingerprint.substr(0, 16); }
  std::string pem() const;
  // The names (engine/model/certificate_names.hpp). A certificate made from DER answers them from the DER without
  // decoding it, and gives the same text as the decoded certificate would.
  std::string subject() const;      // RFC 2253 one-line form, e.g. "CN=uccx1.lab.example,O=Lab"
  std::string issuer() const;
  std::string common_name() const;  // empty when the subject has no CN
  std::string serial_hex() const;   // lowercase hex, no leading zeros (at least one digit)
  std::vector<std::string> dns_names() const;  // subjectAltName dNSName entries, in certificate order
  TimePoint not_before() const;
  TimePoint not_after() const;
  bool is_ca() const;               // basicConstraints CA:TRUE
  bool is_self_issued() const;      // subject == issuer and the signature verifies with its own key
  bool issued(const Certificate& subject) const;  // this certificate's key verifies subject's signature
  std::string key_type() const;     // "RSA", "EC", ...
  std::string signer_key_type() const;  // the type of the key that signed it, from the signature algorithm
  int key_bits() const;
  std::string public_key_pem() const;  // SubjectPublicKeyInfo, PEM: compared with a CSR's key

  // The trust-store file name the appliance gives this certificate (docs/appliances.md section 2): "<CN>_<serial>.pem",
  // spaces in the CN turned into "_".
  std::string trust_file_name() const;

  bool operator==(const Certificate& other) const { return m_body->fingerprint == other.m_body->fingerprint; }

 private:
  // Shared by every copy (a certificate is immutable): copying one costs a reference count, not a fingerprint string.
  // An eagerly made certificate holds its X509 from the start; one made from DER keeps the DER until native() first
  // decodes it, once, whichever thread asks first.
  struct Body {
    std::string fingerprint;
    std::string der;        // decoded_on_first_use: what native() decodes; empty when made from an X509
    bool deferred = false;  // decoded_on_first_use: cert is written once, under `decoding`
    mutable std::once_flag decoding;
    mutable X509* cert = nullptr;
    std::optional<PrintedNames> names;  // named_from_der: read when it was made
    ~Body();
  };
  explicit Certificate(std::shared_ptr<const Body> body) : m_body(std::move(body)) {}
  static std::shared_ptr<Body> deferred_body(std::string der);
  std::string name(std::string PrintedNames::*which) const;
  std::shared_ptr<const Body> m_body;
};

// Days before expiry at which a certificate is due for renewal: renew_before_days, or by default the last third of
// its lifetime and at least 30 days (docs/site-format.md). Shared by the planner and lint rule TC006.
int renewal_window_days(const Certificate& certificate, std::optional<int> renew_before_days);

// Every certificate in a PEM text (any number of blocks, other text ignored) or one DER blob.
// An empty result is an error: callers always expect at least one certificate.
Result<std::vector<Certificate>> parse_certificates(std::string_view text);

// The DER of exactly one PEM certificate block (any other text around it ignored); only the block's Base64 is checked.
Result<std::string> der_of_one_pem_certificate(std::string_view text);

// That DER as a certificate decoded on first use (Certificate::decoded_on_first_use). For text whose certificate is
// proven some other way, e.g. by its fingerprint.
Result<Certificate> parse_pem_certificate_deferred(std::string_view text);

// Reads and parses a certificate file; the error names the path.
Result<std::vector<Certificate>> load_certificate_file(const std::string& path);

// The issuers of `leaf`, nearest first, found by signature among `candidates`, up to a self-issued root.
// complete is false when the walk stops at a certificate whose issuer is not among the candidates.
struct IssuerChain {
  std::vector<Certificate> issuers;
  bool complete = false;
};
IssuerChain issuer_chain(const Certificate& leaf, const std::vector<Certificate>& candidates);

// Orders certificates so that every issuer comes before what it issued (roots first). Certificates whose issuer is
// not in the list keep their relative order at the front.
std::vector<Certificate> issuers_first(std::vector<Certificate> certificates);

}  // namespace trustctl
