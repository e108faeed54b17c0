#pragma once
// Stage 2, refresh: open the admin CLI sessions (every secret resolved first) and read what every node holds, in
// parallel, read-only. What the plan, verify and the reports know of the appliances comes from here.

#include "cli/stages/run_context.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <optional>

namespace trustctl::cli {

// Resolves every secret up front (reporting what is missing) and opens the session pool. False after reporting.
bool open_sessions(RunContext& context);

// providers::refresh through the trust cache (loaded from the state directory at the first call, unless
// --refresh=full; each refresh updates and saves it): a trust file whose listed name an earlier refresh read is not
// read again. A damaged cache file is a warning and a full read of its node.
providers::RefreshResult refresh_cached(RunContext& context, const providers::RefreshProgress& progress,
                                        providers::RefreshScope scope);

// Every node, with a progress line per node (not with --format json): context.live. False after reporting errors.
bool refresh(RunContext& context);

// Stores and identities only, no handshakes (expiry, bundle). False after reporting errors.
bool read_stores(RunContext& context);

// Keeps what could be read when some nodes cannot be (show lists those with the rest); their errors are returned,
// not reported. nullopt after reporting when no node could be tried (a secret is missing).
std::optional<providers::RefreshResult> refresh_partial(RunContext& context, const providers::RefreshScope& scope);

}  // namespace trustctl::cli
