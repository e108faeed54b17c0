#pragma once
// What every VOS product shares: tomcat-trust replicates from the publisher to the subscribers
// (docs/appliances.md section 3), and a change to a store owes the restarts the product's rules name (section 5).
// Each product folder supplies its rules as data; this class turns them into the engine's Provider interface.

#include "engine/model/provider.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trustctl::providers {

struct ProductRules {
  Product product;
  std::vector<std::string> replicated_stores;                        // e.g. {"tomcat-trust", "tomcat"}
  std::map<std::string, std::vector<std::string>> restarts_by_store;  // store -> services, in restart order
  std::vector<std::string> services;                                 // every service the product runs
  std::vector<ServicePort> ports;  // service ports other than the platform port (the node's https_port)
  std::string platform_service = "Cisco Tomcat";
  bool multi_server = false;  // one SAN certificate for the cluster is allowed (docs/appliances.md section 3)
  bool ecdsa = true;          // the tomcat-ECDSA unit exists from 11.5 (UCCX: 11.5 only)
  std::vector<std::string> multi_server_restarts;  // owed by a multi-server identity beyond the unit's restarts
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
  bool allows_multi_server() const override { return m_rules.multi_server; }
  std::vector<std::string> multi_server_restarts() const override { return m_rules.multi_server_restarts; }
  const ProductRules& rules() const { return m_rules; }

 private:
  ProductRules m_rules;
};

}  // namespace trustctl::providers
