#pragma once
// Restarts the journal owes that the site can no longer carry out: the node was removed from the site, or its product
// has no service of that name. Planned, one would fail every apply; plan and verify report it instead, with the
// command that settles it (`trustctl journal SITE --forget-owed NODE --service NAME`).

#include "engine/graph/action.hpp"
#include "engine/model/provider.hpp"
#include "engine/state/pending_restart.hpp"

#include <optional>
#include <string>

namespace trustctl::plans {

// Why the owed restart cannot be run, ending with the command that settles it; nullopt when it can be run.
std::optional<std::string> unrunnable_owed_restart(const Site& site, const ProviderLookup& providers,
                                                   const PendingRestart& owed);

}  // namespace trustctl::plans
