// `trustctl apply PLAN.json`: the reviewed plan is carried out as saved, and refused once it is stale.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ApplySavedPlan, AReviewedPlanIsAppliedAsSaved) {
  Lab lab("apply-saved", {.subnet = 104});
  lab.start_sim();
  auto file = (lab.dir() / "reviewed.json").string();
  auto plan = lab.trustctl({"plan", lab.site().string(), "--out", file});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  auto apply = lab.trustctl({"apply", file, "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(lab.store_holds("uccx2", lab.issuing.certificate));
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out;
}

// apply first compares the file's bytes with those it would write now; a reviewed plan that only went through a
// formatter (jq -c, an editor) is still the same document, and is applied.
TEST(ApplySavedPlan, AReformattedButUneditedPlanIsStillApplied) {
  Lab lab("apply-reformatted", {.subnet = 233});
  lab.start_sim();
  auto file = lab.dir() / "reviewed.json";
  ASSERT_EQ(lab.trustctl({"plan", lab.site().string(), "--out", file.string()}).exit_code, 0);
  write_text(file, nlohmann::json::parse(read_text(file)).dump() + "\n");
  auto apply = lab.trustctl({"apply", file.string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(lab.store_holds("uccx2", lab.issuing.certificate));
}

TEST(ApplySavedPlan, AStalePlanIsRefusedWithItsDifferencesAndChangesNothing) {
  Lab lab("apply-stale", {.subnet = 105});
  lab.start_sim();
  auto file = (lab.dir() / "reviewed.json").string();
  ASSERT_EQ(lab.trustctl({"plan", lab.site().string(), "--out", file}).exit_code, 0);
  // The nodes change after the review (someone applied meanwhile).
  ASSERT_EQ(lab.trustctl({"apply", lab.site().string(), "--auto-approve"}).exit_code, 0);
  int imports = lab.count_commands("uccx1", "set cert import trust tomcat");
  auto stale = lab.trustctl({"apply", file, "--auto-approve"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_TRUE(contains(stale.err, "uccx1")) << stale.err;
  EXPECT_TRUE(contains(stale.err, "is stale")) << stale.err;
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), imports) << "nothing was changed";

  // An edited site file makes a plan stale too.
  auto fresh = (lab.dir() / "fresh.json").string();
  ASSERT_EQ(lab.trustctl({"plan", lab.site().string(), "--out", fresh}).exit_code, 0);
  write_text(lab.site(), read_text(lab.site()) + "\n# edited after review\n");
  auto edited = lab.trustctl({"apply", fresh, "--auto-approve"});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_TRUE(contains(edited.err, "site")) << edited.err;
}

}  // namespace
}  // namespace trustctl::testing
