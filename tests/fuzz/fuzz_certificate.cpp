// libFuzzer target: the certificate/PEM loader (engine/model/certificate), as `trustctl lint CERT.pem`, a site's
// `file:` references and a saved plan's certificate table use it. Any bytes: PEM blocks among other text, or DER.
// Every question trustctl asks of a certificate is asked of each one parsed, and the chain helpers run over them.
// The names read from the DER alone (engine/model/certificate_names) are read of the same bytes, and must be the
// decoded certificate's: a difference stops the run.

#include "engine/model/certificate.hpp"
#include "engine/model/certificate_names.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void names_from_der_are_the_decoded_ones(const trustctl::Certificate& c) {
  unsigned char* out = nullptr;
  const int len = i2d_X509(c.native(), &out);
  if (len <= 0) return;
  const std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(len));
  OPENSSL_free(out);
  auto names = trustctl::printed_names_of_der(der);
  if (!names) return;  // allowed (e.g. BER lengths): Certificate::named_from_der then decodes the whole
  if (names->subject != c.subject() || names->issuer != c.issuer() || names->common_name != c.common_name() ||
      names->serial_hex != c.serial_hex()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  (void)printed_names_of_der(fuzz::as_text(data, size));
  auto certificates = parse_certificates(fuzz::as_text(data, size));
  if (!certificates) return 0;
  for (const auto& c : *certificates) {
    names_from_der_are_the_decoded_ones(c);
    (void)c.pem();
    (void)c.subject();
    (void)c.issuer();
    (void)c.common_name();
    (void)c.serial_hex();
    (void)c.dns_names();
    (void)c.not_before();
    (void)c.not_after();
    (void)c.is_ca();
    (void)c.is_self_issued();
    (void)c.key_type();
    (void)c.signer_key_type();
    (void)c.key_bits();
    (void)c.public_key_pem();
    (void)c.trust_file_name();
    (void)c.short_fingerprint();
    (void)renewal_window_days(c, std::nullopt);
    (void)issuer_chain(c, *certificates);
  }
  (void)issuers_first(*certificates);
  return 0;
}
