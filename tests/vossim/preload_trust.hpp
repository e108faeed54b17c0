#pragma once
// --preload-trust N: the public CA roots a fresh appliance ships with (docs/appliances.md section 2: a fresh CUCM
// 12.5+/14 tomcat-trust holds tens of them), so trustctl meets store sizes like the real ones. N self-signed CA
// certificates named after well-known public roots (" (2)", " (3)"... is added once the list runs out), made once
// per lab and kept in <state>/preload-trust/, so every node and every start of the lab holds the same certificates.
// Names, keys (EC P-256 derived from the name), serials and validity are deterministic; only the ECDSA signature is
// random (OpenSSL 3.0 has no deterministic ECDSA), which the cache makes stable for the lab's lifetime.

#include "engine/model/certificate.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vossim {

// The CN of the i-th preloaded root (0-based).
std::string preloaded_root_name(std::size_t index);

// The first count roots: read from dir where they exist, made (and written there) where not.
trustctl::Result<std::vector<trustctl::Certificate>> preloaded_roots(const std::filesystem::path& dir,
                                                                     std::size_t count);

}  // namespace vossim
