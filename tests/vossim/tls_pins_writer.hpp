#pragma once
// The site's `connection.tls_pins` file, written like an administrator recording a fresh install
// (tests/vossim/README.md, TLS pins): one line per host and port, `<host>:<port> sha256/<hex of SHA-256 over the DER
// certificate>`, for the node's FQDN and its address (an IPv6 address in brackets); `#` comments and blank lines
// allowed. trustctl's HTTPS client reads it and keeps it up to date when it rotates a platform certificate.

#include "engine/model/certificate.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vossim {

struct TlsPin {
  std::string host;  // FQDN or address
  int port = 8443;
  std::string pin;   // "sha256/<hex>"
  // true: a fresh install of this host: its line is replaced. false: added only when the host:port has no line (a
  // restarted lab never overwrites what trustctl recorded after a rotation).
  bool replace = false;
};

std::string tls_pin(const trustctl::Certificate& certificate);  // "sha256/<hex>"
std::string tls_pin_key(const std::string& host, int port);     // "host:port", "[v6]:port"

// Creates or updates the file (write + rename): lines for other hosts and comments are kept in place.
trustctl::Result<void> update_tls_pins(const std::filesystem::path& path, const std::vector<TlsPin>& pins);

}  // namespace vossim
