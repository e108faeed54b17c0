#pragma once
// The inventory `trustctl show` prints: for people (grouped by cluster and node, colour only when asked) and for
// pipelines (versioned JSON, schemas/inventory.schema.json). Pure formatting of an Inventory (plans/inventory.hpp).

#include "plans/inventory.hpp"
#include "plans/render_text.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace trustctl::plans {

inline constexpr int kInventoryFormatVersion = 1;

std::string render_inventory_text(const Inventory& inventory, const TextStyle& style);
nlohmann::json inventory_to_json(const Inventory& inventory);

}  // namespace trustctl::plans
