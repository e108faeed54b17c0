#include "cli/stages/external_probe_lint.hpp"

#include "engine/exec/parallel.hpp"
#include "providers/pki/lint/linter.hpp"
#include "providers/transport/tls_probe.hpp"

#include <algorithm>
#include <chrono>

namespace trustctl::cli {

ExternalProbeLint probe_external_clusters(const Site& site, int parallelism) {
  std::vector<const Node*> hosts;
  for (const auto& cluster : site.clusters) {
    if (is_vos(cluster.product)) continue;
    for (const auto& node : cluster.nodes) hosts.push_back(&node);
  }
  std::vector<Result<transport::ProbeResult>> probes(hosts.size(), fail(ErrorCode::internal, "not probed"));
  parallel_for_each(hosts.size(), parallelism, [&](std::size_t i) {
    const Node& node = *hosts[i];
    probes[i] = transport::probe_tls({.host = node.address,
                                      .port = node.connection.https_port,
                                      .servername = node.fqdn,
                                      .timeout = std::chrono::seconds(std::min(node.connection.timeout_s, 30))});
  });
  ExternalProbeLint out;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (!probes[i]) {
      out.unreachable.push_back(Error(probes[i].error())
                                    .on(hosts[i]->name, "probe TLS (TC010, TC004)")
                                    .at(hosts[i]->region));
      continue;
    }
    auto findings = pki::lint::lint_probe(*probes[i]);
    out.findings.insert(out.findings.end(), findings.begin(), findings.end());
  }
  return out;
}

}  // namespace trustctl::cli
