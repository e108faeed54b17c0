#include "plans/plan_compare.hpp"

#include "plan_fixtures.hpp"
#include "plans/plan_file.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using nlohmann::json;

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(PlanCompare, TheSamePlanHasNoDifferences) {
  auto s = testing::mixed_scenario();
  json doc = plan_to_file_json(s.plan(), s.site);
  EXPECT_TRUE(plan_differences(doc, plan_to_file_json(s.plan(), s.site)).empty());
}

TEST(PlanCompare, OneByteOfAReasonIsADifferenceNamingTheActionAndTheField) {
  auto s = testing::mixed_scenario();
  json now = plan_to_file_json(s.plan(), s.site);
  json reviewed = now;
  reviewed["actions"][0]["reason"] = reviewed["actions"][0]["reason"].get<std::string>() + ".";
  auto lines = plan_differences(reviewed, now);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(any_contains(lines, now["actions"][0]["id"].get<std::string>())) << lines[0];
  EXPECT_TRUE(any_contains(lines, "reason")) << lines[0];
}

TEST(PlanCompare, RemovedRestartsAndTheirEdgesAreListed) {
  auto s = testing::mixed_scenario();
  json now = plan_to_file_json(s.plan(), s.site);
  json reviewed = now;
  json kept = json::array();
  for (const auto& a : reviewed["actions"]) {
    if (a["kind"] != "restart") kept.push_back(a);
  }
  reviewed["actions"] = kept;
  reviewed["edges"] = json::array();
  auto lines = plan_differences(reviewed, now);
  EXPECT_TRUE(any_contains(lines, "would run now but the reviewed plan does not hold it: sm1:restart:Cisco Tomcat"));
  EXPECT_TRUE(any_contains(lines, "ordering"));
}

TEST(PlanCompare, AnAddedUploadAndItsCertificateAreListed) {
  auto s = testing::mixed_scenario();
  json now = plan_to_file_json(s.plan(), s.site);
  json reviewed = now;
  json extra = reviewed["actions"][0];
  extra["id"] = "uccx1:upload-trust:tomcat-trust:ffffffffffffffff";
  reviewed["actions"].push_back(extra);
  reviewed["certificates"]["ff"] = "-----BEGIN CERTIFICATE-----";
  auto lines = plan_differences(reviewed, now);
  EXPECT_TRUE(any_contains(lines, "the reviewed plan holds it but it would not run now: uccx1:upload-trust:"));
  EXPECT_TRUE(any_contains(lines, "certificates/ff"));
}

TEST(PlanCompare, DocumentsOfTheWrongShapeStillDifferAndNeverCrash) {
  auto s = testing::mixed_scenario();
  json now = plan_to_file_json(s.plan(), s.site);
  for (json reviewed : {json(nullptr), json("text"), json::array(), json{{"actions", "not a list"}},
                        json{{"actions", json::array({1, "x", nullptr})}, {"edges", json::array({1})}}}) {
    EXPECT_FALSE(plan_differences(reviewed, now).empty()) << reviewed.dump();
  }
}

}  // namespace
}  // namespace trustctl::plans
