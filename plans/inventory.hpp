#pragma once
// The live inventory `trustctl show` prints: per cluster and node, each identity unit, each trust-store entry with
// whether trustctl added it (managed.json) and whether the site wants it, what each service port presents, and for
// external hosts the chain they present. Pure: built from what refresh read; the renderers (render_inventory.hpp)
// only format it.

#include "engine/model/live_state.hpp"
#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"
#include "engine/state/managed_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl::plans {

// What the site says about a trust-store entry.
enum class Wanted {
  wanted,       // a [[trust]] rule, an integration or an identity policy needs it there
  unwanted,     // an `absent` rule names it: plan deletes it
  unmentioned,  // the site says nothing (a node's own identity, something added by hand)
  unknown,      // the site's requirements could not be resolved (a node they depend on was not read)
};
const char* to_string(Wanted wanted);

struct InventoryTrustEntry {
  std::string file;
  Certificate certificate;
  bool managed = false;  // trustctl added it (policy.prune may remove it once the site no longer wants it)
  Wanted wanted = Wanted::unmentioned;
  std::string wanted_by;  // the site entry (file:line:col) that asked for it, or that names it absent
};

struct InventoryTrustStore {
  std::string store;  // "tomcat-trust"
  std::vector<InventoryTrustEntry> entries;  // sorted by file name
};

struct InventoryIdentity {
  std::string unit;                // "tomcat", "tomcat-ECDSA"
  std::vector<Certificate> chain;  // leaf first, then what the appliance shows with it
};

struct InventoryPort {
  PresentedPort presented;
  // The leaf matches the stored identity of its unit; nullopt when the handshake failed or nothing was read to
  // compare it with.
  std::optional<bool> matches_identity;
};

// A CSR waiting on the node for an outside CA (read for the units whose policy names one): what it asks for, the
// file `trustctl csr` exports it to, and where it stands.
struct InventoryPendingCsr {
  std::string unit;
  std::vector<std::string> dns_names;  // the SANs it asks for
  std::string ca;                      // the CA the site's policy names; empty when no policy needs the CSR now
  std::string export_file;             // "<fqdn>.<unit>[.multi-server].csr"; empty when no policy needs it
  std::string signed_file;             // the signed certificate found in the CA's signed_dir that answers it
  std::string status;                  // for people: what happens next, or what is missing
};

struct InventoryNode {
  std::string name;
  std::string fqdn;
  std::string role;  // "publisher" | "subscriber"
  bool read = false;
  std::optional<Error> error;  // why it could not be read
  std::string advice;          // what to do about it
  std::vector<InventoryIdentity> identities;  // VOS nodes, tomcat first
  std::vector<InventoryTrustStore> stores;    // VOS nodes
  std::vector<InventoryPort> ports;           // VOS nodes, in the provider's port order
  std::vector<InventoryPendingCsr> pending_csrs;  // VOS nodes, by unit
  std::vector<Certificate> presented_chain;   // external hosts: the chain their HTTPS port presents, leaf first
};

struct InventoryCluster {
  std::string name;
  std::string product;
  std::string version;
  bool external = false;
  std::vector<InventoryNode> nodes;
};

struct Inventory {
  std::string site_name;
  TimePoint now;  // days left are counted from here
  std::vector<InventoryCluster> clusters;
  std::vector<std::string> notes;

  std::size_t node_count() const;
  std::size_t unread_count() const;
};

// `unread`: the errors of the nodes refresh could not read (each names its node); those nodes are listed with the
// error and what to do, the others as read.
Inventory make_inventory(const Site& site, const LiveState& live, const ProviderLookup& providers,
                         const ManagedRecord& managed, const std::vector<Error>& unread, TimePoint now);

// What to do about a node that could not be read, by the kind of failure.
std::string unread_advice(const Error& error, const Node& node);

}  // namespace trustctl::plans
