#include "tests/vossim/tls_pins_writer.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

namespace vossim {

namespace fs = std::filesystem;

std::string tls_pin(const trustctl::Certificate& certificate) { return "sha256/" + certificate.fingerprint(); }

std::string tls_pin_key(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

trustctl::Result<void> update_tls_pins(const fs::path& path, const std::vector<TlsPin>& pins) {
  std::map<std::string, const TlsPin*> wanted;
  for (const auto& pin : pins) wanted[tls_pin_key(pin.host, pin.port)] = &pin;

  std::vector<std::string> lines;
  std::set<std::string> present;
  std::error_code exists_ec;
  if (!fs::exists(path, exists_ec)) {
    lines.push_back("# TLS pins of platform certificates: <host>:<port> sha256/<hex of SHA-256 over the DER certificate>");
  }
  if (std::ifstream in(path); in) {
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key;
      words >> key;
      auto it = key.empty() || key[0] == '#' ? wanted.end() : wanted.find(key);
      if (it == wanted.end()) {
        lines.push_back(line);  // comments, blank lines, other hosts
        continue;
      }
      if (it->second->replace) {
        if (present.insert(key).second) lines.push_back(key + " " + it->second->pin);
        continue;  // a second line for the same host goes
      }
      present.insert(key);
      lines.push_back(line);
    }
  }
  for (const auto& pin : pins) {
    const std::string key = tls_pin_key(pin.host, pin.port);
    if (present.insert(key).second) lines.push_back(key + " " + pin.pin);
  }

  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!out) return trustctl::fail(trustctl::ErrorCode::io, "cannot write " + temporary.string());
    for (const auto& line : lines) out << line << "\n";
  }
  fs::rename(temporary, path, ec);
  if (ec) return trustctl::fail(trustctl::ErrorCode::io, "cannot write " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace vossim
