#pragma once
// Runs a plan's action graph with a journal: every action is recorded before and after it runs (fsync'd), and every
// restart a change owes is recorded as owed *before* the change is sent, for its node and for every node the change
// reaches by replication or distribution. A session that drops after the appliance committed, or a trustctl killed
// at that moment, therefore never loses a restart: the next plan reads it back as owed. An owed restart is settled
// only by a completed restart; a change that ended without touching the appliance (refused before anything was
// committed) releases what it owed. A journal that cannot be written stops every further action.

#include "engine/exec/executor.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/managed_record.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trustctl {

class JournaledRun final : public ActionRunner, public ExecObserver {
 public:
  // managed: what trustctl added to trust stores (policy.prune removes only those), saved as actions complete.
  // forward: another observer (progress on the terminal) told of every event after the journal; may be null.
  JournaledRun(Journal& journal, std::string apply_id, ActionRunner& inner, ManagedRecord& managed,
               std::filesystem::path state_dir, ExecObserver* forward = nullptr);

  // ActionRunner: journals what the action owes (first attempt), then runs it; refuses once the journal is broken.
  Result<void> run(const Action& action) override;
  // ExecObserver
  void started(ActionGraph::Index index, const Action& action, int attempt) override;
  void finished(ActionGraph::Index index, const Action& action, const ActionOutcome& outcome) override;

  // The first journal or managed-record write that failed, if any.
  const std::optional<Error>& broken() const { return m_error; }

 private:
  bool write(nlohmann::json record);
  bool owe(const Action& change);
  void release(const Action& change);
  void remember(const Action& action, bool done);

  Journal& m_journal;
  std::string m_apply_id;
  ActionRunner& m_inner;
  ManagedRecord& m_managed;
  std::filesystem::path m_state_dir;
  ExecObserver* m_forward;
  std::optional<Error> m_error;
  std::mutex m_mutex;                          // run() is called from several worker threads
  std::set<std::string> m_owed_for;            // changes whose owed restarts are journaled
  std::set<std::string> m_maybe_committed;     // changes an attempt of which may have reached the appliance
};

// Whether an error proves the appliance did not commit the change (it refused it, or nothing was sent), as opposed
// to "may or may not have taken effect" (a dropped session, a timeout).
bool proves_nothing_committed(const Error& error);

}  // namespace trustctl
