#include "engine/state/managed_record.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <sstream>

namespace trustctl {

Result<ManagedRecord> ManagedRecord::load(const std::filesystem::path& state_dir) {
  ManagedRecord record;
  auto path = path_in(state_dir);
  std::ifstream in(path);
  if (!in) return record;
  std::stringstream buf;
  buf << in.rdbuf();
  auto json = nlohmann::json::parse(buf.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("nodes") || !json["nodes"].is_object()) {
    return fail(ErrorCode::journal, path.string() + " is damaged; it lists what trustctl added (for policy.prune). "
                                                    "Restore it, or remove it to stop pruning what it listed");
  }
  // An entry of the wrong shape is damage too: skipping it would be a guess about what trustctl added.
  auto damaged = [&](const std::string& where, const char* expected) {
    return fail(ErrorCode::journal, path.string() + ": nodes." + where + " is not " + expected + "; the file lists "
                                    "what trustctl added (for policy.prune). Restore it, or remove it to stop "
                                    "pruning what it listed");
  };
  for (const auto& [node, stores] : json["nodes"].items()) {
    if (!stores.is_object()) return damaged(node, "an object of store -> fingerprints");
    for (const auto& [store, fingerprints] : stores.items()) {
      if (!fingerprints.is_array()) return damaged(node + "." + store, "an array of fingerprints");
      for (const auto& fp : fingerprints) {
        if (!fp.is_string()) return damaged(node + "." + store, "an array of fingerprint strings");
        record.add(node, store, fp.get<std::string>());
      }
    }
  }
  return record;
}

Result<void> ManagedRecord::save(const std::filesystem::path& state_dir) const {
  nlohmann::json nodes = nlohmann::json::object();
  for (const auto& [node, store, fp] : m_entries) nodes[node][store].push_back(fp);
  std::string text = nlohmann::json{{"format_version", 1}, {"nodes", nodes}}.dump(2) + "\n";
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  auto path = path_in(state_dir);
  auto temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return fail(ErrorCode::journal, "cannot write " + temp.string() + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    return fail(ErrorCode::journal, "cannot write " + path.string() + ": " + std::strerror(errno));
  }
  return {};
}

void ManagedRecord::add(const std::string& node, const std::string& store, const std::string& fingerprint) {
  m_entries.emplace(node, store, fingerprint);
}

void ManagedRecord::remove(const std::string& node, const std::string& store, const std::string& fingerprint) {
  m_entries.erase({node, store, fingerprint});
}

bool ManagedRecord::contains(const std::string& node, const std::string& store, const std::string& fingerprint) const {
  return m_entries.count({node, store, fingerprint}) > 0;
}

}  // namespace trustctl
