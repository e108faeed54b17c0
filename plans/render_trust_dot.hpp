#pragma once
// `trustctl graph SITE --type trust`: who must trust whom, as the site file says it, for Graphviz. Clusters are boxes
// with their nodes inside; an edge A -> B reads "A trusts B": one per trust relation an integration makes (the
// product rules of docs/appliances.md section 6, through the provider lookup), and one from a cluster or node to each
// CA or certificate file its [[trust]] entries name (dashed red for `absent`). Nothing is contacted.

#include "engine/model/provider.hpp"
#include "engine/model/site.hpp"

#include <string>

namespace trustctl::plans {

std::string render_trust_dot(const Site& site, const ProviderLookup& providers);

}  // namespace trustctl::plans
