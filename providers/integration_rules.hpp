#pragma once
// docs/appliances.md section 6 as one table: for each (calling product, called product, kind), who must trust whom.

#include "engine/model/provider.hpp"

#include <vector>

namespace trustctl::providers {

const std::vector<IntegrationRule>& integration_rules();

inline constexpr const char* kPcceCuicRootsFirst = "pcce-cuic-roots-first";

}  // namespace trustctl::providers
