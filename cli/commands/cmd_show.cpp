#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "cli/stages/target_stage.hpp"
#include "plans/inventory.hpp"
#include "plans/render_inventory.hpp"

#include <iostream>

namespace trustctl::cli {

// The live inventory of every store of every node, read like plan reads it (read-only). A node that cannot be read is
// listed with its error and what to do, the others are still shown, and the exit code is 1.
int run_show(const CommonOptions& common, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context) return kExitError;
  const Terminal& term = context->term;
  const Site* site = &context->site;
  auto managed = ManagedRecord::load(site->state_dir);
  if (!managed) {
    report_errors({managed.error()}, common, term);
    return kExitError;
  }
  if (common.format != "json") term.progress("reading every node...");
  auto refreshed = refresh_partial(*context, {.presented = true, .every_identity_unit = true, .every_external = true});
  if (!refreshed) return kExitError;
  auto inventory = plans::make_inventory(*site, refreshed->state, registry, *managed, refreshed->errors,
                                         now_utc());
  // Targeted (--cluster/--node): every node is read (what the site wants of a store depends on its peers), the
  // targeted nodes are shown, and only their read errors count.
  if (common.target.any()) {
    auto targeted = target_nodes(*context);
    if (!targeted) return kExitError;
    for (auto& cluster : inventory.clusters) {
      std::erase_if(cluster.nodes, [&](const plans::InventoryNode& n) { return !targeted->count(n.name); });
    }
    std::erase_if(inventory.clusters, [](const plans::InventoryCluster& c) { return c.nodes.empty(); });
    std::erase_if(refreshed->errors, [&](const Error& e) { return !e.node.empty() && !targeted->count(e.node); });
  }
  if (common.format == "json") {
    print_json(plans::inventory_to_json(inventory));
  } else {
    std::cout << plans::render_inventory_text(inventory, {.color = term.color});
  }
  return refreshed->errors.empty() ? kExitOk : kExitError;
}

}  // namespace trustctl::cli
