#pragma once
// What the engine needs to know about a product, and nothing more: the engine reaches product knowledge only through
// this interface (providers/ implements it, providers/registry maps product -> provider).

#include "engine/model/certificate_units.hpp"
#include "engine/model/site.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl {

// A TLS port a node's service presents to peers and browsers (docs/appliances.md section 1).
struct ServicePort {
  int port = 0;
  std::string service;  // the service whose restart reloads what this port presents
  std::string what;     // for people: "Finesse desktop", "platform (Tomcat)"
  // The port presents the tomcat-ECDSA identity (to a client that offers ECDSA, as Java peers and browsers do) when
  // the node holds one that is self-signed or signed by an EC CA; otherwise, and on every other port, the RSA tomcat
  // identity (docs/appliances.md section 10, the ECDSA guide's table).
  bool may_present_ecdsa = false;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual Product product() const = 0;
  // Whether trustctl administers the product's stores (false for external hosts: read and probe only).
  virtual bool administered() const = 0;
  // A replicated store is written on the publisher and reaches the subscribers by database replication.
  virtual bool is_replicated(std::string_view store) const = 0;
  // Services to restart, in order, after a change to the store on a node.
  virtual std::vector<std::string> services_to_restart(std::string_view store) const = 0;
  // Every service the product runs, in the order restarts go (a service others depend on comes first: Finesse's
  // health check needs Cisco Tomcat). Restarts owed from several changes are run in this order.
  virtual std::vector<std::string> services() const { return {}; }
  // The TLS ports verify handshakes on; the node's https_port is the platform port.
  virtual std::vector<ServicePort> service_ports(const Node& node) const = 0;
  // Whether the product has this identity unit at this version (tomcat-ECDSA exists from 11.5 on). An empty version
  // means a current one.
  virtual bool has_identity_unit(std::string_view unit, std::string_view /*version*/) const {
    auto units = identity_units();
    return std::find(units.begin(), units.end(), unit) != units.end();
  }
  // Every identity unit the product has at some version, the one its platform port presents first.
  virtual std::vector<std::string> identity_units() const { return {}; }
  // The key a node will make for a new identity under this policy instead of the policy's key, when trustctl cannot
  // ask for that key (the admin CLI's CSR and regenerate commands take no key parameter); nullopt when the node gets
  // the key the policy asks for. The plan says so rather than ignoring the policy's key silently.
  virtual std::optional<std::string> key_the_node_makes(const Cluster& /*cluster*/,
                                                        const IdentityPolicy& /*policy*/) const {
    return std::nullopt;
  }
  // Whether one multi-server (SAN) certificate, made on the publisher, may serve every node of a cluster.
  virtual bool allows_multi_server() const { return false; }
  // Services a multi-server identity owes beyond the unit's own restarts (CUCM: UDS and AXL Tomcat).
  virtual std::vector<std::string> multi_server_restarts() const { return {}; }
};

// Who must trust whom when one cluster calls another (docs/appliances.md section 6), as data the provider layer owns.
struct IntegrationRule {
  Product from;
  Product to;
  std::string kind;                 // "" = the default relation; "script" = UCCX scripts calling a third party
  bool caller_trusts_callee = true;  // every calling node trusts the chain of every called node's identity
  bool callee_trusts_caller = false; // and the other way round (e.g. SocialMiner trusts each UCCX node)
  bool whole_chain = false;          // the whole chain, root included, even when the host does not present its root
  std::vector<std::string> caller_restarts;  // extra services the caller restarts (CCX Engine for scripts)
  std::string ordering;             // a named cross-product ordering rule this relation needs, or ""
  int caller_phase = 0;             // with `ordering`: the caller's trust writes go in this phase (0 first)
  int callee_phase = 0;             // and the callee's in this one
  std::string source;               // where the rule comes from, for reasons
};

// The engine asks for providers through this lookup (the registry is one implementation; tests pass their own).
class ProviderLookup {
 public:
  virtual ~ProviderLookup() = default;
  virtual const Provider* find(Product product) const = 0;
  // The rule for "from calls to" with this kind, or nullptr when trustctl knows no such relation.
  virtual const IntegrationRule* integration(Product from, Product to, std::string_view kind) const = 0;
  // What the products call their identity units and the trust store peers' chains go in (the same on every product
  // trustctl administers: one vocabulary for the site format and the planner).
  virtual const CertificateUnits& units() const = 0;
};

}  // namespace trustctl
