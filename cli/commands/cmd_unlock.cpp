#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "engine/state/state_lock.hpp"

#include <iostream>

namespace trustctl::cli {

int run_unlock(const CommonOptions& common, const UnlockOptions& options, const providers::Registry& registry) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term, registry);
  if (!site) return kExitError;
  auto removed = StateLock::force_unlock(site->state_dir, options.id, options.force);
  if (!removed) {
    report_errors({removed.error()}, common, term);
    return kExitError;
  }
  if (common.format == "json") {
    print_json({{"ok", true}, {"removed", options.id}, {"state_dir", site->state_dir.string()}});
    return kExitOk;
  }
  std::cout << "removed lock " << options.id << " from " << site->state_dir.string() << "\n";
  return kExitOk;
}

}  // namespace trustctl::cli
