#include "providers/external/external_provider.hpp"

namespace trustctl::providers {
namespace {

class ExternalProvider final : public Provider {
 public:
  Product product() const override { return Product::external; }
  bool administered() const override { return false; }
  bool is_replicated(std::string_view) const override { return false; }
  std::vector<std::string> services_to_restart(std::string_view) const override { return {}; }
  std::vector<ServicePort> service_ports(const Node& node) const override {
    return {{node.connection.https_port, "", "HTTPS"}};
  }
};

}  // namespace

std::unique_ptr<Provider> make_external_provider() { return std::make_unique<ExternalProvider>(); }

}  // namespace trustctl::providers
