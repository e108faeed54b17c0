#pragma once
// How a calling product's Java client sees a peer: a TLS handshake with the client hello a Java 8 peer sends (TLS
// 1.2, ECDHE-ECDSA suites first, then ECDHE-RSA, RSA and DHE last: it offers ECDSA, so a port holding a presentable
// tomcat-ECDSA identity presents it), then OpenSSL's X509_verify_cert of the presented chain against a trust store,
// with the peer's FQDN required in the SAN, as JSSE's PKIX validation and HTTPS host name check do.
// The integration oracle (integration_oracle.hpp) is built on it; it is independent of trustctl's own probe.

#include "engine/model/certificate.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace vossim {

struct JavaHandshake {
  bool connected = false;     // TCP connect worked
  bool completed = false;     // the TLS handshake completed
  std::string error;          // why not
  std::vector<trustctl::Certificate> chain;  // as presented, leaf first
  std::string cipher;         // OpenSSL name of the negotiated suite
  bool dhe = false;           // the key exchange is finite-field Diffie-Hellman
};

JavaHandshake java_handshake(const std::string& address, int port, const std::string& servername,
                             std::chrono::milliseconds timeout);

// Empty when trust (the anchors) validates chain (leaf first, then what the peer sent) now, for host fqdn; otherwise
// OpenSSL's reason, e.g. "unable to get local issuer certificate", "certificate has expired", "hostname mismatch".
std::string java_verify(const std::vector<trustctl::Certificate>& trust, const std::vector<trustctl::Certificate>& chain,
                        const std::string& fqdn);

// Critical extensions of a certificate other than Key Usage and Basic Constraints, by name (e.g. "X509v3 Extended
// Key Usage").
std::vector<std::string> unusual_critical_extensions(const trustctl::Certificate& certificate);

}  // namespace vossim
