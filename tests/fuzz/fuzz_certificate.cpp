// libFuzzer target: the certificate/PEM loader (engine/model/certificate), as `trustctl lint CERT.pem`, a site's
// `file:` references and a saved plan's certificate table use it. Any bytes: PEM blocks among other text, or DER.
// Every question trustctl asks of a certificate is asked of each one parsed, and the chain helpers run over them.

#include "engine/model/certificate.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  auto certificates = parse_certificates(fuzz::as_text(data, size));
  if (!certificates) return 0;
  for (const auto& c : *certificates) {
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
