#pragma once
// Everything a lint rule may know about where a certificate is going. Rules that need a fact the caller does not
// have (no FQDN, no CSR, no trust store, no probe) stay silent rather than guess.

#include "engine/model/certificate.hpp"
#include "engine/model/site.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/transport/tls_probe.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace trustctl::pki::lint {

struct LintContext {
  // The product of the cluster the certificate is destined for. nullopt: nowhere yet (a [[ca]] no rule uses); only
  // the rules that hold for every product run.
  std::optional<Product> product;
  std::string unit = "tomcat";              // "tomcat" | "tomcat-ECDSA" (identities) | "tomcat-trust" (trust entries)
  std::string fqdn;                         // the node's FQDN, for identities (TC002)
  std::vector<std::string> cluster_fqdns;   // every node of the cluster, publisher first (TC008)
  bool multi_server = false;                // the identity is the cluster's multi-server SAN certificate (TC008)
  std::string version;                      // the product version, "12.5" ("" unknown) (TC013)
  std::optional<int> renew_before_days;     // the identity policy's window (TC006)
  std::optional<CsrInfo> csr;               // the CSR the certificate answers (TC009)
  // What the target trust store holds once the planned uploads are done (TC007). nullopt: unknown, TC007 is skipped.
  std::optional<std::vector<Certificate>> trust_store;
  std::vector<Certificate> chain;           // issuers presented or delivered with the certificate (TC004)
  std::optional<transport::ProbeResult> probe;  // a handshake with the host that presents it (TC010)
  TimePoint now = now_utc();

  bool identity() const { return unit.size() < 6 || unit.compare(unit.size() - 6, 6, "-trust") != 0; }
};

}  // namespace trustctl::pki::lint
