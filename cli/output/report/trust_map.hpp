#pragma once
// The report's trust map: an SVG drawing of the site's clusters (boxes) with their nodes inside, and an arrow for
// each trust relation an integration asks for, coloured by whether verify found it in place (the truster's store
// accepts what the other node's ports present, and no restart is owed). Each node box is coloured by its own ports'
// verify result. Laid out here, with no Graphviz: the report must render on any machine.

#include "engine/model/site.hpp"
#include "plans/verify.hpp"

#include <string>
#include <vector>

namespace trustctl::cli::report {

// "truster must trust what server presents", over every port of server that verify checked.
struct TrustRelation {
  std::string truster;
  std::string server;
  int checks = 0;   // port checks behind it
  int failing = 0;  // of which failed
  bool ok() const { return failing == 0; }
};

// One relation per (truster, server) pair, in the order verify's rows name them.
std::vector<TrustRelation> trust_relations(const std::vector<plans::VerifyRow>& rows);

// <svg id="trust-map"> ... </svg>: every cluster and node of the site labelled with its name.
std::string render_trust_map(const Site& site, const std::vector<plans::VerifyRow>& rows);

}  // namespace trustctl::cli::report
