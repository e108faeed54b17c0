#include "providers/registry.hpp"

#include "providers/cucm/cucm_rules.hpp"
#include "providers/cuic/cuic_rules.hpp"
#include "providers/external/external_provider.hpp"
#include "providers/finesse/finesse_rules.hpp"
#include "providers/integration_rules.hpp"
#include "providers/mediasense/mediasense_rules.hpp"
#include "providers/socialminer/socialminer_rules.hpp"
#include "providers/uccx/uccx_rules.hpp"
#include "providers/vos/vos_provider.hpp"
#include "providers/vos/vos_units.hpp"

namespace trustctl::providers {

const Provider* Registry::find(Product product) const {
  auto it = m_providers.find(product);
  return it == m_providers.end() ? nullptr : it->second.get();
}

const IntegrationRule* Registry::integration(Product from, Product to, std::string_view kind) const {
  for (const auto& rule : integration_rules()) {
    if (rule.from == from && rule.to == to && rule.kind == kind) return &rule;
  }
  return nullptr;
}

const CertificateUnits& Registry::units() const { return vos_units(); }

void Registry::add(std::unique_ptr<Provider> provider) {
  Product product = provider->product();
  m_providers[product] = std::move(provider);
}

Registry make_registry() {
  Registry registry;
  for (auto rules : {uccx_rules(), finesse_rules(), cuic_rules(), socialminer_rules(), mediasense_rules(),
                     cucm_rules()}) {
    registry.add(std::make_unique<VosProvider>(std::move(rules)));
  }
  registry.add(make_external_provider());
  return registry;
}

}  // namespace trustctl::providers
