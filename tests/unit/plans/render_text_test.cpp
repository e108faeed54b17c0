#include "plans/render_text.hpp"

#include "golden.hpp"
#include "plan_fixtures.hpp"
#include "plans/render_dot.hpp"
#include "plans/render_json.hpp"
#include "plans/render_markdown.hpp"
#include "providers/pki/certificate_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
  EXPECT_TRUE(contains(text, "Restarts interrupt the services agents use on uccx: uccx1 (6 services), then uccx2"))
      << text;
  EXPECT_TRUE(contains(text, "Rolling: one node of a cluster at a time.")) << text;
  EXPECT_FALSE(contains(text, "then fin2")) << "clusters restart independently: no 'then' across them\n" << text;
}

// A CA whose CN carries a terminal escape (set the window title, ring the bell) and a line break, planned for upload
// by a rule whose reference text carries another: every text renderer shows them escaped, JSON carries them exactly.
struct EvilScenario {
  trustctl::testing::PlanScenario s;
  pki::KeyPair key = *pki::KeyPair::generate("ec-256");
  Certificate evil = *pki::self_signed({.common_name = "Evil\x1b]0;owned\x07\nRoot", .is_ca = true}, key);
  EvilScenario() {
    auto& rule = s.rule("uccx", std::nullopt, 20);
    rule.certificates.push_back(s.ref("evil\x1b[2J", {evil}, 22));
  }
};

// What remains once the palette's own codes are taken out: no control character but the renderer's line breaks.
std::string without_palette(std::string text) {
  for (const char* code : {"\033[32m", "\033[31m", "\033[33m", "\033[36m", "\033[1m", "\033[2m", "\033[0m"}) {
    for (std::size_t at; (at = text.find(code)) != std::string::npos;) text.erase(at, std::string(code).size());
  }
  return text;
}

bool has_raw_control(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == '\x7f';
  });
}

TEST(RenderText, TextFromCertificatesAndTheSiteReachesTheTerminalEscaped) {
  EvilScenario e;
  auto plan = e.s.plan();
  for (bool color : {false, true}) {
    std::string text = render_text(plan, e.s.site, {.color = color});
    EXPECT_FALSE(has_raw_control(without_palette(text))) << text;
    EXPECT_TRUE(contains(text, "Evil\\x1b]0;owned\\x07\\nRoot")) << text;
    EXPECT_TRUE(contains(text, "must trust evil\\x1b[2J")) << text;
  }
  std::string md = render_markdown(plan, e.s.site);
  EXPECT_FALSE(has_raw_control(md)) << md;
  EXPECT_TRUE(contains(md, "Evil\\\\x1b\\]0;owned\\\\x07 Root")) << md;
  std::string dot = render_dot(plan, e.s.site);
  EXPECT_FALSE(has_raw_control(dot)) << dot;
  EXPECT_TRUE(contains(dot, "Evil\\\\x1b]0;owned\\\\x07\\nRoot")) << dot;

  // JSON stays exact: its encoding escapes the characters, and a reader gets them back as they were.
  auto json = plan_to_json(plan);
  EXPECT_FALSE(has_raw_control(json.dump()));
  bool found = false;
  for (const auto& action : json.at("actions")) found = found || contains(action.dump(), "\\u001b]0;owned\\u0007\\nRoot");
  EXPECT_TRUE(found) << json.dump(2);
}

}  // namespace
}  // namespace trustctl::plans
