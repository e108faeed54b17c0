#pragma once
// Runs a plan's action graph with a journal: every action is recorded before and after it runs (fsync'd), and a
// change that is done owes the restarts of its node, and of every subscriber it replicates to, until a restart
// settles them. A journal that cannot be written stops every further action: work that is not recorded could lose a
// restart.

#include "engine/exec/executor.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/managed_record.hpp"

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace trustctl {

class JournaledRun final : public ActionRunner, public ExecObserver {
 public:
  // graph and manual_restarts: the plan being run (which restarts a change owes). managed: what trustctl added to
  // trust stores (policy.prune removes only those), saved as actions complete. forward: another observer (progress
  // on the terminal) told of every event after the journal; may be null.
  JournaledRun(Journal& journal, std::string apply_id, const ActionGraph& graph,
               const std::vector<Action>& manual_restarts, ActionRunner& inner, ManagedRecord& managed,
               std::filesystem::path state_dir, ExecObserver* forward = nullptr);

  // ActionRunner: runs the action, or refuses once the journal is broken.
  Result<void> run(const Action& action) override;
  // ExecObserver
  void started(ActionGraph::Index index, const Action& action, int attempt) override;
  void finished(ActionGraph::Index index, const Action& action, const ActionOutcome& outcome) override;

  // The first journal or managed-record write that failed, if any.
  std::optional<Error> broken() const;

 private:
  void write(nlohmann::json record);
  void owe_restarts(const Action& change);
  void remember(const Action& action);

  Journal& m_journal;
  std::string m_apply_id;
  const ActionGraph& m_graph;
  const std::vector<Action>& m_manual_restarts;
  ActionRunner& m_inner;
  ManagedRecord& m_managed;
  std::filesystem::path m_state_dir;
  ExecObserver* m_forward;
  mutable std::mutex m_mutex;  // run() is called from several worker threads
  std::optional<Error> m_error;
  std::set<OwedRestart> m_owed;  // journaled in this run
};

}  // namespace trustctl
