#pragma once
// What the engine needs to know about a product, and nothing more: the engine reaches product knowledge only through
// this interface (providers/ implements it, providers/registry maps product -> provider).

#include "engine/model/site.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustctl {

class Provider {
 public:
  virtual ~Provider() = default;
  virtual Product product() const = 0;
  // Whether trustctl administers the product's stores (false for external hosts: read and probe only).
  virtual bool administered() const = 0;
  // A replicated store is written on the publisher and reaches the subscribers by database replication.
  virtual bool is_replicated(std::string_view store) const = 0;
  // Services to restart, in order, after a change to the store on a node.
  virtual std::vector<std::string> services_to_restart(std::string_view store) const = 0;
};

// The engine asks for providers through this lookup (the registry is one implementation; tests pass their own).
class ProviderLookup {
 public:
  virtual ~ProviderLookup() = default;
  virtual const Provider* find(Product product) const = 0;
};

}  // namespace trustctl
