#pragma once
// One remote operation the plan asks for, with the reason it exists and the site entry that asked for it.

#include "engine/model/certificate.hpp"
#include "engine/model/source_region.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustctl {

enum class ActionKind {
  upload_trust,      // import a certificate into a trust store on a node
  delete_trust,      // delete a trust-store file on a node
  wait_replication,  // wait until a certificate written on the publisher shows on a subscriber
  restart_service,   // restart one service on a node
  restart_system,    // restart the whole node (`utils system restart`): SSH and every port go down until it is back
  renew_identity,    // CSR on the node, signed by a CA whose key trustctl holds, imported as the node's identity
  regenerate_identity,  // replace the node's identity with a new self-signed one
  install_identity,  // import a certificate an outside CA signed (picked up from the CA's signed_dir)
  wait_identity,     // wait until a multi-server identity imported on the publisher reaches this node
  export_csr,        // make a CSR on the node for an outside CA and write it to `file` (trustctl csr; never planned)
};
const char* to_string(ActionKind kind);
// The one-character mark every rendering uses: + add, - remove, ⏳ wait, ↻ restart, ~ identity change.
const char* action_mark(ActionKind kind);

// A restart a change makes necessary: on the changed node, or on a node the change reaches by replication or
// distribution. Journaled as owed before the change is sent, so no crash or dropped session can lose it.
// A system restart is owed as the service kSystemRestart: it settles every restart its node owes.
inline constexpr const char* kSystemRestart = "system";
struct OwedRestart {
  std::string node;
  std::string service;  // or kSystemRestart
  bool operator==(const OwedRestart&) const = default;
  auto operator<=>(const OwedRestart&) const = default;
};

struct OrderingPhase {
  std::string group;
  int phase = 0;
  bool operator==(const OrderingPhase&) const = default;
};

struct Action {
  ActionKind kind = ActionKind::upload_trust;
  std::string node;
  std::string cluster;
  std::string store;                         // e.g. "tomcat-trust"
  std::optional<Certificate> certificate;    // upload / delete / wait
  std::string file;                          // delete: the appliance's file name
  std::string service;                       // restart
  std::string source_node;                   // wait: where the certificate was written
  // upload/wait of an identity made in this apply (a self-signed one regenerated): the certificate is node
  // identity_node's identity_unit, known after apply; the runner reads it from that node once it exists.
  std::string identity_node;
  std::string identity_unit;
  std::string reason;                        // why the action exists, for people
  std::optional<SourceRegion> region;        // the site entry that asked for it
  bool pending_from_journal = false;         // a restart owed by an earlier apply
  std::string issuer_ca;                     // renew/install_identity: the [[ca]] that signs
  bool multi_server = false;                 // identity: one SAN certificate for the whole cluster, on the publisher
  // Cross-product ordering (rule 4): in each group, phase 0 writes before phase 1. One write can serve several
  // relations (a root both a Finesse cluster and two CUIC clusters need), so it may belong to several groups.
  std::vector<OrderingPhase> orderings;
  // Writes: every restart this change owes (its own node's and those of the nodes it replicates or distributes to),
  // in the plan's order. Empty for waits and restarts.
  std::vector<OwedRestart> owes;

  // Stable identity: the same action in two plans has the same id (journal, saved plans, tests).
  std::string id() const;
  // Short human description: "upload Lab_Root_CA (3f2a9c1d) to tomcat-trust".
  std::string describe() const;
  bool writes() const {
    return kind != ActionKind::wait_replication && kind != ActionKind::wait_identity && !restarts();
  }
  // A service restart or a system restart.
  bool restarts() const { return kind == ActionKind::restart_service || kind == ActionKind::restart_system; }
  // Whether completing this restart settles the owed one: a system restart settles every restart of its node.
  bool settles(const OwedRestart& owed) const {
    if (owed.node != node) return false;
    return kind == ActionKind::restart_system || (kind == ActionKind::restart_service && owed.service == service);
  }
  // What the executor runs one action at a time on: the node (its admin CLI is one interactive session), except a
  // restart, which has a lane of its own. A node's restarts follow every other action of the node in the graph
  // (rule 6a), and one another unless restart_services is together: then they run at once, each over its own session.
  std::string lane() const {
    if (!restarts()) return node;
    return node + '\x1f' + (kind == ActionKind::restart_system ? kSystemRestart : service);
  }
  // An identity written on this node (a multi-server identity arriving by distribution is not written here).
  bool changes_identity() const {
    return kind == ActionKind::renew_identity || kind == ActionKind::regenerate_identity ||
           kind == ActionKind::install_identity;
  }
};

}  // namespace trustctl
