// Restarts as the vendor guides do them (docs/appliances.md sections 5 and 6), trustctl against a real vos-sim: a
// UCCX trust change restarts the CCX Engine on each node; restart = "system" restarts each changed node whole, one
// node of a cluster at a time; PCCE's phase 1 (CUIC roots on Finesse, Finesse restarted) completes before phase 2
// (Finesse roots on CUIC); restart_services = "together" restarts a node's services at once. Addresses: 127.0.40.x to
// 127.0.44.x.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <sstream>
#include <thread>

namespace trustctl::testing {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const json* state_of(const json& state, const std::string& node) {
  for (const auto& n : state["nodes"]) {
    if (n.value("name", "") == node) return &n;
  }
  return nullptr;
}

TEST(Restarts, UccxTrustChangeRestartsTheCcxEngineOnEachNode) {
  Lab lab("restarts-engine", {.subnet = 40});
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "uccx1 (6 services), then uccx2 (6 services)")) << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  // vos-sim's own record of the restarts it ran (control API GET /state), not trustctl's word for it.
  json state = lab.control_get("/state");
  for (const char* node : {"uccx1", "uccx2"}) {
    const json* n = state_of(state, node);
    ASSERT_NE(n, nullptr) << state.dump();
    EXPECT_EQ((*n)["services"]["Cisco Unified CCX Engine"].value("restarts", 0), 1) << node << ": " << n->dump();
    EXPECT_EQ((*n)["services"]["Cisco Tomcat"].value("restarts", 0), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Unified CCX Engine"), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils system restart"), 0) << node << ": the policy restarts services";
  }
  // Rolling: uccx2's Engine goes down only after uccx1's restarts are done.
  auto first_on = [&](const std::string& node, const std::string& command) -> long long {
    for (const auto& c : lab.commands(node)) {
      if (c.value("command", "") == command) return c.value("ts_ms", 0LL);
    }
    return -1;
  };
  EXPECT_LT(first_on("uccx1", "utils service restart Cisco Unified CCX Engine"),
            first_on("uccx2", "utils service restart Cisco Tomcat"));
}

