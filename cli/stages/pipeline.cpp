#include "cli/stages/pipeline.hpp"

#include "cli/stages/external_probe_lint.hpp"
#include "cli/stages/lint_gate.hpp"
#include "engine/config/site_loader.hpp"
#include "engine/state/journal.hpp"
#include "plans/diff.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <cstdio>
#include <iostream>

namespace trustctl::cli {

nlohmann::json error_to_json(const Error& error) {
  nlohmann::json j = {{"code", to_string(error.code)}, {"message", error.message}};
  if (!error.node.empty()) j["node"] = error.node;
  if (!error.operation.empty()) j["operation"] = error.operation;
  if (error.region) {
    j["file"] = error.region->file ? *error.region->file : "";
    j["line"] = error.region->line;
    j["column"] = error.region->column;
  }
  j["text"] = error.describe();
  return j;
}

void report_errors(const std::vector<Error>& errors, const CommonOptions& common, const Terminal& term) {
  if (common.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) list.push_back(error_to_json(e));
    std::cout << nlohmann::json{{"ok", false}, {"errors", list}}.dump(2) << std::endl;
    return;
  }
  for (const auto& e : errors) std::cerr << term.red("error: ") << e.describe() << "\n";
}

std::optional<Site> load_site(const CommonOptions& common, const Terminal& term) {
  auto loaded = config::load_site(common.site);
  for (const auto& w : loaded.warnings) {
    if (common.format != "json") std::cerr << term.yellow("warning: ") << w.describe() << "\n";
  }
  if (!loaded.errors.empty() || !loaded.site) {
    report_errors(loaded.errors, common, term);
    return std::nullopt;
  }
  return std::move(*loaded.site);
}

int effective_parallelism(const Site& site, const CommonOptions& common) {
  return common.parallelism > 0 ? common.parallelism : site.connection.parallelism;
}

std::optional<std::unique_ptr<providers::SessionPool>> open_pool(const Site& site, const CommonOptions& common,
                                                                 const Terminal& term) {
  auto secrets = providers::resolve_site_secrets(site);
  if (!secrets) {
    report_errors({secrets.error()}, common, term);
    return std::nullopt;
  }
  auto shared = std::make_shared<const providers::SecretMap>(std::move(*secrets));
  return std::make_unique<providers::SessionPool>(
      site, providers::ConnectOptions{common.trust_on_first_use,
                                      providers::ssh_opener(shared, common.trust_on_first_use), shared});
}

bool require_site(const std::string& verb, const CommonOptions& common, const Terminal& term) {
  if (!common.site.empty()) return true;
  report_errors({Error(ErrorCode::invalid_site, verb + " needs a site file (trustctl " + verb +
                                                    " SITE), or a saved plan (trustctl " + verb + " --from FILE)")},
                common, term);
  return false;
}

std::optional<providers::RefreshResult> read_live_state_partial(const Site& site, const CommonOptions& common,
                                                                const Terminal& term,
                                                                const providers::RefreshScope& scope) {
  auto pool = open_pool(site, common, term);
  if (!pool) return std::nullopt;
  return providers::refresh(site, **pool, effective_parallelism(site, common), {}, scope);
}

std::optional<LiveState> read_live_state(const Site& site, const CommonOptions& common, const Terminal& term) {
  // expiry and bundle look at stores and identities only: no handshakes. Every identity unit: a tomcat-ECDSA identity
  // expires too, and browsers may be presented it.
  auto refreshed = read_live_state_partial(site, common, term, {.presented = false, .every_identity_unit = true});
  if (!refreshed) return std::nullopt;
  if (!refreshed->errors.empty()) {
    report_errors(refreshed->errors, common, term);
    return std::nullopt;
  }
  return std::move(refreshed->state);
}

std::optional<PlanContext> refresh_and_plan(const Site& site, const providers::Registry& registry,
                                            const CommonOptions& common, const Terminal& term) {
  auto journal = Journal::read(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, common, term);
    return std::nullopt;
  }
  auto pending = pending_restarts(*journal);
  auto managed = ManagedRecord::load(site.state_dir);
  if (!managed) {
    report_errors({managed.error()}, common, term);
    return std::nullopt;
  }

  PlanContext context;
  auto pool = open_pool(site, common, term);
  if (!pool) return std::nullopt;
  context.pool = std::move(*pool);

  std::size_t total = 0;
  for (const auto& cluster : site.clusters) {
    if (is_vos(cluster.product)) total += cluster.nodes.size();
  }
  if (common.format != "json") term.progress("refreshing " + std::to_string(total) + " node(s)...");
  providers::RefreshProgress progress;
  if (common.format != "json") {
    progress.finished = [&](const Node& node, const Result<NodeState>& result, double seconds) {
      char took[32];
      std::snprintf(took, sizeof took, "%.1f s", seconds);
      if (result) {
        std::size_t entries = 0;
        for (const auto& [store, list] : result->stores) entries += list.size();
        term.progress(node.name + ": read " + std::to_string(entries) + " trust certificate(s) in " + took);
      } else {
        term.progress(node.name + ": " + term.red("refresh failed") + " after " + took);
      }
    };
  }
  auto refreshed = providers::refresh(site, *context.pool, effective_parallelism(site, common), progress);
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, common, term);
    return std::nullopt;
  }
  auto plan = plans::make_plan(site, refreshed.state, registry, pending, &*managed);
  if (!plan) {
    report_errors({plan.error()}, common, term);
    return std::nullopt;
  }
  context.findings = lint_plan(site, refreshed.state, *plan);
  // TC010/TC004 need a handshake like Finesse's with each external host; refresh read their chains already, so a
  // host that does not answer now is a warning here, not a second error.
  auto externals = probe_external_clusters(site, effective_parallelism(site, common));
  context.findings.insert(context.findings.end(), externals.findings.begin(), externals.findings.end());
  context.findings = pki::lint::deduplicate(std::move(context.findings));
  if (common.format != "json") {
    for (const auto& e : externals.unreachable) term.progress("warning: " + e.describe());
  }
  context.plan = std::move(*plan);
  context.managed = std::move(*managed);
  return context;
}

}  // namespace trustctl::cli
