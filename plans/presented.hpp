#pragma once
// What the service ports present against what the node stores. A service keeps presenting the identity it loaded at
// its last start (docs/appliances.md section 4), so a port that presents anything but the identity the node stores
// means a restart was missed (an apply killed before it, a restart that failed, an identity changed by hand): the
// service owes one. Pure: refresh did the handshakes (NodeState::presented).

#include "engine/model/certificate_units.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"

#include <string>
#include <vector>

namespace trustctl::plans {

// Whether a port that can present tomcat-ECDSA presents this tomcat-ECDSA identity: only when it is self-signed or an
// EC CA signed it; one an RSA CA signed is never presented (docs/appliances.md section 10).
bool ecdsa_presentable(const Certificate& ecdsa_identity);

// The identity unit `port` presents to a client that offers ECDSA (trustctl's handshakes, Java peers, browsers):
// tomcat-ECDSA on a port that may present it when the node holds a presentable one, tomcat everywhere else
// (docs/appliances.md section 10). `state` may be nullptr (nothing read): tomcat.
const std::string& unit_presented_on(const ServicePort& port, const NodeState* state, const CertificateUnits& units);

struct StaleService {
  std::string node;
  std::string service;
  std::string reason;  // which port(s) present what, and what the node stores
  SourceRegion region;  // the node's entry in the site file: no rule asked for this restart, the node's state did
};

struct PresentedFindings {
  std::vector<StaleService> restarts;  // one per (node, service), in site and port order
  std::vector<std::string> notes;      // ports that did not answer: the service may be down; nothing is planned
};

// Every VOS node whose ports refresh handshook. A node without a stored tomcat identity has nothing to compare with.
PresentedFindings stale_presented(const Site& site, const LiveState& live, const CertificateUnits& units);

}  // namespace trustctl::plans
