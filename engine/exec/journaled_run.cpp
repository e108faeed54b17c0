#include "engine/exec/journaled_run.hpp"

#include "engine/state/apply_records.hpp"

namespace trustctl {

bool proves_nothing_committed(const Error& error) {
  switch (error.code) {
    case ErrorCode::appliance_refused:
    case ErrorCode::authentication:
    case ErrorCode::host_key:
    case ErrorCode::tls:
    case ErrorCode::secret:
    case ErrorCode::journal:
    case ErrorCode::cancelled: return true;
    default: return false;
  }
}

JournaledRun::JournaledRun(Journal& journal, std::string apply_id, ActionRunner& inner, ManagedRecord& managed,
                           std::filesystem::path state_dir, ExecObserver* forward)
    : m_journal(journal), m_apply_id(std::move(apply_id)), m_inner(inner), m_managed(managed),
      m_state_dir(std::move(state_dir)), m_forward(forward) {}

Result<void> JournaledRun::run(const Action& action) {
  {
    std::lock_guard lock(m_mutex);
    if (m_error) {
      return fail(Error(ErrorCode::journal, "not started: the journal cannot be written (" + m_error->message + ")")
                      .on(action.node, action.describe()));
    }
    if (!owe(action)) {
      return fail(Error(ErrorCode::journal, "not started: its owed restarts could not be journaled (" +
                                                m_error->message + ")")
                      .on(action.node, action.describe()));
    }
  }
  Result<void> result = m_inner.run(action);
  if (!result && !proves_nothing_committed(result.error()) && action.writes()) {
    std::lock_guard lock(m_mutex);
    m_maybe_committed.insert(action.id());
  }
  return result;
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
    bool committed = outcome.status == ActionStatus::done || m_maybe_committed.count(action.id());
    if (committed) remember(action, outcome.status == ActionStatus::done);
    if (outcome.status == ActionStatus::failed && !committed) release(action);
  }
  if (m_forward) m_forward->finished(index, action, outcome);
}

bool JournaledRun::write(nlohmann::json record) {
  if (auto ok = m_journal.append(std::move(record)); !ok && !m_error) m_error = ok.error();
  return !m_error;
}

// Before the first attempt: the change may commit on the appliance and the reply never arrive.
bool JournaledRun::owe(const Action& change) {
  if (change.owes.empty() || !m_owed_for.insert(change.id()).second) return !m_error;
  for (const auto& restart : change.owes) {
    if (!write(records::restart_owed(m_apply_id, restart, change.id()))) return false;
  }
  return true;
}

void JournaledRun::release(const Action& change) {
  if (!m_owed_for.count(change.id())) return;
  for (const auto& restart : change.owes) write(records::restart_released(m_apply_id, restart, change.id()));
}

// Keeps the record of what trustctl added (policy.prune removes only those). A change that may have committed counts:
// pruning later must be able to remove what trustctl may have put there.
// A certificate that arrived by replication counts too (deletes do not replicate: prune deletes it on each node).
void JournaledRun::remember(const Action& action, bool done) {
  bool trust_write = action.kind == ActionKind::upload_trust || action.kind == ActionKind::delete_trust;
  bool replicated = action.kind == ActionKind::wait_replication && done;
  if (!action.certificate || !(trust_write || replicated)) return;
  const std::string& fp = action.certificate->fingerprint();
  if (action.kind == ActionKind::delete_trust) {
    m_managed.remove(action.node, action.store, fp);
  } else {
    m_managed.add(action.node, action.store, fp);
  }
  if (auto ok = m_managed.save(m_state_dir); !ok && !m_error) m_error = ok.error();
}

}  // namespace trustctl
