#include "plans/render_text.hpp"

#include "golden.hpp"
#include "plan_fixtures.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using trustctl::testing::matches_golden;
using trustctl::testing::plans_golden_dir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RenderText, MixedPlanMatchesGolden) {
  auto s = trustctl::testing::mixed_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "mixed.txt", render_text(s.plan(), s.site, {.color = false})));
}

TEST(RenderText, ManualRestartPlanMatchesGolden) {
  auto s = trustctl::testing::manual_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "manual.txt", render_text(s.plan(), s.site, {.color = false})));
}

TEST(RenderText, EmptyPlanMatchesGolden) {
  auto s = trustctl::testing::empty_scenario();
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "empty.txt", render_text(s.plan(), s.site, {.color = false})));
}

TEST(RenderText, ColourOnlyWhenAsked) {
  // Terminal::detect decides (a terminal and no NO_COLOR); the renderer must follow it both ways.
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  EXPECT_FALSE(contains(render_text(plan, s.site, {.color = false}), "\033[")) << "no ANSI without colour";
  EXPECT_TRUE(contains(render_text(plan, s.site, {.color = true}), "\033[32m+ upload")) << "adds are green";
}

TEST(RenderText, SummaryCallsOutRestartsInRollingOrder) {
  auto s = trustctl::testing::mixed_scenario();
  std::string text = render_text(s.plan(), s.site, {.color = false});
  EXPECT_TRUE(contains(text, "Restarts interrupt the services agents use on uccx: uccx1 (5 services), then uccx2"))
      << text;
  EXPECT_TRUE(contains(text, "Rolling: one node of a cluster at a time.")) << text;
  EXPECT_FALSE(contains(text, "then fin2")) << "clusters restart independently: no 'then' across them\n" << text;
}

}  // namespace
}  // namespace trustctl::plans
