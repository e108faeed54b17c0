#pragma once
// The one narrow interface between the executor and the world (like ninja's CommandRunner). The real runner talks to
// appliances; DryRunRunner reports what it would do; tests pass their own.

#include "engine/graph/action.hpp"
#include "engine/model/error.hpp"

namespace trustctl {

class ActionRunner {
 public:
  virtual ~ActionRunner() = default;
  // Runs one action to completion. Must be safe to call from several threads for actions on different nodes.
  virtual Result<void> run(const Action& action) = 0;
};

// Succeeds without touching anything: a dry run cannot know outcomes, it only walks the schedule.
class DryRunRunner final : public ActionRunner {
 public:
  Result<void> run(const Action&) override { return {}; }
};

}  // namespace trustctl
