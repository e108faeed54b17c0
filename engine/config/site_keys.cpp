#include "engine/config/site_keys.hpp"


#include <algorithm>
#include <cctype>

namespace trustctl::config {
namespace {

using enum KeyType;

// Order within a section is the order of docs/site-format.md, so lists in messages read like the documentation.
constexpr KeySpec kKeys[] = {
    {"", "version", integer},
    {"", "site", table},
    {"", "credentials", table_map},
    {"", "connection", table},
    {"", "ca", array_of_tables},
    {"", "cluster", array_of_tables},
    {"", "integration", array_of_tables},
    {"", "trust", array_of_tables},
    {"", "policy", table},
    {"", "timing", table},

    {"site", "name", string},
    {"site", "domain", string},
    {"site", "state_dir", string},

    {"credentials.*", "username", string},
    {"credentials.*", "password_env", string},
    {"credentials.*", "password_file", string},
    {"credentials.*", "password_command", string_array},

    {"connection", "credentials", string},
    {"connection", "ssh_port", integer},
    {"connection", "https_port", integer},
    {"connection", "known_hosts", string},
    {"connection", "tls_pins", string},
    {"connection", "timeout_s", integer},
    {"connection", "parallelism", integer},
    {"connection", "answer_delay_ms", integer},

    {"ca", "name", string},
    {"ca", "certificate", string},
    {"ca", "local_key", string},
    {"ca", "signed_dir", string},

    {"cluster", "name", string},
    {"cluster", "product", string},
    {"cluster", "version", string},
    {"cluster", "nodes", array_of_tables},
    {"cluster", "identity", table},
    {"cluster", "restart", string},
    {"cluster", "restart_services", string},

    // A node may override every [connection] key except parallelism, which is global.
    {"cluster.nodes", "name", string},
    {"cluster.nodes", "fqdn", string},
    {"cluster.nodes", "role", string},
    {"cluster.nodes", "address", string},
    {"cluster.nodes", "credentials", string},
    {"cluster.nodes", "ssh_port", integer},
    {"cluster.nodes", "https_port", integer},
    {"cluster.nodes", "known_hosts", string},
    {"cluster.nodes", "tls_pins", string},
    {"cluster.nodes", "timeout_s", integer},
    {"cluster.nodes", "answer_delay_ms", integer},

    {"cluster.identity.*", "issuer", string},
    {"cluster.identity.*", "distribution", string},
    {"cluster.identity.*", "key", string},
    {"cluster.identity.*", "renew_before_days", integer},

    {"integration", "from", string},
    {"integration", "to", string},
    {"integration", "kind", string},

    {"trust", "cluster", string},
    {"trust", "node", string},
    {"trust", "store", string},
    {"trust", "certificates", string_array},
    {"trust", "absent", string_array},

    {"policy", "prune", boolean},
    {"policy", "restart", string},
    {"policy", "restart_services", string},
    {"policy", "lint", string},

    {"timing", "command_s", number},
    {"timing", "restart_s", number_map},
    {"timing", "system_restart_s", number},
    {"timing", "replication_s", number},
};

// Case-insensitive: "tomcat-ecdsa" should still find "tomcat-ECDSA".
size_t edit_distance(std::string_view a, std::string_view b) {
  auto same = [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  };
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (same(a[i - 1], b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

const char* to_string(KeyType type) {
  switch (type) {
    case string: return "string";
    case integer: return "integer";
    case number: return "number";
    case number_map: return "number or table of numbers";
    case boolean: return "boolean";
    case string_array: return "array of strings";
    case table: return "table";
    case table_map: return "table of named tables";
    case array_of_tables: return "array of tables";
  }
  return "string";
}

std::span<const KeySpec> site_keys() { return kKeys; }

std::vector<std::string_view> keys_in(std::string_view section) {
  std::vector<std::string_view> out;
  for (const auto& spec : kKeys) {
    if (spec.section == section) out.push_back(spec.key);
  }
  return out;
}

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const auto& spec : kKeys) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Up to a third of the word may be wrong (at least one, at most three edits): close enough to be a typo, far
  // enough that unrelated short words are not offered.
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (auto candidate : candidates) {
    size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace trustctl::config
