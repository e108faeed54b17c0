// The product list has one source (engine/model/site.hpp); the registry serves every product on it, and the shared
// VOS code reaches product behaviour only through each provider's extensions.

#include "providers/registry.hpp"

#include "providers/vos/product_extensions.hpp"
#include "providers/vos/vos_provider.hpp"

#include <gtest/gtest.h>

namespace trustctl::providers {
namespace {

TEST(Registry, ServesEveryProductOfTheOneList) {
  auto registry = make_registry();
  for (auto name : kProductNames) {
    auto product = product_from_string(name);
    ASSERT_TRUE(product) << name;
    EXPECT_EQ(to_string(*product), name);
    const Provider* provider = registry.find(*product);
    ASSERT_NE(provider, nullptr) << name;
    EXPECT_EQ(provider->product(), *product);
  }
  EXPECT_FALSE(product_from_string("uccx "));
  EXPECT_FALSE(product_from_string(""));
}

const ProductExtensions& extensions_of(const Registry& registry, Product product) {
  return dynamic_cast<const VosProvider&>(*registry.find(product)).extensions();
}

TEST(Registry, ProductBehaviourComesFromTheProductFolders) {
  auto registry = make_registry();
  Cluster cucm14;
  cucm14.product = Product::cucm;
  cucm14.version = "14";
  EXPECT_TRUE(extensions_of(registry, Product::cucm).uses_api(cucm14));
  Cluster uccx = cucm14;
  uccx.product = Product::uccx;
  EXPECT_FALSE(extensions_of(registry, Product::uccx).uses_api(uccx));
  // Finesse runs on finesse nodes and co-resident on UCCX: both wait for IN_SERVICE after a Finesse restart.
  EXPECT_TRUE(extensions_of(registry, Product::finesse).checks_health_after("Cisco Finesse Tomcat"));
  EXPECT_TRUE(extensions_of(registry, Product::uccx).checks_health_after("Cisco Finesse Tomcat"));
  EXPECT_FALSE(extensions_of(registry, Product::cuic).checks_health_after("Cisco Finesse Tomcat"));
}

TEST(Registry, ProvidersNameTheirIdentityUnits) {
  auto registry = make_registry();
  auto units = registry.find(Product::socialminer)->identity_units();
  ASSERT_EQ(units.size(), 2u);
  EXPECT_TRUE(registry.find(Product::socialminer)->has_identity_unit(units[1], "12.5"));
  EXPECT_FALSE(registry.find(Product::socialminer)->has_identity_unit(units[1], "11.0"));
  EXPECT_TRUE(registry.find(Product::external)->identity_units().empty());
}

}  // namespace
}  // namespace trustctl::providers
