// The rehearsal workflow: a lab (the "live" site), its inventory (`trustctl show --format json`), a twin of it on
// other addresses (`vos-sim TWIN.toml --from-inventory`), and `trustctl plan` against both: the same actions, except
// where identity keys matter, and the twin's stderr says which fingerprints those are. Then apply on the twin, and the
// live site is untouched. Addresses: 127.0.143.x (live), 127.0.144.x (twin).

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// "sha256 <16 hex> -> <16 hex>" lines of the twin's stderr: the live identity's fingerprint prefix -> the twin copy's.
std::map<std::string, std::string> rekeyed(const std::string& stderr_text) {
  std::map<std::string, std::string> out;
  std::regex line("sha256 ([0-9a-f]{16}) -> ([0-9a-f]{16})");
  for (auto it = std::sregex_iterator(stderr_text.begin(), stderr_text.end(), line); it != std::sregex_iterator(); ++it) {
    out[(*it)[1]] = (*it)[2];
  }
  return out;
}

// A plan's actions in a form that compares across the two sites: the site file's path, line and the fingerprints of
// re-keyed identities (mapped to the twin's) are the only things allowed to differ.
std::set<std::string> actions(const json& plan, const std::map<std::string, std::string>& map) {
  std::set<std::string> out;
  auto mapped = [&](std::string text) {
    for (const auto& [live, twin] : map) {
      for (auto at = text.find(live); at != std::string::npos; at = text.find(live, at + twin.size())) {
        text.replace(at, live.size(), twin);
      }
    }
    return text;
  };
  for (const auto& action : plan["actions"]) {
    std::string key = action.value("kind", "") + " " + action.value("node", "") + " " + action.value("store", "") +
                      " " + action.value("service", "") + " " + mapped(action.value("id", ""));
    if (action.contains("certificate")) {
      key += " " + action["certificate"].value("subject", "") + " " +
             mapped(action["certificate"].value("fingerprint_sha256", "").substr(0, 16));
    }
    for (const auto& after : action.value("after", json::array())) {
      key += " after " + mapped(after.value("id", "")) + "/" + after.value("rule", "");
    }
    out.insert(key);
  }
  return out;
}

TEST(Twin, ALabsInventoryMakesATwinOnOtherAddressesWhosePlanIsTheSame) {
  Lab lab("twin", {.subnet = 143});
  const std::string clusters =
      "\n[[cluster]]\nname = \"socialminer\"\nproduct = \"socialminer\"\nversion = \"12.5\"\nnodes = [{ name = "
      "\"sm1\", fqdn = \"sm1.lab.example\", address = \"" + lab.address(3) + "\" }]\n"
      "\n[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14\"\nnodes = [{ name = \"cucm1\", fqdn = "
      "\"cucm1.lab.example\", address = \"" + lab.address(4) + "\" }]\n";
  lab.write_site(clusters);
  lab.start_sim({"--preload-trust", "25"});
  // The live site half done: the CA chain is on UCCX; then the site asks for the integrations and CUCM's chain.
  auto partial = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--no-verify"});
  ASSERT_EQ(partial.exit_code, 0) << partial.out << partial.err;
  lab.write_site(clusters + "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n"
                            "\n[[integration]]\nfrom = \"uccx\"\nto = \"cucm\"\n"
                            "\n[[trust]]\ncluster = \"cucm\"\ncertificates = [\"corp-root\"]\n");
  auto live_plan = lab.trustctl({"plan", lab.site().string(), "--format", "json"});
  ASSERT_EQ(live_plan.exit_code, 0) << live_plan.err;

  // The snapshot, and a twin of it: the same site on other addresses, with its own state directory.
  auto show = lab.trustctl({"show", lab.site().string(), "--format", "json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  write_text(lab.dir() / "inventory.json", show.out);
  std::string twin_site = read_text(lab.site());
  twin_site = std::regex_replace(twin_site, std::regex("127\\.0\\.143\\."), "127.0.144.");
  twin_site = std::regex_replace(twin_site, std::regex("\"state"), "\"twin-state");
  write_text(lab.dir() / "twin.toml", twin_site);
  Server twin({VOS_SIM_BIN, (lab.dir() / "twin.toml").string(), "--state-dir", (lab.dir() / "twin-sim").string(),
               "--from-inventory", (lab.dir() / "inventory.json").string(), "--replication-delay-ms", "300",
               "--restart-ms", "100"},
              "nodes listening");
  const std::string twin_err = twin.stderr_text();
  EXPECT_TRUE(contains(twin_err, "4 node(s) seeded")) << twin_err;
  EXPECT_TRUE(contains(twin_err, "fresh keys")) << twin_err;
  const auto map = rekeyed(twin_err);
  EXPECT_GE(map.size(), 4u) << "every node's tomcat identity is a copy on a new key\n" << twin_err;

  auto twin_plan = lab.trustctl({"plan", (lab.dir() / "twin.toml").string(), "--format", "json"});
  ASSERT_EQ(twin_plan.exit_code, 0) << twin_plan.err;
  const auto live_actions = actions(json::parse(live_plan.out), map);
  const auto twin_actions = actions(json::parse(twin_plan.out), {});
  EXPECT_FALSE(live_actions.empty());
  std::string only_live, only_twin;
  for (const auto& a : live_actions) only_live += twin_actions.count(a) ? "" : a + "\n";
  for (const auto& a : twin_actions) only_twin += live_actions.count(a) ? "" : a + "\n";
  EXPECT_EQ(only_live + only_twin, "") << "only in the live plan:\n" << only_live << "only in the twin's:\n" << only_twin
                                       << twin_err;

  // The rehearsal: apply on the twin, then plan there is clean; the live site did not see a single command of it.
  const auto live_commands = lab.commands("uccx1").size() + lab.commands("cucm1").size();
  auto rehearsal = lab.trustctl({"apply", (lab.dir() / "twin.toml").string(), "--auto-approve", "--no-verify"});
  ASSERT_EQ(rehearsal.exit_code, 0) << rehearsal.out << rehearsal.err;
  auto settled = lab.trustctl({"plan", (lab.dir() / "twin.toml").string(), "--detailed-exitcode"});
  EXPECT_EQ(settled.exit_code, 0) << settled.out << settled.err;
  EXPECT_EQ(lab.commands("uccx1").size() + lab.commands("cucm1").size(), live_commands);
  auto live_again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(live_again.exit_code, 2) << "the live site still has its changes pending";
  EXPECT_EQ(twin.stop(), 0);
}

}  // namespace
}  // namespace trustctl::testing
