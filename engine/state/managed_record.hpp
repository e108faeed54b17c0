#pragma once
// What trustctl itself put into trust stores, per node: `policy.prune` removes only these, never a certificate an
// administrator added by hand. Kept in the state directory as JSON, replaced atomically (write, fsync, rename).

#include "engine/model/error.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <tuple>

namespace trustctl {

class ManagedRecord {
 public:
  static std::filesystem::path path_in(const std::filesystem::path& state_dir) { return state_dir / "managed.json"; }
  // No file: an empty record. A damaged file: an error (guessing could prune the wrong certificate).
  static Result<ManagedRecord> load(const std::filesystem::path& state_dir);
  // The file's text; `origin` names it in messages. A wrong type anywhere is an error naming the key path
  // (e.g. "nodes.uccx1.tomcat-trust[2]").
  static Result<ManagedRecord> parse(const std::string& text, const std::string& origin);
  Result<void> save(const std::filesystem::path& state_dir) const;

  void add(const std::string& node, const std::string& store, const std::string& fingerprint);
  void remove(const std::string& node, const std::string& store, const std::string& fingerprint);
  bool contains(const std::string& node, const std::string& store, const std::string& fingerprint) const;
  bool empty() const { return m_entries.empty(); }

 private:
  std::set<std::tuple<std::string, std::string, std::string>> m_entries;
};

}  // namespace trustctl
