#include "cli/commands/commands.hpp"
#include "cli/stages/load_stage.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

namespace trustctl::cli {

int run_validate(const CommonOptions& common, const providers::Registry& /*registry*/) {
  Terminal term = Terminal::detect(common.no_color);
  auto site = load_site(common, term);
  if (!site) return kExitError;
  std::size_t nodes = site->all_nodes().size();
  if (common.format == "json") {
    std::cout << nlohmann::json{{"ok", true},
                                {"site", site->name},
                                {"clusters", site->clusters.size()},
                                {"nodes", nodes}}
                     .dump(2)
              << std::endl;
  } else {
    std::cout << term.green("valid: ") << common.site << " (site " << site->name << ", " << site->clusters.size()
              << " cluster(s), " << nodes << " node(s))\n";
  }
  return kExitOk;
}

}  // namespace trustctl::cli
