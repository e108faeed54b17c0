#pragma once
// Finesse's part of the VOS provider, on finesse and uccx nodes (Finesse is co-resident on UCCX): a restart of Finesse
// Tomcat or its notification service interrupts agents until Finesse reports IN_SERVICE again (docs/appliances.md
// section 8), so the restart is done only then, and the next node of a rolling restart goes down only after it.

#include "providers/vos/product_extensions.hpp"

namespace trustctl::providers {

class FinesseHealth final : public ProductExtensions {
 public:
  bool checks_health_after(const std::string& service) const override;
  Result<void> wait_healthy(transport::HttpClient& http, std::chrono::milliseconds limit,
                            std::chrono::milliseconds poll) const override;
};

}  // namespace trustctl::providers
