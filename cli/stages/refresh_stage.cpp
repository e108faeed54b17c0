#include "cli/stages/refresh_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "engine/base/log.hpp"

#include <cstdio>

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
      context.site, providers::ConnectOptions{tofu, providers::ssh_opener(shared, tofu), shared});
  return true;
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
      term.progress(node.name + ": read " + std::to_string(entries) + " trust certificate(s) in " + took);
    } else {
      term.progress(node.name + ": " + term.red("refresh failed") + " after " + took);
    }
    nlohmann::json event = {{"type", "refresh"}, {"node", node.name}, {"cluster", node.cluster},
                            {"ok", result.has_value()}, {"seconds", seconds}};
    if (result) event["trust_entries"] = entries;
    if (!result) event["error"] = result.error().describe();
    EventStream::emit(event);
  };
  auto refreshed = providers::refresh(context.site, *context.pool, context.parallelism(), progress);
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, context.common, context.term);
    return false;
  }
  context.live = std::move(refreshed.state);
  return true;
}

std::optional<providers::RefreshResult> refresh_partial(RunContext& context, const providers::RefreshScope& scope) {
  if (!open_sessions(context)) return std::nullopt;
  return providers::refresh(context.site, *context.pool, context.parallelism(), {}, scope);
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
