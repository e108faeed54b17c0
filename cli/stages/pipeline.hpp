#pragma once
// The stages every connecting command shares: load the site (reporting every problem), read the journal's owed
// restarts, refresh every node, and compute the plan.

#include "cli/commands/commands.hpp"
#include "engine/model/live_state.hpp"
#include "engine/model/site.hpp"
#include "engine/state/managed_record.hpp"
#include "plans/plan.hpp"
#include "providers/pki/lint/finding.hpp"
#include "providers/registry.hpp"
#include "providers/vos/session_pool.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>

namespace trustctl::cli {

nlohmann::json error_to_json(const Error& error);
// Prints errors for people (stderr) or pipelines (a JSON document on stdout).
void report_errors(const std::vector<Error>& errors, const CommonOptions& common, const Terminal& term);

// The site, or nullopt after reporting every problem.
std::optional<Site> load_site(const CommonOptions& common, const Terminal& term);

struct PlanContext {
  std::unique_ptr<providers::SessionPool> pool;
  plans::Plan plan;
  ManagedRecord managed;  // what trustctl added earlier (apply keeps it up to date)
  std::vector<pki::lint::Finding> findings;  // the lint gate's findings for this plan
};

// Opens sessions and reads every node (reports commands: expiry, bundle). nullopt after reporting errors.
std::optional<LiveState> read_live_state(const Site& site, const CommonOptions& common, const Terminal& term);
// The same, keeping what could be read when some nodes cannot be (show lists those with the rest); their errors are
// returned, not reported. nullopt after reporting when no node could be tried (a secret is missing).
std::optional<providers::RefreshResult> read_live_state_partial(const Site& site, const CommonOptions& common,
                                                                const Terminal& term,
                                                                const providers::RefreshScope& scope = {});

// A command that plans needs a site file unless it renders a saved plan; the error says both ways to call it.
bool require_site(const std::string& verb, const CommonOptions& common, const Terminal& term);

// Refreshes every node and plans. Errors are reported before returning nullopt.
std::optional<PlanContext> refresh_and_plan(const Site& site, const providers::Registry& registry,
                                            const CommonOptions& common, const Terminal& term);

int effective_parallelism(const Site& site, const CommonOptions& common);

// Resolves every secret up front (reporting what is missing) and opens a session pool over SSH.
std::optional<std::unique_ptr<providers::SessionPool>> open_pool(const Site& site, const CommonOptions& common,
                                                                 const Terminal& term);

}  // namespace trustctl::cli
