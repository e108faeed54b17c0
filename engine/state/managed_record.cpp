#include "engine/state/managed_record.hpp"

#include "engine/base/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace trustctl {

Result<ManagedRecord> ManagedRecord::load(const std::filesystem::path& state_dir) {
  auto path = path_in(state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return ManagedRecord();
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return fail(ErrorCode::journal, "cannot read " + path.string() + ": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path.string());
}

namespace {

// "null", "a number", "an object", ... (never the value itself).
std::string json_type(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  std::string name = value.type_name();
  return (name.front() == 'a' || name.front() == 'o' ? "an " : "a ") + name;
}

bool is_fingerprint(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<ManagedRecord> ManagedRecord::parse(const std::string& text, const std::string& origin) {
  // Guessing could prune the wrong certificate, or forget one trustctl added: every problem is an error naming the key.
  auto damaged = [&](const std::string& key, const std::string& what) {
    return fail(ErrorCode::journal, origin + " is damaged: " + (key.empty() ? "" : key + " ") + what +
                                        ". The file lists what trustctl added (for policy.prune): repair it, or "
                                        "remove it to stop pruning what it listed");
  };
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return damaged("", "it is not a JSON object");
  if (auto version = json.find("format_version"); version != json.end()) {
    if (!version->is_number_integer() || version->get<long long>() != 1) {
      return damaged("format_version", "is " + (version->is_number() ? version->dump() : json_type(*version)) +
                                           "; this trustctl reads version 1");
    }
  }
  auto nodes = json.find("nodes");
  if (nodes == json.end()) return damaged("", "it has no \"nodes\"");
  if (!nodes->is_object()) return damaged("nodes", "is " + json_type(*nodes) + ", expected an object");
  ManagedRecord record;
  for (const auto& [node, stores] : nodes->items()) {
    const std::string node_key = "nodes." + node;
    if (!stores.is_object()) return damaged(node_key, "is " + json_type(stores) + ", expected an object of stores");
    for (const auto& [store, fingerprints] : stores.items()) {
      const std::string store_key = node_key + "." + store;
      if (!fingerprints.is_array()) {
        return damaged(store_key, "is " + json_type(fingerprints) + ", expected an array of fingerprints");
      }
      for (std::size_t k = 0; k < fingerprints.size(); ++k) {
        const auto& fp = fingerprints[k];
        if (!fp.is_string() || !is_fingerprint(fp.get<std::string>())) {
          return damaged(store_key + "[" + std::to_string(k) + "]",
                         fp.is_string() ? "is not a SHA-256 fingerprint (64 lowercase hex digits)"
                                        : "is " + json_type(fp) + ", expected a fingerprint string");
        }
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
  if (auto written = AtomicFile::replace(path, text, 0640); !written) {
    return fail(Error(ErrorCode::journal, written.error().message));
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
