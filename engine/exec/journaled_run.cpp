#include "engine/exec/journaled_run.hpp"

#include "engine/state/apply_records.hpp"

namespace trustctl {

JournaledRun::JournaledRun(Journal& journal, std::string apply_id, const ActionGraph& graph,
                           const std::vector<Action>& manual_restarts, ActionRunner& inner, ManagedRecord& managed,
                           std::filesystem::path state_dir, ExecObserver* forward)
    : m_journal(journal), m_apply_id(std::move(apply_id)), m_graph(graph), m_manual_restarts(manual_restarts),
      m_inner(inner), m_managed(managed), m_state_dir(std::move(state_dir)), m_forward(forward) {}

std::optional<Error> JournaledRun::broken() const {
  std::lock_guard lock(m_mutex);
  return m_error;
}

Result<void> JournaledRun::run(const Action& action) {
  if (auto error = broken()) {
    return fail(Error(ErrorCode::journal, "not started: the journal cannot be written (" + error->message + ")")
                    .on(action.node, action.describe()));
  }
  return m_inner.run(action);
}

void JournaledRun::started(ActionGraph::Index index, const Action& action, int attempt) {
  {
    std::lock_guard lock(m_mutex);
    auto record = records::action_event(m_apply_id, "action-start", action);
    record["attempt"] = attempt;
    write(std::move(record));
  }
  if (m_forward) m_forward->started(index, action, attempt);
}

void JournaledRun::finished(ActionGraph::Index index, const Action& action, const ActionOutcome& outcome) {
  {
    std::lock_guard lock(m_mutex);
    auto record = records::action_event(m_apply_id, std::string("action-") + to_string(outcome.status), action);
    record["attempts"] = outcome.attempts;
    record["seconds"] = outcome.seconds;
    if (outcome.error) record["error"] = outcome.error->describe();
    if (!outcome.skipped_because.empty()) record["skipped_because"] = outcome.skipped_because;
    write(std::move(record));
    if (outcome.status == ActionStatus::done && action.kind != ActionKind::restart_service) {
      owe_restarts(action);
      remember(action);
    }
  }
  if (m_forward) m_forward->finished(index, action, outcome);
}

void JournaledRun::write(nlohmann::json record) {
  if (auto ok = m_journal.append(std::move(record)); !ok && !m_error) m_error = ok.error();
}

// A change owes the restarts of its own node, and, when it was written on a publisher for replication, those of
// every subscriber it will reach: replication changes the subscriber even if trustctl dies before its wait ends, and
// the next plan would then see nothing to do there.
void JournaledRun::owe_restarts(const Action& change) {
  std::set<std::string> nodes = {change.node};
  if (change.kind == ActionKind::upload_trust && change.certificate) {
    for (const auto& a : m_graph.actions()) {
      if (a.kind == ActionKind::wait_replication && a.source_node == change.node && a.certificate &&
          *a.certificate == *change.certificate) {
        nodes.insert(a.node);
      }
    }
  }
  auto owe = [&](const Action& restart) {
    OwedRestart owed{restart.node, restart.service};
    if (!nodes.count(restart.node) || !m_owed.insert(owed).second) return;
    write(records::restart_owed(m_apply_id, owed, change.id()));
  };
  for (const auto& a : m_graph.actions()) {
    if (a.kind == ActionKind::restart_service) owe(a);
  }
  for (const auto& a : m_manual_restarts) owe(a);
}

// Keeps the record of what trustctl added (policy.prune removes only those).
void JournaledRun::remember(const Action& action) {
  if (!action.certificate) return;
  const std::string& fp = action.certificate->fingerprint();
  if (action.kind == ActionKind::delete_trust) {
    m_managed.remove(action.node, action.store, fp);
  } else {
    m_managed.add(action.node, action.store, fp);
  }
  if (auto ok = m_managed.save(m_state_dir); !ok && !m_error) m_error = ok.error();
}

}  // namespace trustctl
