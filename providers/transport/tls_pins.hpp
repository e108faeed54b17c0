#pragma once
// The pins file (connection.tls_pins): which certificate each appliance's HTTPS port presents, recorded by an
// administrator (or vos-sim, like an administrator after a fresh install) and updated by trustctl when it rotates a
// node's tomcat identity. One line per host:
//
//   # comment
//   uccx1.lab.example:8443 sha256/<64 lowercase hex: SHA-256 over the DER certificate>
//
// A pin names a whole certificate, not a public key: a regenerated self-signed identity keeps nothing in common with
// the old one, and the appliance's own listings (docs/appliances.md section 2) identify certificates by fingerprint
// too. Several lines for one host:port are several acceptable certificates (e.g. during a rotation). Lines trustctl
// does not understand (another algorithm, notes) are kept as they are whenever the file is rewritten.

#include "engine/model/error.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::transport {

inline constexpr std::string_view kPinPrefix = "sha256/";

// "host:port" as the pins file writes it: the host lowercased, an IPv6 address in brackets.
std::string pin_key(std::string_view host, int port);

// host:port -> fingerprints (64 lowercase hex, no prefix), in file order.
using PinMap = std::map<std::string, std::vector<std::string>>;

// Parses the text of a pins file. A line whose second word starts with "sha256/" must carry 64 hex digits (an error
// names `origin`:line); other lines are ignored here and kept on rewrite.
Result<PinMap> parse_pins(std::string_view text, const std::string& origin);

// Reads and parses the file. A missing file is an empty map: no pins, so the site's CAs decide.
Result<PinMap> load_pins(const std::filesystem::path& path);

// The fingerprints pinned for host:port (empty: none).
std::vector<std::string> lookup_pins(const PinMap& pins, std::string_view host, int port);

// Rewrites the file atomically (temporary file in the same directory, fsync, rename, fsync of the directory) so that
// every host:port in `host_ports` is pinned to `fingerprint` and nothing else; host:ports not yet in the file are
// appended. Comments, blank lines, unknown lines and other hosts stay as they were. With keep_existing, the new pin
// is added next to the old ones instead (the node still presents the old certificate until its restart).
// Safe to call from several threads of one process at once (a parallel apply rotating several nodes).
Result<void> update_pins(const std::filesystem::path& path, const std::vector<std::string>& host_ports,
                         std::string_view fingerprint, bool keep_existing = false);

// Pins follow rotations: once every one of `host_ports` has been seen presenting `fingerprint` (the platform port after
// the restart that loaded a new identity), it becomes their only pin, and the old certificate, no longer presented,
// stops being accepted. The file is rewritten as update_pins does, and not at all when that already holds.
Result<void> settle_pins(const std::filesystem::path& path, const std::vector<std::string>& host_ports,
                         std::string_view fingerprint);

// The same rewrite as pure text, for tests and for update_pins.
Result<std::string> rewrite_pins(std::string_view text, const std::vector<std::string>& host_ports,
                                 std::string_view fingerprint, bool keep_existing);

}  // namespace trustctl::transport
