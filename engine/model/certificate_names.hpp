#pragma once
// The names trustctl prints of a certificate: its subject and issuer in RFC 2253 form and its common name, as
// OpenSSL prints them.

#include <string>

typedef struct x509_st X509;

namespace trustctl {

struct PrintedNames {
  std::string subject;      // RFC 2253 one-line form, e.g. "CN=uccx1.lab.example,O=Lab"
  std::string issuer;
  std::string common_name;  // empty when the subject has no CN
};

PrintedNames printed_names_of(const X509* cert);

}  // namespace trustctl
