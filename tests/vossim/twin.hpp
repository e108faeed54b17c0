#pragma once
// A twin of a live site (`vos-sim TWIN.toml --from-inventory INVENTORY.json`): before the lab loads its nodes, each
// node of TWIN.toml that the inventory (`trustctl show SITE --format json`) names is seeded with what the live node
// held: tomcat-trust holds exactly the inventory's certificates (same files, same PEM), and each identity has the
// live one's subject, SANs, issuer, serial, validity and extensions, on a fresh key (the real keys never leave the
// appliances). A certificate cannot survive a new key unchanged, so:
//   - a self-signed identity is signed by its new key, and every trust entry of the twin that held the live identity
//     holds the twin's instead (same file name), so the twin's stores trust exactly what the live ones trust;
//   - a CA-signed identity is signed by that CA when TWIN.toml gives the CA's key ([[ca]] local_key), so it chains as
//     the live one does; otherwise by a stand-in key of the CA's key type, and it no longer chains to that CA;
//   - a service whose port presented an older identity than the node stored (a restart owed) loads that older one.
// What the twin could not reproduce, and which plan actions may therefore differ from the source's, goes to stderr.
// A node whose state already exists in the state directory is kept as it is (a restarted twin keeps its rehearsal).

#include "engine/model/site.hpp"
#include "tests/vossim/sim_node.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace vossim {

// Seeds the state directory; nodes: the lab's SimNodes by name (seeded ones are marked; stale ports set). Returns the
// lines to print on stderr. An inventory that cannot be used (unreadable, not an inventory, a node of another
// product, a certificate without PEM) is an error naming the file and the node.
trustctl::Result<std::vector<std::string>> seed_twin(const trustctl::Site& site, const std::filesystem::path& inventory,
                                                     const std::filesystem::path& state_dir,
                                                     const std::map<std::string, SimNode*>& nodes);

}  // namespace vossim
