#include "plans/restart_list.hpp"

#include <algorithm>
#include <tuple>

namespace trustctl::plans {

namespace {

// What a trust upload or replication wait carries: the certificate's fingerprint, or the identity made in this apply.
std::string fed_certificate(const Action& a) {
  if (a.certificate) return a.certificate->fingerprint();
  return a.identity_node.empty() ? "" : "identity:" + a.identity_node + "/" + a.identity_unit;
}

}  // namespace

// Each write owes its own restarts and those of every wait it feeds: a publisher's upload changes the subscribers'
// stores by replication, and a multi-server identity reaches the other nodes by distribution, whether or not
// trustctl lives to see the wait end. Journaled before the write is sent (engine/exec/journaled_run.hpp).
void attach_owed_restarts(ActionGraph& graph, const RestartList& restarts, const std::set<std::string>& whole_nodes) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<ActionGraph::Index>> waits_by_source;
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    const Action& a = graph.action(i);
    if (a.kind == ActionKind::wait_replication && (a.certificate || !a.identity_node.empty())) {
      waits_by_source[{a.source_node, a.store, fed_certificate(a)}].push_back(i);
    } else if (a.kind == ActionKind::wait_identity) {
      waits_by_source[{a.source_node, a.store, ""}].push_back(i);
    }
  }
  for (ActionGraph::Index i = 0; i < graph.size(); ++i) {
    Action& a = graph.action(i);
    if (!a.writes()) continue;
    auto add = [&](const std::string& change_id) {
      if (const auto* owed = restarts.owed_by(change_id)) {
        for (const auto& owed_restart : *owed) {
          OwedRestart r = owed_restart;
          if (whole_nodes.count(r.node)) r.service = kSystemRestart;
          if (std::find(a.owes.begin(), a.owes.end(), r) == a.owes.end()) a.owes.push_back(r);
        }
      }
    };
    add(a.id());
    std::string fed_key = a.kind == ActionKind::upload_trust ? fed_certificate(a) : "";
    bool feeds = a.kind == ActionKind::upload_trust || (a.changes_identity() && a.multi_server);
    if (!feeds) continue;
    auto fed = waits_by_source.find({a.node, a.store, fed_key});
    if (fed == waits_by_source.end()) continue;
    for (auto wait : fed->second) add(graph.action(wait).id());
  }
}

}  // namespace trustctl::plans
