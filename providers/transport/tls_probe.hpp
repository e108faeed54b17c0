#pragma once
// A TLS handshake made the way Finesse makes it, to see what a host would negotiate with Finesse and which chain it
// presents (docs/appliances.md section 6, Finesse -> external gadget host). The probe reports; it does not verify the
// chain, and it sends nothing beyond the handshake: no request, no application data, not even a close_notify.

#include "engine/model/certificate.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::transport {

// What Finesse's Tomcat (Java 8) offers in its ClientHello, in OpenSSL names, including the two DHE suites the
// vendor's gadget note names (TLS_DHE_RSA_WITH_AES_256_CBC_SHA, TLS_DHE_RSA_WITH_AES_128_CBC_SHA). The exact order on
// a real Finesse is (uncertain); a host that honours its own preference picks the same suite either way.
extern const char* const kFinesseCipherList;

struct ProbeTarget {
  std::string host;
  int port = 443;
  std::string servername;  // SNI; empty: the host when it is a name, none when it is an address
  std::chrono::milliseconds timeout{10000};  // connect, and the whole handshake
};

// "host:port", "[v6]:port". The error says what was expected.
Result<ProbeTarget> parse_probe_target(std::string_view text);

struct ProbeResult {
  std::string host;
  int port = 0;
  std::string servername;           // the SNI sent, or ""
  std::string protocol;             // "TLSv1.2"
  std::string cipher;               // OpenSSL name, "DHE-RSA-AES256-SHA"
  std::string cipher_standard;      // RFC name, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"
  std::string key_exchange;         // "DHE", "ECDHE", "RSA", ...
  int ephemeral_key_bits = 0;       // size of the server's ephemeral (EC)DH key; 0 for RSA key exchange
  std::vector<Certificate> chain;   // as presented, leaf first

  std::string endpoint() const { return host + ":" + std::to_string(port); }
  // Finite-field ephemeral Diffie-Hellman: what Logjam attacks and Finesse refuses.
  bool negotiated_dhe() const { return key_exchange == "DHE"; }
};

// Connects, handshakes (TLS 1.2 at most), records what was negotiated and presented, and closes.
// Errors (ErrorCode::connection or ErrorCode::tls) name the host, the port and the reason.
Result<ProbeResult> probe_tls(const ProbeTarget& target);

}  // namespace trustctl::transport
