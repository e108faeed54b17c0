#pragma once
// TC010 and TC004 on the external hosts of a site (gadget servers, REST services UCCX scripts call): a handshake that
// offers Finesse's cipher list, as Finesse would, then the probe's rules. trustctl never administers these hosts, so
// this is all it can check before Finesse or UCCX meets them.

#include "engine/model/site.hpp"
#include "providers/pki/lint/finding.hpp"

#include <vector>

namespace trustctl::cli {

struct ExternalProbeLint {
  std::vector<pki::lint::Finding> findings;
  std::vector<Error> unreachable;  // a host that did not complete the handshake, named with what to check
};

// Every node of every external cluster, in parallel up to `parallelism`.
ExternalProbeLint probe_external_clusters(const Site& site, int parallelism);

}  // namespace trustctl::cli
