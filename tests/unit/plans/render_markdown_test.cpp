#include "plans/render_markdown.hpp"

#include "golden.hpp"
#include "plan_fixtures.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using trustctl::testing::matches_golden;
using trustctl::testing::plans_golden_dir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RenderMarkdown, MixedPlanMatchesGolden) {
  auto s = trustctl::testing::mixed_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "mixed.md", render_markdown(s.plan(), s.site)));
}

TEST(RenderMarkdown, ManualRestartPlanMatchesGolden) {
  auto s = trustctl::testing::manual_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "manual.md", render_markdown(s.plan(), s.site)));
}

TEST(RenderMarkdown, EmptyPlanMatchesGolden) {
  auto s = trustctl::testing::empty_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "empty.md", render_markdown(s.plan(), s.site)));
}

TEST(RenderMarkdown, AnEmptyPlanStillShowsItsNotes) {
  auto s = trustctl::testing::empty_scenario();
  Plan plan = s.plan();
  plan.notes.push_back("uccx1: port 8445 did not answer");
  std::string md = render_markdown(plan, s.site);
  EXPECT_TRUE(contains(md, "**No changes.**")) << md;
  EXPECT_TRUE(contains(md, "> :information_source: uccx1: port 8445 did not answer")) << md;
}

TEST(RenderMarkdown, NoAnsiAndRestartsCalledOut) {
  auto s = trustctl::testing::mixed_scenario();
  std::string md = render_markdown(s.plan(), s.site);
  EXPECT_FALSE(contains(md, "\033")) << "Markdown never carries terminal colour";
  EXPECT_TRUE(contains(md, "**Restarts interrupt the services agents use** on uccx: **uccx1** (6 services), then **uccx2** (6 services); finesse: **fin2**")) << md;
}

TEST(RenderMarkdown, OneSummaryRowPerChangedNode) {
  auto s = trustctl::testing::mixed_scenario();
  std::string md = render_markdown(s.plan(), s.site);
  for (const char* row : {"| uccx1 | uccx | publisher |", "| uccx2 | uccx | subscriber |",
                          "| fin2 | finesse | subscriber |", "| sm1 | sm | publisher |"}) {
    EXPECT_TRUE(contains(md, row)) << row << "\n" << md;
  }
  EXPECT_FALSE(contains(md, "| fin1 |")) << "fin1 has nothing to do";
}

TEST(RenderMarkdown, SiteTextCannotBreakATable) {
  // The partner root's CN is "Partner <Root> | CA": unescaped, the | would split the cell and <Root> vanish as HTML.
  auto s = trustctl::testing::mixed_scenario();
  std::string md = render_markdown(s.plan(), s.site);
  EXPECT_TRUE(contains(md, "upload Partner \\<Root\\> \\| CA (")) << md;
  for (const auto& line : trustctl::testing::split_lines(md)) {
    if (line.rfind("| ", 0) != 0 || !contains(line, "Partner")) continue;
    std::size_t cells = 0;
    for (std::size_t k = 0; k < line.size(); ++k) cells += line[k] == '|' && (k == 0 || line[k - 1] != '\\');
    EXPECT_EQ(cells, 6u) << "five cells, six unescaped bars: " << line;
  }
}

TEST(RenderMarkdown, EscapesPunctuationAndNewlines) {
  EXPECT_EQ(escape_markdown("a_b*c|d\ne`f"), "a\\_b\\*c\\|d e\\`f");
  EXPECT_EQ(escape_markdown("<script>&"), "\\<script\\>\\&");
}

}  // namespace
}  // namespace trustctl::plans
