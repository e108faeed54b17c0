#pragma once
// Writes the SSH host keys of simulated nodes into an OpenSSH known_hosts file, like an administrator recording a
// fresh install, so trustctl connects with host-key verification on and no trust-on-first-use.

#include "engine/model/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vossim {

struct KnownHostsEntry {
  std::string fqdn;
  std::string address;
  int port = 22;
  std::string key_type;    // "ssh-ed25519"
  std::string key_base64;  // the public key blob
};

// "uccx1.lab.example,127.0.1.1" for port 22, "[uccx1.lab.example]:2222,[127.0.1.1]:2222" otherwise.
std::string known_hosts_hosts_field(const KnownHostsEntry& entry);
std::string known_hosts_line(const KnownHostsEntry& entry);

// Creates or updates path: lines naming any of the entries' hosts (same host and port) are replaced, every other
// line (comments, hashed entries, other hosts) is kept as it was. The file is replaced atomically.
trustctl::Result<void> update_known_hosts(const std::filesystem::path& path,
                                          const std::vector<KnownHostsEntry>& entries);

}  // namespace vossim
