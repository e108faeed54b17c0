#pragma once
// Two nodes of a site must never be the same machine under two names: one FQDN per node (certificates name it), and
// one address:port per node (where trustctl connects). Otherwise one node's changes would be planned twice, and a
// restart wave could take one appliance down "twice" in parallel.

#include "engine/model/site.hpp"

#include <vector>

namespace trustctl::config {

// Errors at the second node's key (fqdn, or name when the fqdn is derived from it; address, or fqdn when the address
// is): FQDNs compare case-insensitively; addresses as written, IP addresses in their canonical form. The port is
// the SSH port of an administered node, the HTTPS port of an external one.
std::vector<Error> duplicate_endpoints(const Site& site);

}  // namespace trustctl::config
