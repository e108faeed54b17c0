#pragma once
// The explicit map product -> provider (no static self-registration): the one place that lists what trustctl supports.

#include "engine/model/provider.hpp"

#include <map>
#include <memory>

namespace trustctl::providers {

class Registry final : public ProviderLookup {
 public:
  const Provider* find(Product product) const override;
  const IntegrationRule* integration(Product from, Product to, std::string_view kind) const override;
  const CertificateUnits& units() const override;
  void add(std::unique_ptr<Provider> provider);

 private:
  std::map<Product, std::unique_ptr<Provider>> m_providers;
};

// Every product trustctl knows.
Registry make_registry();

}  // namespace trustctl::providers
