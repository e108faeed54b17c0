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
  renew_identity,    // CSR on the node, signed by a CA whose key trustctl holds, imported as the node's identity
  regenerate_identity,  // replace the node's identity with a new self-signed one
};
const char* to_string(ActionKind kind);
// The one-character mark every rendering uses: + add, - remove, ⏳ wait, ↻ restart, ~ identity change.
const char* action_mark(ActionKind kind);

struct Action {
  ActionKind kind = ActionKind::upload_trust;
  std::string node;
  std::string cluster;
  std::string store;                         // e.g. "tomcat-trust"
  std::optional<Certificate> certificate;    // upload / delete / wait
  std::string file;                          // delete: the appliance's file name
  std::string service;                       // restart
  std::string source_node;                   // wait: where the certificate was written
  std::string reason;                        // why the action exists, for people
  std::optional<SourceRegion> region;        // the site entry that asked for it
  bool pending_from_journal = false;         // a restart owed by an earlier apply
  std::string issuer_ca;                     // renew_identity: the [[ca]] that signs
  std::string ordering_group;                // cross-product ordering (rule 4): phase 0 writes before phase 1
  int ordering_phase = 0;

  // Stable identity: the same action in two plans has the same id (journal, saved plans, tests).
  std::string id() const;
  // Short human description: "upload Lab_Root_CA (3f2a9c1d) to tomcat-trust".
  std::string describe() const;
  bool writes() const { return kind != ActionKind::wait_replication && kind != ActionKind::restart_service; }
  bool changes_identity() const {
    return kind == ActionKind::renew_identity || kind == ActionKind::regenerate_identity;
  }
};

}  // namespace trustctl
