// The rule table is the one place for ids, severities, products and words: check it says what
// docs/appliances.md section 9 says.

#include "providers/pki/lint/rule_table.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint {
namespace {

TEST(LintRuleTable, ListsTc001ToTc014InOrderEachWithAFixAndACheck) {
  const auto& table = rule_table();
  ASSERT_EQ(table.size(), 14u);
  for (std::size_t i = 0; i < table.size(); ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "TC%03zu", i + 1);
    EXPECT_EQ(table[i].id, id);
    EXPECT_NE(table[i].check, nullptr) << id;
    EXPECT_FALSE(table[i].targets.empty()) << id;
    EXPECT_FALSE(table[i].summary.empty()) << id;
    for (const auto& m : table[i].messages) {
      EXPECT_NE(m.text.find("{"), std::string_view::npos) << id << ": a message names what it is about";
      EXPECT_FALSE(m.fix.empty()) << id;
    }
  }
  EXPECT_EQ(find_rule("TC009"), &table[8]);
  EXPECT_EQ(find_rule("TC099"), nullptr);
}

TEST(LintRuleTable, SeveritiesFollowTheDomainTable) {
  for (const auto& rule : rule_table()) {
    for (const auto& m : rule.messages) {
      Severity want = Severity::error;
      if (rule.id == "TC012" || rule.id == "TC013") want = Severity::warning;
      if (rule.id == "TC014") want = Severity::info;
      if (rule.id == "TC006" && m.variant == "expiring") want = Severity::warning;
      EXPECT_EQ(m.severity, want) << rule.id << " " << m.variant;
    }
  }
  EXPECT_EQ(find_rule("TC006")->message("expired").severity, Severity::error);
}

TEST(LintRuleTable, ProductsAndUnitsDecideWhereARuleApplies) {
  const Rule& uccx_only = *find_rule("TC008");
  EXPECT_TRUE(uccx_only.applies(Product::uccx, true));
  EXPECT_FALSE(uccx_only.applies(Product::uccx, false));
  EXPECT_FALSE(uccx_only.applies(Product::cucm, true));

  const Rule& critical = *find_rule("TC003");
  EXPECT_TRUE(critical.applies(Product::cucm, true));
  EXPECT_TRUE(critical.applies(Product::uccx, false));
  EXPECT_FALSE(critical.applies(Product::finesse, true));

  // Bound nowhere: only what holds for every product.
  EXPECT_TRUE(find_rule("TC006")->applies(std::nullopt, false));
  EXPECT_TRUE(find_rule("TC012")->applies(std::nullopt, false));
  EXPECT_FALSE(find_rule("TC011")->applies(std::nullopt, false));
  EXPECT_FALSE(find_rule("TC011")->applies(Product::external, true)) << "an external host's own certificate is "
                                                                        "never uploaded";
  EXPECT_TRUE(find_rule("TC010")->applies(Product::external, true));
}

}  // namespace
}  // namespace trustctl::pki::lint
