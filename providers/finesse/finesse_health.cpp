#include "providers/finesse/finesse_health.hpp"

#include "providers/finesse/system_info.hpp"

namespace trustctl::providers {

bool FinesseHealth::checks_health_after(const std::string& service) const {
  return service == "Cisco Finesse Tomcat" || service == "Cisco Finesse Notification Service";
}

Result<void> FinesseHealth::wait_healthy(transport::HttpClient& http, std::chrono::milliseconds limit,
                                         std::chrono::milliseconds poll) const {
  auto status = finesse::wait_in_service(http, limit, poll);
  if (!status) return fail(status.error());
  return {};
}

}  // namespace trustctl::providers
