#include "cli/stages/refresh_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "engine/base/log.hpp"

#include <cstdio>
#include <iostream>

namespace trustctl::cli {

bool open_sessions(RunContext& context) {
  if (context.pool) return true;
  auto secrets = providers::resolve_site_secrets(context.site);
  if (!secrets) {
    report_errors({secrets.error()}, context.common, context.term);
    return false;
  }
  // Every password is known to the debug log before any connection: no line can show it, whoever builds the line.
  for (const auto& [name, secret] : *secrets) log::add_secret(secret.password);
  auto shared = std::make_shared<const providers::SecretMap>(std::move(*secrets));
  bool tofu = context.common.trust_on_first_use;
  context.pool = std::make_unique<providers::SessionPool>(
      providers::ConnectOptions{tofu, providers::ssh_opener(shared, tofu), shared});
  return true;
}

providers::RefreshResult refresh_cached(RunContext& context, const providers::RefreshProgress& progress,
                                        providers::RefreshScope scope) {
  const Site& site = context.site;
  if (!context.trust_cache) {
    std::vector<std::string> nodes, warnings;
    for (const auto& cluster : site.clusters) {
      for (const auto& node : cluster.nodes) nodes.push_back(node.name);
    }
    // --refresh=full starts from nothing; what it reads still becomes the cache.
    context.trust_cache = context.common.refresh_full ? TrustCache() : TrustCache::load(site.state_dir, nodes, warnings);
    for (const auto& w : warnings) std::cerr << context.term.yellow("warning: ") << w << "\n";
  }
  scope.known = &context.trust_cache->nodes();
  auto refreshed = providers::refresh(site, context.registry, *context.pool, context.parallelism(), progress, scope);
  context.trust_cache->remember(refreshed.state);
  if (auto saved = context.trust_cache->save(site.state_dir, refreshed.state); !saved) {
    std::cerr << context.term.yellow("warning: ") << "the trust cache was not saved (" << saved.error().message
              << "); the next refresh reads the trust stores in full\n";
  }
  return refreshed;
}

bool refresh(RunContext& context) {
  if (!open_sessions(context)) return false;
  const Terminal& term = context.term;
  std::size_t total = 0;
  for (const auto& cluster : context.site.clusters) {
    if (is_vos(cluster.product)) total += cluster.nodes.size();
  }
  providers::RefreshProgress progress;
  // Progress on stderr in every format (stdout may carry JSON); the jsonl stream gets one event per node as well.
  term.progress("refreshing " + std::to_string(total) + " node(s)...");
  progress.finished = [&](const Node& node, const Result<NodeState>& result, double seconds) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", seconds);
    std::size_t entries = 0;
    if (result) {
      for (const auto& [store, list] : result->stores) entries += list.size();
      std::string reused = result->trust_files_reused == 0
                               ? ""
                               : " (" + std::to_string(result->trust_files_reused) + " file(s) unchanged since the "
                                 "last refresh, not read again)";
      term.progress(node.name + ": read " + std::to_string(entries) + " trust certificate(s) in " + took + reused);
    } else {
      term.progress(node.name + ": " + term.red("refresh failed") + " after " + took);
    }
    nlohmann::json event = {{"type", "refresh"}, {"node", node.name}, {"cluster", node.cluster},
                            {"ok", result.has_value()}, {"seconds", seconds}};
    if (result) {
      event["trust_entries"] = entries;
      event["trust_files_reused"] = result->trust_files_reused;
    }
    if (!result) event["error"] = result.error().describe();
    EventStream::emit(event);
  };
  auto refreshed = refresh_cached(context, progress, {});
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, context.common, context.term);
    return false;
  }
  context.live = std::move(refreshed.state);
  return true;
}

std::optional<providers::RefreshResult> refresh_partial(RunContext& context, const providers::RefreshScope& scope) {
  if (!open_sessions(context)) return std::nullopt;
  return refresh_cached(context, {}, scope);
}

bool read_stores(RunContext& context) {
  // Every identity unit: a tomcat-ECDSA identity expires too, and browsers may be presented it.
  auto refreshed = refresh_partial(context, {.presented = false, .every_identity_unit = true});
  if (!refreshed) return false;
  if (!refreshed->errors.empty()) {
    report_errors(refreshed->errors, context.common, context.term);
    return false;
  }
  context.live = std::move(refreshed->state);
  return true;
}

}  // namespace trustctl::cli
