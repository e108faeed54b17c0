#pragma once
// The one object the pipeline's stages share: each stage reads what the earlier ones left in it and adds its own
// result. load -> refresh -> plan -> lint gate -> apply -> verify; a command runs the stages it needs, in that order.

#include "cli/commands/commands.hpp"
#include "cli/output/terminal.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "engine/state/managed_record.hpp"
#include "engine/state/pending_restart.hpp"
#include "engine/state/trust_cache.hpp"
#include "plans/plan.hpp"
#include "providers/pki/lint/finding.hpp"
#include "providers/registry.hpp"
#include "providers/vos/session_pool.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace trustctl::cli {

struct RunContext {
  RunContext(CommonOptions options, Terminal terminal, const providers::Registry& lookup, Site loaded)
      : common(std::move(options)), term(terminal), registry(lookup), site(std::move(loaded)) {}

  CommonOptions common;
  Terminal term;
  const providers::Registry& registry;       // built once by main, passed in
  Site site;                                  // load
  std::unique_ptr<providers::SessionPool> pool;  // refresh opens it; apply and verify reuse its sessions
  LiveState live;                             // refresh
  std::optional<TrustCache> trust_cache;      // refresh: loaded at the first one, updated by each (verify's too)
  std::vector<PendingRestart> owed;           // plan: restarts the journal still owes
  ManagedRecord managed;                      // plan: what trustctl added earlier (apply keeps it up to date)
  plans::Plan plan;                           // plan
  std::vector<pki::lint::Finding> findings;   // lint gate

  bool json() const { return common.format == "json"; }
  bool jsonl() const { return common.format == "jsonl"; }
  // Standard output is for a program (one JSON document or the jsonl stream): no text rendering goes there.
  bool machine() const { return json() || jsonl(); }
  int parallelism() const { return common.parallelism > 0 ? common.parallelism : site.connection.parallelism; }
};

}  // namespace trustctl::cli
