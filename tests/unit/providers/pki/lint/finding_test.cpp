#include "providers/pki/lint/finding.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint {
namespace {

Finding make(std::string rule, Severity severity, std::string subject, std::string message) {
  return Finding{std::move(rule), severity, std::move(subject), std::move(message), "do this"};
}

TEST(LintFinding, JsonHasTheFiveFieldsInOrder) {
  auto json = to_json(std::vector<Finding>{make("TC012", Severity::warning, "a [01]", "a [01] is weak")});
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json.dump(), R"([{"rule":"TC012","severity":"warning","subject":"a [01]","message":"a [01] is weak",)"
                         R"("fix":"do this"}])");
}

TEST(LintFinding, HeadlineStartsWithTheRuleIdThenSeverityAndSubject) {
  EXPECT_EQ(headline(make("TC001", Severity::error, "x [ab]", "x [ab] has a big key")),
            "TC001 error x [ab] has a big key");
  EXPECT_EQ(headline(make("TC001", Severity::error, "x [ab] in uccx tomcat-trust", "x [ab] has a big key")),
            "TC001 error x [ab] in uccx tomcat-trust: x [ab] has a big key");
}

TEST(LintFinding, OnlyErrorsFailAndSummaryCountsEachSeverity) {
  std::vector<Finding> findings{make("TC012", Severity::warning, "a", "m"), make("TC014", Severity::info, "b", "m")};
  EXPECT_FALSE(has_errors(findings));
  findings.push_back(make("TC001", Severity::error, "c", "m"));
  EXPECT_TRUE(has_errors(findings));
  EXPECT_EQ(summary(findings), "1 error, 1 warning, 1 info");
  EXPECT_EQ(summary({}), "0 errors, 0 warnings, 0 info");
}

TEST(LintFinding, DeduplicateKeepsTheFirstOfEachRuleSubjectAndMessage) {
  auto findings = deduplicate({make("TC004", Severity::error, "root", "m"), make("TC004", Severity::error, "root", "m"),
                               make("TC004", Severity::error, "leaf", "m"), make("TC009", Severity::error, "leaf", "m"),
                               make("TC009", Severity::error, "leaf", "other")});
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[1].subject, "leaf");
}

}  // namespace
}  // namespace trustctl::pki::lint
