#include "engine/graph/ordering_rules.hpp"

#include "support/test_actions.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace trustctl {
namespace {

using testing::make_intermediate;
using testing::make_root;

Action upload(const std::string& node, const Certificate& cert) {
  Action a;
  a.kind = ActionKind::upload_trust;
  a.node = node;
  a.store = "tomcat-trust";
  a.certificate = cert;
  return a;
}

Action wait(const std::string& node, const std::string& source, const Certificate& cert) {
  Action a = upload(node, cert);
  a.kind = ActionKind::wait_replication;
  a.source_node = source;
  return a;
}

using testing::restart;

bool before(const std::vector<ActionGraph::Index>& order, ActionGraph::Index x, ActionGraph::Index y) {
  return std::find(order.begin(), order.end(), x) < std::find(order.begin(), order.end(), y);
}

TEST(OrderingRules, ChainOrderPutsIssuerBeforeWhatItIssuedOnTheSameNode) {
  auto root = make_root("Root");
  auto issuing = make_intermediate("Issuing", root);
  ActionGraph g;
  auto inter = g.add(upload("uccx1", issuing.certificate));
  auto top = g.add(upload("uccx1", root.certificate));
  auto elsewhere = g.add(upload("uccx2", root.certificate));
  rules::chain_order_in_store(g);
  EXPECT_EQ(g.rule_of(top, inter), rules::kChainOrder);
  EXPECT_EQ(g.edges().size(), 1u) << "no edge across nodes";
  (void)elsewhere;
}

TEST(OrderingRules, ReplicationWaitFollowsThePublishersUpload) {
  auto root = make_root("Root");
  auto other = make_root("Other");
  ActionGraph g;
  auto up = g.add(upload("uccx1", root.certificate));
  auto w = g.add(wait("uccx2", "uccx1", root.certificate));
  auto unrelated = g.add(wait("uccx2", "uccx1", other.certificate));
  rules::replication_after_upload(g);
  EXPECT_EQ(g.rule_of(up, w), rules::kReplication);
  EXPECT_TRUE(g.predecessors(unrelated).empty());
}

// Two peers regenerate their self-signed identities and each must trust the other's (a domain change on a UCCX ->
// SocialMiner site): every identity is made first, then distributed; never a cycle through trust-before-identity.
TEST(OrderingRules, IdentitiesMadeInThisApplyReachTheirPeersAfterEveryIdentityChange) {
  auto regen = [](const std::string& node) {
    Action a;
    a.kind = ActionKind::regenerate_identity;
    a.node = node;
    a.store = "tomcat";
    return a;
  };
  auto carry = [](const std::string& node, const std::string& of, ActionKind kind = ActionKind::upload_trust) {
    Action a;
    a.kind = kind;
    a.node = node;
    a.store = "tomcat-trust";
    a.identity_node = of;
    a.identity_unit = "tomcat";
    if (kind == ActionKind::wait_replication) a.source_node = "uccx1";
    return a;
  };
  ActionGraph g;
  auto uccx1 = g.add(regen("uccx1"));
  auto sm1 = g.add(regen("sm1"));
  auto to_uccx1 = g.add(carry("uccx1", "sm1"));
  auto to_uccx2 = g.add(carry("uccx2", "sm1", ActionKind::wait_replication));
  auto to_sm1 = g.add(carry("sm1", "uccx1"));
  Topology topology{{"uccx1", {"uccx", Role::publisher, 0}}, {"uccx2", {"uccx", Role::subscriber, 1}},
                    {"sm1", {"sm", Role::publisher, 0}}};
  apply_ordering_rules(g, topology);
  for (auto made : {uccx1, sm1}) {
    for (auto carried : {to_uccx1, to_sm1}) EXPECT_EQ(g.rule_of(made, carried), rules::kIdentityBeforeItsPeers);
  }
  EXPECT_EQ(g.rule_of(to_uccx1, to_uccx2), rules::kReplication) << "the subscriber's wait follows the publisher's upload";
  EXPECT_TRUE(g.topological_order().has_value()) << "no cycle";
}

// A per-node identity is the node's own (its CSR, its signature, its upload): the subscriber's does not wait for the
// publisher's identity change nor for its restarts; only the restarts roll.
TEST(OrderingRules, PerNodeIdentitiesOfAClusterDoNotWaitForEachOther) {
  auto install = [](const std::string& node, bool multi_server) {
    Action a;
    a.kind = ActionKind::install_identity;
    a.node = node;
    a.store = "tomcat";
    a.multi_server = multi_server;
    return a;
  };
  ActionGraph g;
  auto publisher = g.add(install("uccx1", false));
  auto subscriber = g.add(install("uccx2", false));
  auto publisher_restart = g.add(restart("uccx1", "Cisco Tomcat"));
  auto subscriber_restart = g.add(restart("uccx2", "Cisco Tomcat"));
  Topology topology{{"uccx1", {"uccx", Role::publisher, 0}}, {"uccx2", {"uccx", Role::subscriber, 1}}};
  apply_ordering_rules(g, topology);
  EXPECT_TRUE(g.predecessors(subscriber).empty()) << "neither the publisher's identity nor its restart";
  EXPECT_EQ(g.rule_of(publisher, publisher_restart), rules::kRestartsLast);
  EXPECT_EQ(g.rule_of(publisher_restart, subscriber_restart), rules::kRollingRestarts) << "the restarts still roll";

  // A multi-server identity is made once on the publisher: a second change in the cluster (a renewal planned on a
  // subscriber as well) comes after it.
  ActionGraph shared;
  auto made = shared.add(install("uccx1", true));
  auto later = shared.add(install("uccx2", true));
  apply_ordering_rules(shared, topology);
  EXPECT_EQ(shared.rule_of(made, later), rules::kPublisherFirst);
}

TEST(OrderingRules, EveryChangeOnANodePrecedesItsRestartsAndServicesRestartInOrder) {
  auto root = make_root("Root");
  ActionGraph g;
  auto r1 = g.add(restart("uccx1", "Cisco Tomcat"));
  auto r2 = g.add(restart("uccx1", "Cisco Finesse Tomcat"));
  auto up = g.add(upload("uccx1", root.certificate));
  auto other_node = g.add(upload("uccx2", root.certificate));
  rules::restarts_last(g, {});
  auto order = *g.topological_order();
  EXPECT_TRUE(before(order, up, r1));
  EXPECT_TRUE(before(order, r1, r2));
  EXPECT_EQ(g.rule_of(up, r1), rules::kRestartsLast);
  EXPECT_TRUE(g.successors(other_node).empty()) << "a change on uccx2 does not hold back uccx1's restarts";
}

TEST(OrderingRules, RollingRestartsGoPublisherFirstOneNodeAtATime) {
  Site site;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2", "uccx3"}));
  auto topology = topology_of(site);
  ActionGraph g;
  auto sub2 = g.add(restart("uccx3"));
  auto sub1a = g.add(restart("uccx2", "Cisco Tomcat"));
  auto sub1b = g.add(restart("uccx2", "Cisco Finesse Tomcat"));
  auto pub = g.add(restart("uccx1"));
  rules::restarts_last(g, topology);
  rules::rolling_restarts(g, topology);
  auto order = *g.topological_order();
  EXPECT_TRUE(before(order, pub, sub1a));
  EXPECT_TRUE(before(order, sub1b, sub2)) << "uccx3 waits for the last restart of uccx2";
  EXPECT_EQ(g.rule_of(pub, sub1a), rules::kRollingRestarts);
}

TEST(OrderingRules, AllAtOncePolicyAddsNoCrossNodeRestartEdges) {
  Site site;
  site.policy.restart = RestartPolicy::all_at_once;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  ActionGraph g;
  g.add(restart("uccx1"));
  g.add(restart("uccx2"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_TRUE(g.edges().empty());
}

Action system_restart(const std::string& node) {
  Action a;
  a.kind = ActionKind::restart_system;
  a.node = node;
  return a;
}

// restart = "system": one node of a cluster at a time as with rolling, publisher first (docs/appliances.md section 5).
TEST(OrderingRules, SystemRestartsRollPublisherFirst) {
  Site site;
  site.policy.restart = RestartPolicy::system;
  site.clusters.push_back(testing::make_cluster("fin", Product::finesse, {"fin1", "fin2"}));
  ActionGraph g;
  auto sub = g.add(system_restart("fin2"));
  auto pub = g.add(system_restart("fin1"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_EQ(g.rule_of(pub, sub), rules::kRollingRestarts);
}

// A [[cluster]] restart overrides [policy] restart for its own nodes only.
TEST(OrderingRules, ClusterRestartPolicyOverridesTheSites) {
  Site site;
  site.policy.restart = RestartPolicy::rolling;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  site.clusters.push_back(testing::make_cluster("fin", Product::finesse, {"fin1", "fin2"}));
  site.clusters.back().restart = RestartPolicy::all_at_once;
  ActionGraph g;
  auto u1 = g.add(restart("uccx1"));
  auto u2 = g.add(restart("uccx2"));
  auto f1 = g.add(restart("fin1"));
  auto f2 = g.add(restart("fin2"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_EQ(g.rule_of(u1, u2), rules::kRollingRestarts);
  EXPECT_EQ(g.rule_of(f1, f2), "") << "the fin cluster restarts all at once";
}

// PCCE (docs/appliances.md section 6): phase 1 (CUIC roots on Finesse, then Finesse restarted) completes before phase 2
// (Finesse roots on CUIC): the restarts a phase-0 write owes, on its node and on the subscriber it replicates to,
// precede every phase-1 write.
TEST(OrderingRules, PhaseZeroRestartsPrecedePhaseOneWrites) {
  Site site;
  site.clusters.push_back(testing::make_cluster("fin", Product::finesse, {"fin1", "fin2"}));
  site.clusters.push_back(testing::make_cluster("cuic", Product::cuic, {"cuic1", "cuic2"}));
  auto cuic_root = make_root("CUIC Root");
  auto finesse_root = make_root("Finesse Root");
  Action on_finesse = upload("fin1", cuic_root.certificate);
  on_finesse.orderings.push_back({"pcce:cuic+fin", 0});
  on_finesse.owes = {{"fin1", "Cisco Finesse Tomcat"}, {"fin2", "Cisco Finesse Tomcat"}};
  Action on_cuic = upload("cuic1", finesse_root.certificate);
  on_cuic.orderings.push_back({"pcce:cuic+fin", 1});
  on_cuic.owes = {{"cuic1", "Cisco Tomcat"}};
  ActionGraph g;
  auto write0 = g.add(on_finesse);
  auto write1 = g.add(on_cuic);
  auto fin1 = g.add(restart("fin1", "Cisco Finesse Tomcat"));
  auto fin2 = g.add(system_restart("fin2"));  // a system restart settles what fin2 owes
  auto cuic1 = g.add(restart("cuic1"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_EQ(g.rule_of(write0, write1), rules::kCrossProduct);
  EXPECT_EQ(g.rule_of(fin1, write1), rules::kCrossProduct);
  EXPECT_EQ(g.rule_of(fin2, write1), rules::kCrossProduct);
  EXPECT_EQ(g.rule_of(cuic1, write1), "") << "phase 1's own restart comes after its write";
  auto order = *g.topological_order();
  EXPECT_TRUE(before(order, fin2, write1));
  EXPECT_TRUE(before(order, write1, cuic1));
}

// restart_services = "together": a node's services restart at once (no order between them), each after every change
// of the node, and the next node of the cluster goes down only when every one of them is done.
TEST(OrderingRules, TogetherRestartsANodesServicesAtOnceAndTheNextNodeWaitsForAllOfThem) {
  Site site;
  site.policy.restart_services = ServiceRestarts::together;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  auto root = make_root("Root");
  ActionGraph g;
  auto up = g.add(upload("uccx1", root.certificate));
  auto t1 = g.add(restart("uccx1", "Cisco Tomcat"));
  auto e1 = g.add(restart("uccx1", "Cisco Unified CCX Engine"));
  auto t2 = g.add(restart("uccx2", "Cisco Tomcat"));
  auto e2 = g.add(restart("uccx2", "Cisco Unified CCX Engine"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_EQ(g.rule_of(t1, e1), "");
  EXPECT_EQ(g.rule_of(e1, t1), "");
  EXPECT_EQ(g.rule_of(up, t1), rules::kRestartsLast);
  EXPECT_EQ(g.rule_of(up, e1), rules::kRestartsLast);
  for (auto before_node : {t1, e1}) {
    for (auto after_node : {t2, e2}) EXPECT_EQ(g.rule_of(before_node, after_node), rules::kRollingRestarts);
  }
  EXPECT_EQ(g.rule_of(t2, e2), "");
  EXPECT_NE(g.action(t1).lane(), g.action(e1).lane()) << "each restart runs on its own lane";
  EXPECT_EQ(g.action(up).lane(), "uccx1");
}

TEST(OrderingRules, AClusterMayRestartTogetherWhileTheRestOfTheSiteGoesOneByOne) {
  Site site;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1"}));
  site.clusters.push_back(testing::make_cluster("sm", Product::socialminer, {"sm1"}));
  site.clusters.back().restart_services = ServiceRestarts::together;
  ActionGraph g;
  auto u1 = g.add(restart("uccx1", "Cisco Tomcat"));
  auto u2 = g.add(restart("uccx1", "Cisco Unified CCX Engine"));
  auto s1 = g.add(restart("sm1", "Cisco Tomcat"));
  auto s2 = g.add(restart("sm1", "Cisco SocialMiner"));
  apply_ordering_rules(g, topology_of(site));
  EXPECT_EQ(g.rule_of(u1, u2), rules::kRestartsLast);
  EXPECT_EQ(g.rule_of(s1, s2), "");
}

// The estimate's other choice re-runs only the restart rules: every other edge is kept, and the result equals the
// graph ordered with that choice from the start.
TEST(OrderingRules, ReorderingRestartsEqualsOrderingWithTheOtherChoiceFromTheStart) {
  Site site;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  auto root = make_root("Root");
  auto issuing = make_intermediate("Issuing", root);
  auto build = [&] {
    ActionGraph g;
    g.add(upload("uccx1", root.certificate));
    g.add(upload("uccx1", issuing.certificate));
    g.add(wait("uccx2", "uccx1", root.certificate));
    for (const char* node : {"uccx1", "uccx2"}) {
      g.add(restart(node, "Cisco Tomcat"));
      g.add(restart(node, "Cisco Unified CCX Engine"));
    }
    return g;
  };
  auto edges_of = [](const ActionGraph& g) {
    std::set<std::tuple<std::size_t, std::size_t, std::string>> out;
    for (const auto& [b, a] : g.edges()) out.emplace(b, a, g.rule_of(b, a));
    return out;
  };
  ActionGraph one_by_one = build();
  apply_ordering_rules(one_by_one, topology_of(site));
  site.policy.restart_services = ServiceRestarts::together;
  ActionGraph together = build();
  apply_ordering_rules(together, topology_of(site));
  ASSERT_NE(edges_of(one_by_one), edges_of(together));
  EXPECT_EQ(edges_of(rules::reorder_restarts(one_by_one, topology_of(site))), edges_of(together));
  EXPECT_EQ(edges_of(rules::reorder_restarts(together, with_service_restarts(topology_of(site),
                                                                              ServiceRestarts::one_by_one))),
            edges_of(one_by_one));
}

}  // namespace
}  // namespace trustctl
