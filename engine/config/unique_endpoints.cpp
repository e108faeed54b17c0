#include "engine/config/unique_endpoints.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

namespace trustctl::config {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "::0:1" and "::1" are one address; host names compare without case.
std::string canonical_address(const std::string& address) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET6, &v6, text, sizeof text)) return text;
  }
  return lower(address);
}

struct Seen {
  const Node* node;
  SourceRegion where;
};

SourceRegion fqdn_region(const Node& node) { return node.keys.at("fqdn", node.keys.at("name", node.region)); }
SourceRegion address_region(const Node& node) { return node.keys.at("address", fqdn_region(node)); }

}  // namespace

std::vector<Error> duplicate_endpoints(const Site& site) {
  std::vector<Error> out;
  std::map<std::string, Seen> fqdns, endpoints;
  std::set<const Node*> reported;
  std::set<std::string> names;
  for (const auto& cluster : site.clusters) {
    for (const auto& node : cluster.nodes) {
      // A second node of the same name was reported as such; its FQDN (name.domain) would only repeat it.
      if (!names.insert(node.name).second) reported.insert(&node);
      if (node.fqdn.empty() || reported.contains(&node)) continue;
      auto [it, fresh] = fqdns.emplace(lower(node.fqdn), Seen{&node, fqdn_region(node)});
      if (fresh) continue;
      reported.insert(&node);
      out.push_back(Error(ErrorCode::invalid_site, "node '" + node.name + "' has the fqdn " + node.fqdn +
                                                       ", which node '" + it->second.node->name + "' has already (" +
                                                       it->second.where.describe() +
                                                       "); every node needs its own fqdn")
                        .at(fqdn_region(node)));
    }
  }
  for (const auto& cluster : site.clusters) {
    const int port_of = is_vos(cluster.product);  // 1: SSH, 0: HTTPS
    for (const auto& node : cluster.nodes) {
      if (node.address.empty() || reported.contains(&node)) continue;
      const int port = port_of ? node.connection.ssh_port : node.connection.https_port;
      const std::string endpoint = canonical_address(node.address) + "|" + std::to_string(port);
      auto [it, fresh] = endpoints.emplace(endpoint, Seen{&node, address_region(node)});
      if (fresh) continue;
      out.push_back(Error(ErrorCode::invalid_site,
                          "node '" + node.name + "' connects to " + node.address + " port " + std::to_string(port) +
                              " (" + (port_of ? "ssh_port" : "https_port") + "), as node '" +
                              it->second.node->name + "' does (" + it->second.where.describe() +
                              "); two nodes cannot be one machine: correct the address or the port")
                        .at(address_region(node)));
    }
  }
  return out;
}

}  // namespace trustctl::config
