#include "plans/owed_restarts.hpp"

#include "engine/config/site_keys.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace trustctl::plans {
namespace {

// Every service the node's product restarts or serves a port with (the names the journal can owe restarts of).
std::set<std::string> known_services(const Provider& provider, const Node& node, const CertificateUnits& units) {
  std::set<std::string> out;
  for (auto& service : provider.services()) out.insert(std::move(service));
  for (const std::string& store : {units.identity, units.ec_identity, units.trust_store}) {
    for (auto& service : provider.services_to_restart(store)) out.insert(std::move(service));
  }
  for (auto& service : provider.multi_server_restarts()) out.insert(std::move(service));
  for (auto& port : provider.service_ports(node)) out.insert(std::move(port.service));
  return out;
}

// A word a POSIX shell reads back as it is: quoted unless it is plainly safe.
std::string shell_word(const std::string& text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("._/-:@+=,").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::optional<std::string> unrunnable_owed_restart(const Site& site, const ProviderLookup& providers,
                                                   const PendingRestart& owed) {
  const std::string settle = "If it was done by hand or is no longer needed, settle it with `trustctl journal " +
                             shell_word(site.file.string()) + " --forget-owed " + shell_word(owed.node) +
                             " --service " + shell_word(owed.service) + "`";
  const Node* node = site.find_node(owed.node);
  const Cluster* cluster = node ? site.find_cluster(node->cluster) : nullptr;
  if (!node || !cluster) {
    return "the journal owes a restart of " + owed.service + " on " + owed.node + " (after " + owed.owed_by +
           "), but the site has no node " + owed.node + ", so trustctl will not restart it. " + settle;
  }
  const Provider* provider = providers.find(cluster->product);
  std::set<std::string> services;
  if (provider && provider->administered()) {
    services = known_services(*provider, *node, providers.units());
    services.insert(kSystemRestart);  // every administered node can be restarted whole
  }
  // Services only an integration restarts (UCCX scripts: the CCX Engine), whether or not the site still declares it.
  for (std::string_view name : kProductNames) {
    const Product to = *product_from_string(name);
    for (std::string_view kind : config::kIntegrationKinds) {
      if (const IntegrationRule* rule = providers.integration(cluster->product, to, kind)) {
        services.insert(rule->caller_restarts.begin(), rule->caller_restarts.end());
      }
    }
  }
  if (services.count(owed.service)) return std::nullopt;
  return "the journal owes a restart of '" + owed.service + "' on " + owed.node + " (after " + owed.owed_by +
         "), but " + to_string(cluster->product) + " has no service of that name, so trustctl will not restart it. " + settle;
}

}  // namespace trustctl::plans
