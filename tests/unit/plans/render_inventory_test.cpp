#include "plans/render_inventory.hpp"

#include "golden.hpp"
#include "providers/pki/certificate_builder.hpp"
#include "inventory_fixtures.hpp"
#include "support/json_schema_subset.hpp"
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

TEST(RenderInventory, JsonCarriesEveryIdentityAndTrustCertificateAsPemAndNoKey) {
  InventoryScenario t;
  auto inventory = t.inventory();
  json doc = inventory_to_json(inventory);
  std::size_t identities = 0, entries = 0;
  for (const auto& cluster : doc["clusters"]) {
    for (const auto& node : cluster["nodes"]) {
      for (const auto& identity : node["identities"]) {
        auto parsed = parse_certificates(identity["certificate"]["pem"].get<std::string>());
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(parsed->front().fingerprint(), identity["certificate"]["fingerprint_sha256"]);
        ++identities;
      }
      for (const auto& store : node["trust_stores"]) {
        for (const auto& entry : store["entries"]) {
          auto parsed = parse_certificates(entry["certificate"]["pem"].get<std::string>());
          ASSERT_TRUE(parsed.has_value());
          EXPECT_EQ(parsed->front().fingerprint(), entry["certificate"]["fingerprint_sha256"]);
          ++entries;
        }
      }
    }
  }
  EXPECT_GT(identities, 0u);
  EXPECT_GT(entries, 0u);
  const std::string text = doc.dump();
  EXPECT_FALSE(contains(text, "PRIVATE KEY")) << "public material only";

  SchemaChecker checker(inventory_schema());
  json no_pem = doc;
  no_pem["clusters"][0]["nodes"][0]["identities"][0]["certificate"]["pem"] = "not a certificate";
  EXPECT_TRUE(contains(problems_text(checker.check(no_pem)), "pem")) << problems_text(checker.check(no_pem));
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

// show (text and JSON) of a certificate valid until RFC 5280's "no expiry" date: the year stays 9999 and the days
// left stay positive (a nanosecond clock once showed it as expired in 1816).
TEST(RenderInventory, ADateInTheYear9999IsShownAsIs) {
  InventoryScenario t;
  auto key = *pki::KeyPair::generate("ec-256");
  auto forever = *pki::self_signed(
      {.common_name = "gadgets.partner.example", .dns_names = {"gadgets.partner.example"}, .not_after = "99991231235959Z"},
      key);
  t.s.live.nodes["gadget1"].identities["presented"] = {forever};
  auto inventory = t.inventory();
  std::string text = render_inventory_text(inventory, {.color = false});
  EXPECT_TRUE(contains(text, "9999-12-31 (")) << text;
  EXPECT_FALSE(contains(text, "expired")) << text;
  std::string json_text = inventory_to_json(inventory).dump();
  EXPECT_TRUE(contains(json_text, "\"not_after\":\"9999-12-31\"")) << json_text;
  EXPECT_FALSE(contains(json_text, "\"days_left\":-")) << json_text;
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
