// libFuzzer target: the TLS pins file (providers/transport/tls_pins, connection.tls_pins): parsing it, and the
// rewrite trustctl makes of it when it rotates a node's identity, which must keep every line it does not understand.

#include "providers/transport/tls_pins.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace trustctl;
  std::string_view text = fuzz::as_text(data, size);
  auto pins = transport::parse_pins(text, "pins.txt");
  if (!pins) {
    (void)pins.error().describe();
    return 0;
  }
  for (const auto& [host_port, fingerprints] : *pins) (void)host_port;
  (void)transport::lookup_pins(*pins, "uccx1.lab.example", 8443);
  auto rewritten = transport::rewrite_pins(text, {"uccx1.lab.example:8443"}, std::string(64, 'b'), false);
  if (rewritten) (void)transport::parse_pins(*rewritten, "pins.txt (rewritten)");
  return 0;
}
