#pragma once
// The one table of keys a site file may contain (docs/site-format.md). The loader rejects any other key against it,
// offers "did you mean" from it, and a unit test keeps schemas/site.schema.json in step with it, so the three cannot
// drift.

#include "engine/model/site.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace trustctl::config {

enum class KeyType {
  string,
  integer,
  number,      // an integer or a float
  number_map,  // a number, or a table of numbers under names the user picks ([timing] restart_s)
  boolean,
  string_array,
  table,            // [site], identity = { ... }
  table_map,        // [credentials.NAME]: a table whose keys are names the user picks
  array_of_tables,  // [[cluster]], nodes = [{ ... }]
};

const char* to_string(KeyType type);

// section: where the key lives, as a dotted path of keys from the top level; "" is the top level and "*" stands for
// a name the user picks (credentials.*, cluster.identity.*). Arrays of tables add no segment: "cluster.nodes" holds
// the keys of each node.
struct KeySpec {
  std::string_view section;
  std::string_view key;
  KeyType type;
};

std::span<const KeySpec> site_keys();

// The keys allowed in one section, in table order.
std::vector<std::string_view> keys_in(std::string_view section);

const KeySpec* find_key(std::string_view section, std::string_view key);

// The closest candidate within a small edit distance, for "did you mean" hints; nullopt when nothing is close.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// Allowed values of the enumerated keys; shared by the loader and its messages.
inline constexpr const auto& kProducts = kProductNames;  // engine/model/site.hpp holds the one list
inline constexpr std::string_view kRoles[] = {"publisher", "subscriber"};
inline constexpr std::string_view kDistributions[] = {"node", "multi-server"};
inline constexpr std::string_view kKeySpecs[] = {"rsa-1024", "rsa-2048", "rsa-3072", "rsa-4096",
                                                 "ec-256",   "ec-384",   "ec-521"};
inline constexpr std::string_view kIntegrationKinds[] = {"", "script"};
inline constexpr std::string_view kRestartPolicies[] = {"rolling", "all-at-once", "manual", "system"};
inline constexpr std::string_view kServiceRestarts[] = {"one-by-one", "together"};
inline constexpr std::string_view kLintLevels[] = {"error", "warn"};

// The longest renewal window a site may ask for, in days (schemas/site.schema.json gives the same maximum). Identities
// live one to two years when a CA signs them and five when the appliance signs its own: a window of more than three
// years would keep them "due" from the day they are made, and renewed on every apply, and a window of millions of
// days would overflow the date arithmetic that decides it.
inline constexpr int kMaxRenewBeforeDays = 1095;

}  // namespace trustctl::config
