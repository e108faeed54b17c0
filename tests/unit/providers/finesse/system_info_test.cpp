// Finesse SystemInfo: the XML parser (table-driven: vos-sim's document, a real-looking Finesse document, and what a
// careless parser would get wrong) and the health-check wait over a fake client.

#include "providers/finesse/system_info.hpp"

#include "unit/providers/fake_http_client.hpp"

#include <gtest/gtest.h>

namespace trustctl::finesse {
namespace {

using transport::HttpResponse;

// Exactly what tests/vossim/rest_api.cpp serves.
const std::string kVosSim =
    "<SystemInfo><status>IN_SERVICE</status><deploymentType>UCCX</deploymentType><currentTimeMs>1767268800000"
    "</currentTimeMs><host>uccx1.lab.example</host><primaryNode><host>uccx1.lab.example</host></primaryNode>"
    "<secondaryNode><host>uccx2.lab.example</host></secondaryNode></SystemInfo>";

// Shaped like the Finesse developer guide's example: declaration, whitespace, fields in another order, empty elements.
const std::string kFinesseLike = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<SystemInfo>
  <currentTimestamp>2034-01-21T19:21:10.443Z</currentTimestamp>
  <deploymentType>UCCE</deploymentType>
  <license></license>
  <primaryNode>
    <host>finesse1.lab.example</host>
  </primaryNode>
  <secondaryNode>
    <host>finesse2.lab.example</host>
  </secondaryNode>
  <severity/>
  <status>
    OUT_OF_SERVICE
  </status>
  <timezoneOffset>-480</timezoneOffset>
  <uri>/finesse/api/SystemInfo</uri>
</SystemInfo>
)";

struct Case {
  const char* name;
  std::string xml;
  std::string status;  // "" : a protocol error is expected
  std::string detail;  // primary host when parsed, a message substring when refused
};

TEST(SystemInfoParse, FindsTheTopLevelStatus) {
  const std::vector<Case> cases = {
      {"vos-sim", kVosSim, "IN_SERVICE", "uccx1.lab.example"},
      {"finesse-like", kFinesseLike, "OUT_OF_SERVICE", "finesse1.lab.example"},
      {"a nested status does not count",
       "<SystemInfo><peripheral><status>IN_SERVICE</status></peripheral><status>OUT_OF_SERVICE</status></SystemInfo>",
       "OUT_OF_SERVICE", ""},
      {"nested status only", "<SystemInfo><peripheral><status>IN_SERVICE</status></peripheral></SystemInfo>", "",
       "no <status> in <SystemInfo>"},
      {"comments, attributes, namespaces, CDATA",
       "<!-- head --><f:SystemInfo xmlns:f=\"urn:x\"><!-- <status>IN_SERVICE</status> --><f:status a=\"1\">"
       "<![CDATA[IN_SERVICE]]></f:status></f:SystemInfo>",
       "IN_SERVICE", ""},
      {"entities decoded", "<SystemInfo><status>IN&#95;SERVICE</status></SystemInfo>", "IN_SERVICE", ""},
      {"other root", "<Error><status>IN_SERVICE</status></Error>", "", "root element is <Error>"},
      {"unclosed", "<SystemInfo><status>IN_SERVICE</status>", "", "<SystemInfo> is never closed"},
      {"mismatched", "<SystemInfo><status>IN_SERVICE</state></SystemInfo>", "", "</state> closes nothing open"},
      {"empty status", "<SystemInfo><status> </status></SystemInfo>", "", "<status> is empty"},
      {"not XML", "Service Unavailable", "", "text outside the root element"},
      {"empty", "", "", "no root element"},
      {"two roots", "<SystemInfo><status>IN_SERVICE</status></SystemInfo><x/>", "", "more than one root"},
  };
  for (const auto& c : cases) {
    auto info = parse_system_info(c.xml);
    if (c.status.empty()) {
      ASSERT_FALSE(info) << c.name << " parsed as " << info->status;
      EXPECT_EQ(info.error().code, ErrorCode::protocol) << c.name;
      EXPECT_NE(info.error().message.find(c.detail), std::string::npos) << c.name << ": " << info.error().message;
      continue;
    }
    ASSERT_TRUE(info) << c.name << ": " << info.error().message;
    EXPECT_EQ(info->status, c.status) << c.name;
    EXPECT_EQ(info->in_service(), c.status == "IN_SERVICE") << c.name;
    if (!c.detail.empty()) {
      EXPECT_EQ(info->primary_host, c.detail) << c.name;
    }
  }
}

TEST(SystemInfoParse, ReadsTheOtherFieldsWhenPresent) {
  auto info = parse_system_info(kVosSim);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->deployment_type, "UCCX");
  EXPECT_EQ(info->host, "uccx1.lab.example");
  EXPECT_EQ(info->secondary_host, "uccx2.lab.example");
}

TEST(SystemInfoParse, AnErrorStatusKeepsItsTransportMeaning) {
  EXPECT_EQ(parse_system_info_response(HttpResponse{503, {}, ""}).error().code, ErrorCode::connection);
  EXPECT_EQ(parse_system_info_response(HttpResponse{404, {}, ""}).error().code, ErrorCode::appliance_refused);
  EXPECT_TRUE(parse_system_info_response(HttpResponse{200, {}, kVosSim}));
}

HttpResponse status(const std::string& s) {
  return HttpResponse{200, {}, "<SystemInfo><status>" + s + "</status></SystemInfo>"};
}

TEST(SystemInfoWait, WaitsThroughAClosedPortAndOutOfServiceUntilInService) {
  fakes::FakeHttpClient http;
  http.node_name = "uccx1";
  http.script = {fail(ErrorCode::connection, "refused"), status("OUT_OF_SERVICE"), HttpResponse{503, {}, ""},
                 status("IN_SERVICE")};
  auto info = wait_in_service(http, std::chrono::seconds(5), std::chrono::milliseconds(1));
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_TRUE(info->in_service());
  EXPECT_EQ(http.requests.size(), 4u);
  EXPECT_EQ(http.requests[0].path, "/finesse/api/SystemInfo");
  EXPECT_EQ(http.operations[0], "Finesse health check");
}

TEST(SystemInfoWait, APermanentFailureEndsTheWaitAtOnce) {
  fakes::FakeHttpClient http;
  http.script = {fail(ErrorCode::tls, "pin mismatch"), status("IN_SERVICE")};
  auto info = wait_in_service(http, std::chrono::seconds(5), std::chrono::milliseconds(1));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::tls);
  EXPECT_EQ(http.requests.size(), 1u);
}

TEST(SystemInfoWait, RunningOutOfTimeNamesTheLastStatus) {
  fakes::FakeHttpClient http;
  http.node_name = "uccx1";
  http.responses["GET /finesse/api/SystemInfo"] = status("OUT_OF_SERVICE");
  auto info = wait_in_service(http, std::chrono::milliseconds(30), std::chrono::milliseconds(5));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, ErrorCode::timeout);
  EXPECT_EQ(info.error().node, "uccx1");
  EXPECT_NE(info.error().message.find("last: status OUT_OF_SERVICE"), std::string::npos) << info.error().message;
  EXPECT_GE(http.requests.size(), 2u);
}

}  // namespace
}  // namespace trustctl::finesse
