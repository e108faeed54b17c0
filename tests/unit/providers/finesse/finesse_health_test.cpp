// Finesse's part of the VOS provider: which restarts wait for IN_SERVICE, and that the wait is Finesse's SystemInfo.

#include "providers/finesse/finesse_health.hpp"

#include "unit/providers/fake_http_client.hpp"

#include <gtest/gtest.h>

namespace trustctl::providers {
namespace {

using transport::HttpResponse;

TEST(FinesseHealth, OnlyFinesseServicesWaitForInService) {
  FinesseHealth health;
  EXPECT_TRUE(health.checks_health_after("Cisco Finesse Tomcat"));
  EXPECT_TRUE(health.checks_health_after("Cisco Finesse Notification Service"));
  EXPECT_FALSE(health.checks_health_after("Cisco Tomcat"));
  EXPECT_FALSE(health.checks_health_after("Cisco Unified CCX Socket.IO Service"));
}

TEST(FinesseHealth, WaitsUntilFinesseReportsInService) {
  fakes::FakeHttpClient http;
  http.node_name = "fin1";
  http.script = {HttpResponse{200, {}, "<SystemInfo><status>OUT_OF_SERVICE</status></SystemInfo>"},
                 HttpResponse{200, {}, "<SystemInfo><status>IN_SERVICE</status></SystemInfo>"}};
  auto healthy = FinesseHealth().wait_healthy(http, std::chrono::seconds(5), std::chrono::milliseconds(1));
  ASSERT_TRUE(healthy) << healthy.error().describe();
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(http.requests[1].path, "/finesse/api/SystemInfo");
}

TEST(FinesseHealth, NeverInServiceIsATimeoutNamingTheNode) {
  fakes::FakeHttpClient http;
  http.node_name = "fin1";
  http.responses["GET /finesse/api/SystemInfo"] =
      HttpResponse{200, {}, "<SystemInfo><status>OUT_OF_SERVICE</status></SystemInfo>"};
  auto healthy = FinesseHealth().wait_healthy(http, std::chrono::milliseconds(30), std::chrono::milliseconds(1));
  ASSERT_FALSE(healthy);
  EXPECT_EQ(healthy.error().code, ErrorCode::timeout);
  EXPECT_EQ(healthy.error().node, "fin1");
}

}  // namespace
}  // namespace trustctl::providers
