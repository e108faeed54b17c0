#include "cli/output/report/render_report.hpp"

#include "cli/output/report/html.hpp"
#include "cli/output/report/trust_map.hpp"
#include "plans/render_text.hpp"
#include "unit/plans/plan_fixtures.hpp"

#include <gtest/gtest.h>

namespace trustctl::cli::report {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Fixture {
  trustctl::testing::PlanScenario scenario = trustctl::testing::mixed_scenario();
  plans::Plan plan = scenario.plan();
  plans::Inventory inventory;
  std::vector<plans::VerifyRow> verify;
  std::vector<plans::ExpiryRow> expiry;
  std::vector<PendingRestart> owed = {{"sm1", "Cisco Tomcat", "sm1:upload-trust:tomcat-trust:0123"}};
  std::vector<pki::lint::Finding> findings = {
      {"TC012", pki::lint::Severity::warning, "Old <CA>", "SHA-1 signature", "reissue it with SHA-256"}};
  JournalView journal;
  TimePoint now = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 12 / 6));

  Fixture() {
    scenario.site.integrations.push_back({.from = "uccx", .to = "sm"});
    // sm1's platform port: uccx1 trusts it, uccx2 does not yet.
    verify.push_back({.node = "sm1", .fqdn = "sm1.lab.example", .port = {8443, "Cisco Tomcat", "platform"},
                      .presented = "0123456789abcdef",
                      .trusted_by = {{"uccx1", true}, {"uccx2", false}},
                      .problems = {"uccx2 does not trust what sm1:8443 presents; run apply"}});
    verify.push_back({.node = "uccx1", .fqdn = "uccx1.lab.example", .port = {8443, "Cisco Tomcat", "platform"},
                      .presented = "fedcba9876543210", .trusted_by = {{"sm1", true}}});
    expiry.push_back({"uccx1", "trust tomcat-trust", scenario.partner, 36000, 35900});
    expiry.push_back({"uccx1", "trust tomcat-trust", scenario.root, 36500, 36400});
    journal.applies.push_back({.id = "a1b2", .started = "2026-12-05T10:00:00Z", .user = "ops", .host = "jump",
                               .finished = "2026-12-05T10:04:00Z", .ended = true, .done = 12});
  }
  std::string html() const {
    return render_report_html({.site = scenario.site, .inventory = inventory, .verify = verify, .expiry = expiry,
                               .plan = plan, .owed = owed, .findings = findings, .journal = journal, .now = now});
  }
};

TEST(RenderReport, EveryNodeIsDrawnAndLabelledOnTheTrustMap) {
  Fixture f;
  std::string html = f.html();
  for (const auto& cluster : f.scenario.site.clusters) {
    EXPECT_TRUE(contains(html, "data-cluster=\"" + cluster.name + "\"")) << cluster.name;
    for (const auto& node : cluster.nodes) {
      EXPECT_TRUE(contains(html, "class=\"node-name\">" + node.name + "</text>")) << node.name;
    }
  }
}

TEST(RenderReport, RelationsAreColouredAsVerifyJudgedThem) {
  Fixture f;
  auto relations = trust_relations(f.verify);
  ASSERT_EQ(relations.size(), 3u);
  EXPECT_EQ(relations[0].truster, "uccx1");
  EXPECT_TRUE(relations[0].ok());
  EXPECT_EQ(relations[1].truster, "uccx2");
  EXPECT_FALSE(relations[1].ok());
  std::string html = f.html();
  EXPECT_TRUE(contains(html, "class=\"relation rel-failing\" data-from=\"uccx2\" data-to=\"sm1\""));
  EXPECT_TRUE(contains(html, "class=\"relation rel-ok\" data-from=\"uccx1\" data-to=\"sm1\""));
  EXPECT_TRUE(contains(html, "class=\"relation rel-ok\" data-from=\"sm1\" data-to=\"uccx1\""));
  EXPECT_TRUE(contains(html, "<g class=\"node node-failing\" data-node=\"sm1\">"));
  EXPECT_TRUE(contains(html, "<g class=\"node node-unchecked\" data-node=\"fin1\">"));
}

TEST(RenderReport, SectionsHoldTheMatrixTimelinePlanAndJournal) {
  Fixture f;
  std::string html = f.html();
  EXPECT_TRUE(contains(html, "<table id=\"verify-matrix\">"));
  EXPECT_TRUE(contains(html, "<li>uccx2 does not trust what sm1:8443 presents; run apply</li>"));
  EXPECT_TRUE(contains(html, "<svg id=\"expiry-timeline\""));
  EXPECT_TRUE(contains(html, "id=\"today\""));
  EXPECT_TRUE(contains(html, "<table id=\"expiry-table\">"));
  EXPECT_TRUE(contains(html, plans::render_summary_line(f.plan.summary())));
  EXPECT_TRUE(contains(html, "restart, in this order") || contains(html, "restart Cisco Tomcat"));
  EXPECT_TRUE(contains(html, "<li>sm1: Cisco Tomcat (after sm1:upload-trust:tomcat-trust:0123)</li>"));
  EXPECT_TRUE(contains(html, "<td>a1b2</td>"));
}

TEST(RenderReport, TextFromFilesAndAppliancesIsEscapedAndThePageFetchesNothing) {
  Fixture f;
  std::string html = f.html();
  EXPECT_FALSE(contains(html, "Partner <Root>")) << "a certificate's CN is text, never markup";
  EXPECT_TRUE(contains(html, "Partner &lt;Root&gt;"));
  EXPECT_TRUE(contains(html, "Old &lt;CA&gt;"));
  for (const char* outside : {"<script", "<link", " src=", "@import", "url(http", "http://", "https://"}) {
    EXPECT_FALSE(contains(html, outside)) << outside;
  }
}

TEST(RenderReport, EscapeHandlesEveryMarkupCharacter) {
  EXPECT_EQ(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace trustctl::cli::report
