#include "cli/stages/verify_stage.hpp"

#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "cli/stages/target_stage.hpp"
#include "engine/exec/parallel.hpp"
#include "engine/model/printable.hpp"
#include "engine/state/journal.hpp"
#include "plans/verify.hpp"
#include "providers/pki/lint/live_lint.hpp"
#include "providers/vos/port_handshakes.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <algorithm>
#include <iostream>
#include <sstream>

namespace trustctl::cli {
namespace {

// "uccx1.lab.example:8443", or the node alone for a service that serves no port.
std::string endpoint(const plans::VerifyRow& row) {
  return row.port.port == 0 ? row.fqdn : row.fqdn + ":" + std::to_string(row.port.port);
}

}  // namespace

namespace {

// What every service port presents: refresh handshook every VOS node's ports already; only what it did not (external
// hosts) is handshaken here.
std::vector<plans::EndpointObservation> observe_ports(const RunContext& context, const LiveState& live) {
  std::vector<plans::EndpointObservation> observations;
  std::vector<const Node*> owners;
  for (const auto& cluster : context.site.clusters) {
    const Provider* provider = context.registry.find(cluster.product);
    if (!provider) continue;
    for (const auto& node : cluster.nodes) {
      for (const auto& port : provider->service_ports(node)) {
        observations.push_back({.node = node.name, .port = port});
        owners.push_back(&node);
      }
    }
  }
  parallel_for_each(observations.size(), context.parallelism() * 2, [&](std::size_t i) {
    auto state = live.nodes.find(observations[i].node);
    if (state != live.nodes.end()) {
      for (const auto& seen : state->second.presented) {
        if (seen.port.port != observations[i].port.port) continue;
        observations[i].chain = seen.chain;
        observations[i].error = seen.error;
        return;
      }
    }
    auto presented = providers::read_presented(*owners[i], {observations[i].port});
    observations[i].chain = std::move(presented.front().chain);
    observations[i].error = std::move(presented.front().error);
  });
  return observations;
}

// What is deployed is judged too: a callee identity with a critical EKU, or an expired one, fails the calls to it
// even when every store holds its chain (docs/appliances.md section 10).
std::vector<plans::DeployedDefect> deployed_defects(const Site& site, const LiveState& live,
                                                    const providers::Registry& registry) {
  std::vector<plans::DeployedDefect> defects;
  for (const auto& found : pki::lint::lint_live(site, live, registry)) {
    for (const auto& call : found.breaks) {
      defects.push_back({call.caller_cluster, call.callee_node,
                         found.finding.rule + " " + found.finding.message + "; fix: " + found.finding.fix});
    }
  }
  return defects;
}

// The rows for people (text), pipelines (JSON) and the jsonl stream (one event per endpoint).
VerifyOutcome render_outcome(std::vector<plans::VerifyRow> rows, const Site& site, const Terminal& term) {
  VerifyOutcome out;
  out.ok = std::all_of(rows.begin(), rows.end(), [](const plans::VerifyRow& r) { return r.ok(); });
  int failing = 0;
  nlohmann::json list = nlohmann::json::array();
  std::ostringstream text;
  text << "Verification of " << site.name << " (TLS handshakes on every service port):\n";
  for (const auto& row : rows) {
    failing += !row.ok();
    nlohmann::json trusted = nlohmann::json::array();
    for (const auto& t : row.trusted_by) trusted.push_back({{"node", t.truster}, {"ok", t.ok}});
    list.push_back({{"node", row.node},
                    {"endpoint", endpoint(row)},
                    {"what", row.port.what},
                    {"service", row.port.service},
                    {"presented_sha256_prefix", row.presented},
                    {"trusted_by", trusted},
                    {"ok", row.ok()},
                    {"problems", row.problems}});
    nlohmann::json event = list.back();
    event["type"] = "verify";
    EventStream::emit(event);
    char line[256];
    std::snprintf(line, sizeof line, "  %-8s %-28s %-24s ", row.node.c_str(),
                  endpoint(row).c_str(), row.port.what.c_str());
    text << line << (row.ok() ? term.green("ok  ") : term.red("FAIL")) << " "
         << (row.presented.empty() ? "-" : row.presented);
    if (!row.trusted_by.empty()) {
      text << "  trusted by:";
      for (const auto& t : row.trusted_by) text << " " << t.truster << (t.ok ? "✓" : "✗");
    }
    text << "\n";
    for (const auto& p : row.problems) text << "      " << term.red("- ") << printable(p) << "\n";
  }
  text << (out.ok ? term.green("Verify: ") : term.red("Verify: ")) << rows.size() << " endpoint(s), "
       << rows.size() - static_cast<std::size_t>(failing) << " ok, " << failing << " failing.\n";
  out.text = text.str();
  out.json = {{"ok", out.ok}, {"endpoints", list}, {"failing", failing}};
  out.rows = std::move(rows);
  return out;
}

}  // namespace

std::optional<VerifyOutcome> verify(RunContext& context) {
  const Site& site = context.site;
  const Terminal& term = context.term;
  // What the journal still owes: a service that missed its restart cannot pass, whatever its port presents.
  auto journal = Journal::read(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, context.common, term);
    return std::nullopt;
  }
  auto owed = pending_restarts(*journal);
  if (!open_sessions(context)) return std::nullopt;
  term.progress("verify: reading every node and handshaking every service port...");
  // Through the trust cache: after apply only the files it wrote are read, every listing and identity is read again.
  auto refreshed = refresh_cached(context, {}, {});
  if (!refreshed.errors.empty()) {
    report_errors(refreshed.errors, context.common, term);
    return std::nullopt;
  }
  auto observations = observe_ports(context, refreshed.state);
  auto defects = deployed_defects(site, refreshed.state, context.registry);
  auto rows = plans::evaluate_verification(site, refreshed.state, observations, context.registry, owed, defects);
  // Targeted (--cluster/--node): every node is read (a peer's store decides whether a call works), the targeted nodes'
  // endpoints are reported.
  if (context.common.target.any()) {
    auto targeted = target_nodes(context);
    if (!targeted) return std::nullopt;
    std::erase_if(rows, [&](const plans::VerifyRow& row) { return !targeted->count(row.node); });
  }
  return render_outcome(std::move(rows), site, term);
}

}  // namespace trustctl::cli
