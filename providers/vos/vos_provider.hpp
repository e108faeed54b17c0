#pragma once
// What every VOS product shares: tomcat-trust replicates from the publisher to the subscribers
// (docs/appliances.md section 3), and a change to a store owes the restarts the product's rules name (section 5).
// Each product folder supplies its rules as data (and, where it has them, its ProductExtensions); this class turns them
// into the engine's Provider interface.

#include "engine/config/version.hpp"
#include "engine/model/provider.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trustctl::providers {

class ProductExtensions;

struct ProductRules {
  Product product;
  std::vector<std::string> replicated_stores;                        // e.g. {"tomcat-trust", "tomcat"}
  std::map<std::string, std::vector<std::string>> restarts_by_store;  // store -> services, in restart order
  std::vector<std::string> services;                                 // every service the product runs
  std::vector<ServicePort> ports;  // service ports other than the platform port (the node's https_port)
  std::string platform_service = "Cisco Tomcat";
  bool multi_server = false;  // one SAN certificate for the cluster is allowed (docs/appliances.md section 3)
  // The first version that takes one (UCCX: 11.6, docs/appliances.md section 10); nullopt: every version.
  std::optional<config::ProductVersion> multi_server_since;
  // A multi-server SAN may name only this many nodes (UCCX: its publisher and subscriber, section 3); 0: no limit.
  std::size_t multi_server_max_nodes = 0;
  // The identity units (docs/appliances.md section 2): the RSA unit the platform port presents, then the EC one.
  std::string rsa_unit = "tomcat";
  std::string ec_unit = "tomcat-ECDSA";
  bool ecdsa = true;  // the EC unit exists, from ecdsa_since on (section 2: 11.5 and later)
  config::ProductVersion ecdsa_since{11, 5};
  // From this version on, no primary source says whether the product still presents tomcat-ECDSA (UCCX 11.6+,
  // section 9 TC013): the policy is kept and a warning says so, never a refusal.
  std::optional<config::ProductVersion> ecdsa_uncertain_since;
  std::vector<std::string> multi_server_restarts;  // owed by a multi-server identity beyond the unit's restarts

  // Trust stores trustctl manages on the product ([[trust]].store); the product's other stores are outside it.
  std::vector<std::string> trust_stores = {"tomcat-trust"};
  // Identity key sizes the product takes (section 4: RSA at most 4096, EC 256/384/521 for tomcat-ECDSA).
  std::vector<int> rsa_key_bits = {1024, 2048, 3072, 4096};
  std::vector<int> ec_key_bits = {256, 384, 521};
  // The key a node makes for a new identity of each unit when it chooses (section 4: RSA 2048 for tomcat; the EC
  // size of tomcat-ECDSA is uncertain: 256 as vos-sim makes). The admin CLI's `set csr gen` and `set cert regen`
  // take no key parameter, so through the CLI this is the key every new identity gets.
  std::map<std::string, std::string> default_keys = {{"tomcat", "rsa-2048"}, {"tomcat-ECDSA", "ec-256"}};
  // From this version on, the product is driven through its certificate REST API (CUCM 14, section 8), whose CSR
  // takes the key type and length; a self-signed identity is still regenerated through the CLI.
  std::optional<config::ProductVersion> certificate_rest_since;
  // What the product does beyond the shared admin CLI (a certificate API, a health check after restarts); null: none.
  std::shared_ptr<const ProductExtensions> extensions;
};

class VosProvider final : public Provider {
 public:
  explicit VosProvider(ProductRules rules) : m_rules(std::move(rules)) {}
  Product product() const override { return m_rules.product; }
  bool administered() const override { return true; }
  bool is_replicated(std::string_view store) const override;
  std::vector<std::string> services_to_restart(std::string_view store) const override;
  std::vector<std::string> services() const override { return m_rules.services; }
  std::vector<ServicePort> service_ports(const Node& node) const override;
  bool has_identity_unit(std::string_view unit, std::string_view version) const override;
  std::vector<std::string> identity_units() const override;
  bool allows_multi_server() const override { return m_rules.multi_server; }
  std::optional<std::string> key_the_node_makes(const Cluster& cluster, const IdentityPolicy& policy) const override;
  std::vector<std::string> multi_server_restarts() const override { return m_rules.multi_server_restarts; }
  const ProductRules& rules() const { return m_rules; }
  // Never null: a product without extensions gets the defaults (everything over the CLI, no health check).
  const ProductExtensions& extensions() const;

 private:
  ProductRules m_rules;
};

}  // namespace trustctl::providers
