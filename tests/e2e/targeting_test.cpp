// Targeting (issue 14 point 5), through the real trustctl binary against vos-sim: --cluster/--node limit plan,
// apply, verify, show and expiry to some nodes; a targeted plan says it is partial and names what it pulled in
// (a subscriber's replicated copy needs its publisher's upload); a saved partial plan is applied with its own target.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The default lab (uccx1, uccx2) plus a Finesse pair that must trust the corporate root as well.
void write_two_clusters(Lab& lab) {
  lab.write_site(
      "\n[[cluster]]\nname = \"finesse\"\nproduct = \"finesse\"\nversion = \"12.5\"\nnodes = [\n"
      "  { name = \"fin1\", fqdn = \"fin1.lab.example\", role = \"publisher\", address = \"" + lab.address(3) + "\" },\n"
      "  { name = \"fin2\", fqdn = \"fin2.lab.example\", role = \"subscriber\", address = \"" + lab.address(4) +
      "\" },\n]\n\n[[trust]]\ncluster = \"finesse\"\nstore = \"tomcat-trust\"\ncertificates = [\"corp-root\"]\n");
}

int imports(const Lab& lab, const std::string& node) {
  return lab.count_commands(node, "set cert import trust tomcat");
}

int restarts(const Lab& lab, const std::string& node) {
  int n = 0;
  for (const auto& c : lab.commands(node)) n += c.value("command", "").rfind("utils service restart", 0) == 0;
  return n;
}

TEST(Targeting, AClusterIsPlannedAppliedAndVerifiedAloneAndTheRestStaysPlanned) {
  Lab lab("target-cluster", {.subnet = 169});
  write_two_clusters(lab);
  lab.start_sim();
  const std::string site = lab.site().string();

  auto plan = lab.trustctl({"plan", site, "--cluster", "finesse", "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "Partial plan, limited to cluster(s) finesse")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "fin1 (finesse publisher")) << plan.out;
  EXPECT_FALSE(contains(plan.out, "uccx1 (uccx publisher")) << "nothing on another cluster: " << plan.out;

  auto json = nlohmann::json::parse(lab.trustctl({"plan", site, "--cluster", "finesse", "--format", "json"}).out);
  EXPECT_EQ(json["target"]["partial"], true);
  EXPECT_EQ(json["target"]["clusters"], nlohmann::json::array({"finesse"}));
  EXPECT_TRUE(json["target"]["pulled_in"].empty()) << json["target"].dump();
  for (const auto& action : json["actions"]) {
    EXPECT_TRUE(action["node"] == "fin1" || action["node"] == "fin2") << action.dump();
  }

  auto apply = lab.trustctl({"apply", site, "--cluster", "finesse", "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(imports(lab, "fin1"), 1);
  EXPECT_GT(restarts(lab, "fin1"), 0);
  EXPECT_GT(restarts(lab, "fin2"), 0);
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_EQ(imports(lab, node), 0) << node << " is outside the target";
    EXPECT_EQ(restarts(lab, node), 0) << node << " is outside the target";
  }
  EXPECT_TRUE(contains(apply.out, "fin1.lab.example")) << "verify reports the target: " << apply.out;
  EXPECT_FALSE(contains(apply.out, "uccx1.lab.example:8443")) << "and only the target: " << apply.out;

  auto again = lab.trustctl({"plan", site, "--cluster", "finesse", "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "No changes. Every node in the target")) << again.out;
  auto whole = lab.trustctl({"plan", site, "--detailed-exitcode"});
  EXPECT_EQ(whole.exit_code, 2) << "the uccx cluster is still to do: " << whole.out;
  EXPECT_FALSE(contains(whole.out, "Partial plan")) << whole.out;
  auto excluded = lab.trustctl({"plan", site, "--exclude-cluster", "finesse", "--format", "json"});
  ASSERT_EQ(excluded.exit_code, 0) << excluded.err;
  auto rest = nlohmann::json::parse(excluded.out);
  EXPECT_EQ(rest["target"]["exclude_clusters"], nlohmann::json::array({"finesse"}));
  EXPECT_FALSE(rest["actions"].empty());
  for (const auto& action : rest["actions"]) {
    EXPECT_TRUE(action["node"] == "uccx1" || action["node"] == "uccx2") << action.dump();
  }

  auto verify = lab.trustctl({"verify", site, "--node", "fin2", "--format", "json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto endpoints = nlohmann::json::parse(verify.out)["endpoints"];
  ASSERT_FALSE(endpoints.empty()) << verify.out;
  for (const auto& e : endpoints) EXPECT_EQ(e["node"], "fin2") << e.dump();
  auto expiry = lab.trustctl({"expiry", site, "--node", "fin2", "--format", "json"});
  ASSERT_EQ(expiry.exit_code, 0) << expiry.err;
  const auto rows = nlohmann::json::parse(expiry.out);  // kept alive: the loop walks one of its members
  ASSERT_FALSE(rows["certificates"].empty()) << expiry.out;
  for (const auto& row : rows["certificates"]) EXPECT_EQ(row["node"], "fin2") << row.dump();
}

TEST(Targeting, ASubscriberPullsInItsPublishersUploadAndSaysSo) {
  Lab lab("target-node", {.subnet = 170});
  lab.start_sim();
  const std::string site = lab.site().string();
  auto json = nlohmann::json::parse(lab.trustctl({"plan", site, "--node", "uccx2", "--format", "json"}).out);
  std::vector<std::string> pulled = json["target"]["pulled_in"];
  ASSERT_FALSE(pulled.empty()) << json.dump(2);
  EXPECT_TRUE(std::any_of(pulled.begin(), pulled.end(),
                          [](const std::string& id) { return id.rfind("uccx1:upload-trust:", 0) == 0; }))
      << "the replication wait needs the publisher's upload";
  auto text = lab.trustctl({"plan", site, "--node", "uccx2"});
  EXPECT_TRUE(contains(text.out, "Pulled in because targeted actions must come after them: uccx1:upload-trust"))
      << text.out;

  // Saved, it is applied with its own target, and another target is refused rather than mixed in.
  auto saved = lab.dir() / "partial.tfplan";
  ASSERT_EQ(lab.trustctl({"plan", site, "--node", "uccx2", "--out", saved.string()}).exit_code, 0);
  auto mixed = lab.trustctl({"apply", saved.string(), "--cluster", "uccx"});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_TRUE(contains(mixed.err, "cannot be given with a saved plan")) << mixed.err;
  EXPECT_EQ(imports(lab, "uccx1"), 0);
  auto apply = lab.trustctl({"apply", saved.string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_EQ(imports(lab, "uccx1"), 2) << "the pulled-in uploads ran";
  EXPECT_EQ(imports(lab, "uccx2"), 0) << "uccx2's copies came by replication";
  EXPECT_GT(restarts(lab, "uccx2"), 0);
}

TEST(Targeting, AnUnknownNameIsRefusedBeforeAnythingIsContacted) {
  Lab lab("target-unknown", {.subnet = 171});
  // No simulator: a refusal that contacted a node would fail differently (connection refused).
  auto plan = lab.trustctl({"plan", lab.site().string(), "--cluster", "uccz"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_TRUE(contains(plan.err, "--cluster uccz")) << plan.err;
  EXPECT_TRUE(contains(plan.err, "its clusters: uccx")) << plan.err;
  auto empty = lab.trustctl({"plan", lab.site().string(), "--node", "uccx1", "--exclude-cluster", "uccx"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_TRUE(contains(empty.err, "leave no node")) << empty.err;
}

}  // namespace
}  // namespace trustctl::testing
