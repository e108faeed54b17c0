#pragma once
// The integration oracle (control API `GET /integrations`): for every call the site's [[integration]] entries imply
// (docs/appliances.md section 6), would it succeed now, judged the way the calling product would judge it?
//   - the caller's service trusts what it loaded at its last start (its tomcat-trust snapshot), not the store now;
//   - the callee's port is handshaken for real, with a Java client hello (java_client.hpp), so the chain judged is
//     the one the port presents now (tomcat-ECDSA included, where section 10 says it is presented);
//   - X509_verify_cert must validate it, with the callee's FQDN in the SAN; an expired certificate fails;
//   - product rules: a critical extension other than Key Usage and Basic Constraints breaks UCCX -> CUCM; Finesse
//     refuses a gadget host that negotiates DHE or signs with RSASSA-PSS.
// Its table of relations is its own (README: "Integration oracle"), independent of trustctl's planner, so an
// end-to-end test can check trustctl's `verify` against it.

#include "engine/model/site.hpp"
#include "tests/vossim/sim_node.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace vossim {

// One call an integration implies: who calls (the caller cluster's nodes, through caller_service) which port of the
// callee cluster's nodes.
struct OracleCall {
  trustctl::Product caller;
  trustctl::Product callee;
  std::string caller_service;  // the service whose loaded tomcat-trust judges (VOS callers)
  int callee_port = 0;         // the well-known port (before --port-offset); 0: the callee's https_port
  std::string what;            // for people: "REST", "notifications", ...
  bool critical_extensions_break = false;  // UCCX -> CUCM
  bool finesse_gadget_rules = false;       // DHE and RSASSA-PSS are refused
};

// The calls an [[integration]] from `from` to `to` (of kind, "" or "script") implies, in both directions where the
// guides say so. Empty when the oracle knows no such integration.
std::vector<OracleCall> oracle_calls(trustctl::Product from, trustctl::Product to, const std::string& kind);

class IntegrationOracle {
 public:
  struct Endpoint {
    std::string name;
    std::string fqdn;
    std::string address;
    int https_port = 8443;
    trustctl::Product product = trustctl::Product::external;
    SimNode* sim = nullptr;  // VOS nodes this lab serves; null for external hosts
  };
  IntegrationOracle(const trustctl::Site& site, std::map<std::string, Endpoint> endpoints, int port_offset);

  // {"integrations":[{"from","to","port","ok","reason","integration","what","caller_service"}], "unknown":[...]}
  nlohmann::json evaluate(Clock::time_point now) const;

 private:
  nlohmann::json judge(const OracleCall& call, const Endpoint& caller, const Endpoint& callee, Clock::time_point now) const;
  int port_of(const OracleCall& call, const Endpoint& callee) const;

  struct Relation {
    std::string text;  // "uccx -> socialminer" as the site writes it
    std::string from;
    std::string to;
    std::vector<OracleCall> calls;
  };
  std::vector<Relation> m_relations;
  std::vector<std::string> m_unknown;  // integrations the oracle has no relation for
  std::map<std::string, std::vector<std::string>> m_cluster_nodes;  // cluster -> node names
  std::map<std::string, trustctl::Product> m_cluster_product;
  std::map<std::string, Endpoint> m_endpoints;                      // node name ->
  int m_port_offset = 0;
};

}  // namespace vossim
