#pragma once
// The names trustctl prints of a certificate: its subject and issuer in RFC 2253 form, its common name and its serial
// number, as OpenSSL prints them. Read either from a decoded certificate or straight from its DER encoding; both
// decode the same bytes with the same OpenSSL types (X509_NAME, ASN1_INTEGER), so both give the same text.

#include <optional>
#include <string>
#include <string_view>

typedef struct x509_st X509;

namespace trustctl {

struct PrintedNames {
  std::string subject;      // RFC 2253 one-line form, e.g. "CN=uccx1.lab.example,O=Lab"
  std::string issuer;
  std::string common_name;  // empty when the subject has no CN
  std::string serial_hex;   // lowercase hex, no leading zeros (at least one digit)
};

PrintedNames printed_names_of(const X509* cert);

// The same names read from a certificate's DER without decoding the rest of it: RFC 5280's TBSCertificate is walked
// up to its subject (version, serialNumber, signature, issuer, validity, subject) and only the serial number and the
// two names are decoded. A few microseconds, where OpenSSL 3 takes about 0.1 ms to decode a whole certificate (its
// public key through the provider machinery, its extensions cached). nullopt when the DER does not begin the way a
// certificate does, or uses a BER form DER forbids (an indefinite length).
std::optional<PrintedNames> printed_names_of_der(std::string_view der);

}  // namespace trustctl
