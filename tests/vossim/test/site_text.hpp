#pragma once
// Site files for the suites that start the vos-sim binary: clusters of nodes on one loopback subnet, SSH on 2222,
// the password from an environment variable, state (known_hosts, TLS pins) under "state".

#include <string>
#include <vector>

namespace vossim::test {

struct SiteNode {
  std::string name;
  std::string role;  // "publisher" | "subscriber"
  int host = 1;      // the node listens on <subnet>.<host>
  std::string extra;  // more inline-table keys, e.g. "https_port = 9443"
};

struct SiteCluster {
  std::string name;
  std::string product;
  std::string version;
  std::vector<SiteNode> nodes;
};

inline constexpr int kSitePort = 2222;

// nodes get fqdn <name>.lab.example; extra is appended at the end (integrations, trust rules).
inline std::string site_toml(const std::string& subnet, const std::string& password_env,
                             const std::vector<SiteCluster>& clusters, const std::string& extra = "") {
  std::string s = "version = 1\n[site]\nname = \"vossim-test\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
                  "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"" + password_env + "\"\n"
                  "[connection]\ncredentials = \"os-admin\"\nssh_port = " + std::to_string(kSitePort) +
                  "\nknown_hosts = \"state/known_hosts\"\ntls_pins = \"state/tls_pins\"\n";
  for (const auto& cluster : clusters) {
    s += "[[cluster]]\nname = \"" + cluster.name + "\"\nproduct = \"" + cluster.product + "\"\n";
    if (!cluster.version.empty()) s += "version = \"" + cluster.version + "\"\n";
    s += "nodes = [\n";
    for (const auto& node : cluster.nodes) {
      s += "  { name = \"" + node.name + "\", fqdn = \"" + node.name + ".lab.example\", address = \"" + subnet + "." +
           std::to_string(node.host) + "\"";
      if (!node.role.empty()) s += ", role = \"" + node.role + "\"";
      if (!node.extra.empty()) s += ", " + node.extra;
      s += " },\n";
    }
    s += "]\n";
  }
  return s + extra;
}

}  // namespace vossim::test
