#include "tests/vossim/known_hosts_writer.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

namespace vossim {

namespace fs = std::filesystem;

namespace {

std::string host_token(const std::string& host, int port) {
  return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

}  // namespace

std::string known_hosts_hosts_field(const KnownHostsEntry& entry) {
  std::string field = host_token(entry.fqdn, entry.port);
  if (!entry.address.empty() && entry.address != entry.fqdn) field += "," + host_token(entry.address, entry.port);
  return field;
}

std::string known_hosts_line(const KnownHostsEntry& entry) {
  return known_hosts_hosts_field(entry) + " " + entry.key_type + " " + entry.key_base64;
}

trustctl::Result<void> update_known_hosts(const fs::path& path, const std::vector<KnownHostsEntry>& entries) {
  std::set<std::string> ours;
  for (const auto& entry : entries) {
    ours.insert(host_token(entry.fqdn, entry.port));
    if (!entry.address.empty()) ours.insert(host_token(entry.address, entry.port));
  }

  std::vector<std::string> kept;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string hosts;
      fields >> hosts;
      bool names_ours = false;
      if (!hosts.empty() && hosts[0] != '#' && hosts[0] != '|' && hosts[0] != '@') {
        std::istringstream tokens(hosts);
        for (std::string token; std::getline(tokens, token, ',');) names_ours = names_ours || ours.count(token) > 0;
      }
      if (!names_ours) kept.push_back(line);
    }
  }

  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return trustctl::fail(trustctl::ErrorCode::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  const fs::path temporary = path.string() + ".vos-sim.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    for (const auto& line : kept) out << line << "\n";
    for (const auto& entry : entries) out << known_hosts_line(entry) << "\n";
    if (!out) return trustctl::fail(trustctl::ErrorCode::io, "cannot write " + temporary.string());
  }
  fs::rename(temporary, path, ec);
  if (ec) return trustctl::fail(trustctl::ErrorCode::io, "cannot replace " + path.string() + ": " + ec.message());
  return {};
}

}  // namespace vossim