// [policy] restart_services = "together": in each node's turn its services restart at once, each over its own admin
// CLI session, and the next node goes down only when every port of the first is back. vos-sim's command log shows it
// (its timestamps, not trustctl's word).
TEST(Restarts, TogetherRestartsANodesServicesAtOnceAndStillRollsNodeByNode) {
  constexpr int kRestartMs = 1500;
  Lab lab("restarts-together", {.subnet = 43, .restart_ms = kRestartMs});
  lab.write_site("\n[policy]\nrestart_services = \"together\"\n");
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "uccx1 (6 services together), then uccx2 (6 services together)")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "with restart_services = \"one-by-one\")")) << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  // Each node's restart commands: when they were sent.
  auto restarts_of = [&](const std::string& node) {
    std::vector<long long> at;
    for (const auto& c : lab.commands(node)) {
      if (c.value("command", "").rfind("utils service restart ", 0) == 0) at.push_back(c.value("ts_ms", 0LL));
    }
    std::sort(at.begin(), at.end());
    return at;
  };
  auto first = restarts_of("uccx1"), second = restarts_of("uccx2");
  // Each service once: a health check beside a restart must not restart again a service the other restarts are
  // bringing back (the platform's Cisco Tomcat, which Finesse's health check needs).
  auto listed = [&](const std::string& node) {
    std::string out;
    for (const auto& c : lab.commands(node)) {
      if (c.value("command", "").rfind("utils service restart ", 0) == 0) out += c.dump() + "\n";
    }
    return out;
  };
  ASSERT_EQ(first.size(), 6u) << listed("uccx1");
  ASSERT_EQ(second.size(), 6u) << listed("uccx2");
  // One after another, six restarts of 1.5 s would span at least 7.5 s; together they are sent at once (each session
  // opened first), well within one restart.
  EXPECT_LT(first.back() - first.front(), 5 * kRestartMs) << "uccx1's restarts were sent one after another";
  EXPECT_LT(second.back() - second.front(), 5 * kRestartMs) << "uccx2's restarts were sent one after another";
  // Rolling: uccx2's first restart only after every restart of uccx1 ran its full length.
  EXPECT_GE(second.front(), first.back() + kRestartMs);

  auto again = lab.trustctl({"plan", lab.site().string(), "--no-color", "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "No changes")) << again.out;
}

// A PCCE site: a Finesse pair and a CUIC pair that trust each other's self-signed identities (the integration's
// rules), on 127.0.<subnet>.1-4. policy and finesse_restart: the [policy] restart and the Finesse cluster's own.
void write_pcce_site(const Lab& lab, const std::string& policy, const std::string& finesse_restart = "") {
  std::ostringstream s;
  s << "version = 1\n\n[site]\nname = \"pcce\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n\n"
    << "[credentials.os-admin]\nusername = \"admin\"\npassword_file = \"secrets/os-admin\"\n\n"
    << "[connection]\ncredentials = \"os-admin\"\nssh_port = 2222\nknown_hosts = \"state/known_hosts\"\n"
    << "timeout_s = 60\nanswer_delay_ms = 50\n\n"
    << "[[cluster]]\nname = \"finesse\"\nproduct = \"finesse\"\nversion = \"12.6\"\n"
    << (finesse_restart.empty() ? "" : "restart = \"" + finesse_restart + "\"\n") << "nodes = [\n"
    << "  { name = \"fin1\", fqdn = \"fin1.lab.example\", role = \"publisher\", address = \"" << lab.address(1) << "\" },\n"
    << "  { name = \"fin2\", fqdn = \"fin2.lab.example\", role = \"subscriber\", address = \"" << lab.address(2) << "\" },\n"
    << "]\n\n"
    << "[[cluster]]\nname = \"cuic\"\nproduct = \"cuic\"\nversion = \"12.6\"\nnodes = [\n"
    << "  { name = \"cuic1\", fqdn = \"cuic1.lab.example\", role = \"publisher\", address = \"" << lab.address(3) << "\" },\n"
    << "  { name = \"cuic2\", fqdn = \"cuic2.lab.example\", role = \"subscriber\", address = \"" << lab.address(4) << "\" },\n"
    << "]\n\n"
    << "[[integration]]\nfrom = \"cuic\"\nto = \"finesse\"\n\n"
    << "[policy]\nrestart = \"" << policy << "\"\n";
  write_text(lab.site(), s.str());
}

// Watches vos-sim's GET /state while apply runs: the most nodes of each cluster ever seen down at once.
class DownWatcher {
 public:
  explicit DownWatcher(const Lab& lab) : m_lab(lab), m_thread([this] { watch(); }) {}
  ~DownWatcher() { stop(); }
  void stop() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
  }
  int most_down(const std::string& cluster) const { return m_most.count(cluster) ? m_most.at(cluster) : 0; }
  int polls() const { return m_polls; }

 private:
  void watch() {
    while (!m_stop) {
      json state = m_lab.control_get("/state");
      if (state.is_object() && state.contains("nodes")) {
        std::map<std::string, int> down;
        for (const auto& n : state["nodes"]) down[n.value("cluster", "")] += n.value("down", false) ? 1 : 0;
        for (const auto& [cluster, count] : down) m_most[cluster] = std::max(m_most[cluster], count);
        ++m_polls;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  const Lab& m_lab;
  std::atomic<bool> m_stop{false};
  std::map<std::string, int> m_most;
  std::atomic<int> m_polls{0};
  std::thread m_thread;
};

long long ts_of(const Lab& lab, const std::string& node, const std::string& command) {
  for (const auto& c : lab.commands(node)) {
    if (c.value("command", "") == command) return c.value("ts_ms", 0LL);
  }
  return -1;
}

constexpr int kSystemRestartMs = 1500;

TEST(Restarts, PcceSystemPolicyRestartsEachChangedNodeOnceOneNodeOfAClusterAtATime) {
  Lab lab("restarts-system", {.subnet = 41});
  write_pcce_site(lab, "system");
  lab.start_sim({"--system-restart-ms", std::to_string(kSystemRestartMs)});

  auto plan = lab.trustctl({"plan", lab.site().string(), "--no-color"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "restart the whole node (utils system restart)")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "finesse: fin1 (whole node), then fin2 (whole node); cuic: cuic1 (whole node), then "
                                 "cuic2 (whole node). Rolling: one node of a cluster at a time."))
      << plan.out;
  auto json_plan = lab.trustctl({"plan", lab.site().string(), "--format", "json"});
  ASSERT_EQ(json_plan.exit_code, 0) << json_plan.err;
  json restarts = json::parse(json_plan.out)["restarts"];
  ASSERT_EQ(restarts.size(), 2u) << restarts.dump();
  EXPECT_EQ(restarts[0]["cluster"], "finesse");
  EXPECT_EQ(restarts[0]["rolling"], true);
  EXPECT_EQ(restarts[0]["nodes"][0]["node"], "fin1");
  EXPECT_EQ(restarts[0]["nodes"][0]["down"], "node");

  DownWatcher watcher(lab);
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  watcher.stop();
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_GT(watcher.polls(), 5);

  json state = lab.control_get("/state");
  for (const char* node : {"fin1", "fin2", "cuic1", "cuic2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils system restart"), 1) << node;
    const json* n = state_of(state, node);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->value("system_restarts", 0), 1) << node;
    for (const auto& c : lab.commands(node)) {
      EXPECT_NE(c.value("command", "").rfind("utils service restart", 0), 0u) << node << ": " << c.dump();
    }
  }
  EXPECT_EQ(watcher.most_down("finesse"), 1) << "both Finesse nodes were down at once";
  EXPECT_EQ(watcher.most_down("cuic"), 1) << "both CUIC nodes were down at once";
  // Rolling, publisher first: the subscriber goes down only once the publisher is back.
  EXPECT_GE(ts_of(lab, "fin2", "utils system restart"), ts_of(lab, "fin1", "utils system restart") + kSystemRestartMs);
  EXPECT_GE(ts_of(lab, "cuic2", "utils system restart"), ts_of(lab, "cuic1", "utils system restart") + kSystemRestartMs);
  // PCCE phase order: Finesse roots reach CUIC only once both Finesse nodes have restarted with CUIC's roots.
  long long cuic_import = ts_of(lab, "cuic1", "set cert import trust tomcat");
  ASSERT_GT(cuic_import, 0);
  EXPECT_GE(cuic_import, ts_of(lab, "fin2", "utils system restart") + kSystemRestartMs);

  // The journal owed "system" for each node and a completed system restart settled it: nothing owed, no changes.
  std::string journal = read_text(lab.state() / "journal.jsonl");
  EXPECT_TRUE(contains(journal, R"("event":"restart-owed")") && contains(journal, R"("service":"system")")) << journal;
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "No changes.")) << again.out;
}

// [policy] restart = "rolling" with the Finesse cluster's own restart = "system": Finesse nodes restart whole, CUIC
// restarts its services; phase 1 still completes before phase 2.
TEST(Restarts, ClusterOverrideRestartsOnlyThatClusterWholeAndKeepsThePcceOrder) {
  Lab lab("restarts-override", {.subnet = 42});
  write_pcce_site(lab, "rolling", "system");
  lab.start_sim({"--system-restart-ms", std::to_string(kSystemRestartMs)});

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"fin1", "fin2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils system restart"), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Finesse Tomcat"), 0) << node;
  }
  for (const char* node : {"cuic1", "cuic2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils system restart"), 0) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
  long long cuic_import = ts_of(lab, "cuic1", "set cert import trust tomcat");
  ASSERT_GT(cuic_import, 0);
  EXPECT_GE(cuic_import, ts_of(lab, "fin2", "utils system restart") + kSystemRestartMs);
}

}  // namespace
}  // namespace trustctl::testing
