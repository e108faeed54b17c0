#include "plans/render_inventory.hpp"

#include "golden.hpp"
#include "inventory_fixtures.hpp"
#include "json_schema_subset.hpp"
#include "providers/pki/certificate_builder.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace trustctl::plans {
namespace {

using nlohmann::json;
using trustctl::testing::InventoryScenario;
using trustctl::testing::matches_golden;
using trustctl::testing::plans_golden_dir;
using trustctl::testing::SchemaChecker;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json inventory_schema() {
  std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/schemas/inventory.schema.json");
  return json::parse(in);
}

std::string problems_text(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

TEST(RenderInventory, TextMatchesGolden) {
  InventoryScenario t;
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "inventory.txt", render_inventory_text(t.inventory(), {.color = false})));
}

TEST(RenderInventory, JsonMatchesGolden) {
  InventoryScenario t;
  EXPECT_TRUE(matches_golden(plans_golden_dir() / "inventory.json", inventory_to_json(t.inventory()).dump(2) + "\n"));
}

TEST(RenderInventory, RenderingTwiceGivesTheSameBytes) {
  InventoryScenario a, b;
  EXPECT_EQ(render_inventory_text(a.inventory(), {}), render_inventory_text(b.inventory(), {}));
  EXPECT_EQ(inventory_to_json(a.inventory()).dump(), inventory_to_json(b.inventory()).dump());
}

TEST(RenderInventory, JsonConformsToTheSchemaAndTheSchemaCanFail) {
  SchemaChecker checker(inventory_schema());
  InventoryScenario t;
  json doc = inventory_to_json(t.inventory());
  auto problems = checker.check(doc);
  EXPECT_TRUE(problems.empty()) << problems_text(problems);

  EXPECT_FALSE(doc["ok"].get<bool>()) << "uccx2 could not be read";
  EXPECT_EQ(doc["summary"]["stale_ports"], 1);

  json extra = doc;
  extra["clusters"][0]["nodes"][0]["password"] = "x";
  EXPECT_EQ(problems_text(checker.check(extra)),
            "$.clusters[0].nodes[0].password: not allowed (additionalProperties is false)\n");
  json bad_wanted = doc;
  bad_wanted["clusters"][0]["nodes"][0]["trust_stores"][0]["entries"][0]["wanted"] = "maybe";
  EXPECT_TRUE(contains(problems_text(checker.check(bad_wanted)), "is not one of")) << problems_text(checker.check(bad_wanted));
}

TEST(RenderInventory, ColourOnlyWhenAsked) {
  InventoryScenario t;
  auto inventory = t.inventory();
  EXPECT_FALSE(contains(render_inventory_text(inventory, {.color = false}), "\033["));
  std::string coloured = render_inventory_text(inventory, {.color = true});
  EXPECT_TRUE(contains(coloured, "\033[31mcould not be read: uccx2")) << "an unread node is red";
}

TEST(RenderInventory, TextNamesWhatMatters) {
  InventoryScenario t;
  std::string text = render_inventory_text(t.inventory(), {.color = false});
  EXPECT_TRUE(contains(text, "could not be read: uccx2: connect: cannot connect")) << text;
  EXPECT_TRUE(contains(text, "what to do: check that uccx2 is up")) << text;
  EXPECT_TRUE(contains(text, "managed by trustctl; wanted by the site (sites/lab.toml:22:18)")) << text;
  EXPECT_TRUE(contains(text, "not the stored identity: Cisco Finesse Tomcat was not restarted")) << text;
  EXPECT_TRUE(contains(text, "1 of 4 nodes could not be read")) << text;
}

// Subjects and file names are the appliances' to choose: the text shows their control characters escaped, JSON exactly.
TEST(RenderInventory, TextFromTheAppliancesIsShownEscaped) {
  InventoryScenario x;
  auto key = *pki::KeyPair::generate("ec-256");
  Certificate evil = *pki::self_signed({.common_name = "Evil\x1b[2J Root", .is_ca = true}, key);
  x.s.live.nodes["uccx1"].stores["tomcat-trust"].push_back({"evil\x07.pem", evil});
  auto inventory = x.inventory();
  std::string text = render_inventory_text(inventory, {.color = false});
  EXPECT_FALSE(contains(text, "\x1b")) << text;
  EXPECT_FALSE(contains(text, "\x07")) << text;
  EXPECT_TRUE(contains(text, "evil\\x07.pem")) << text;
  EXPECT_TRUE(contains(inventory_to_json(inventory).dump(), "evil\\u0007.pem"));
}

}  // namespace
}  // namespace trustctl::plans
