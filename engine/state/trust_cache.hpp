#pragma once
// The trust cache: per node, the trust files an earlier refresh read, kept in the state directory
// (<state_dir>/trust-cache/<node>.json) so that a store whose listing has not changed costs one listing command
// (docs/appliances.md section 2: on 12.x/14.x a trust file's name carries the certificate's serial). It is only ever a
// shortcut: a file that is missing, damaged or written for another node is ignored with a warning, never trusted, and
// refresh reads what it would have held.

#include "engine/model/error.hpp"
#include "engine/model/live_state.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace trustctl {

class TrustCache {
 public:
  static std::filesystem::path dir_in(const std::filesystem::path& state_dir) { return state_dir / "trust-cache"; }
  // The node's file: characters other than letters, digits, '.', '-' and '_' are written as %XX, so any node name
  // makes one file name of its own.
  static std::filesystem::path path_in(const std::filesystem::path& state_dir, const std::string& node);

  // The files of these nodes. A node without a file is simply unknown; a file that cannot be read or is damaged adds
  // a warning naming it and what to do, and its node is unknown.
  static TrustCache load(const std::filesystem::path& state_dir, const std::vector<std::string>& nodes,
                         std::vector<std::string>& warnings);
  // One node's file text; `origin` names it in messages.
  static Result<KnownTrustFiles> parse(const std::string& text, const std::string& node, const std::string& origin);
  static std::string serialize(const std::string& node, const KnownTrustFiles& files);

  // What refresh may skip reading on this node (nullptr: read everything).
  const KnownTrustFiles* find(const std::string& node) const;
  const std::map<std::string, KnownTrustFiles>& nodes() const { return m_nodes; }
  // Replaces each node's entry with what this refresh observed in its stores (nodes not in `live` keep theirs).
  void remember(const LiveState& live);
  // Writes the files of the nodes in `live` (each replaced atomically). The first failure is returned; the cache is a
  // shortcut, so callers warn and carry on.
  Result<void> save(const std::filesystem::path& state_dir, const LiveState& live) const;

 private:
  std::map<std::string, KnownTrustFiles> m_nodes;
};

}  // namespace trustctl
