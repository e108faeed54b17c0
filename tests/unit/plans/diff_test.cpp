#include "plans/diff.hpp"

#include "engine/graph/ordering_rules.hpp"
#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace trustctl::plans {
namespace {

using testing::make_intermediate;
using testing::make_root;

struct UccxPair {
  testing::TestCa root = make_root("Corp Root");
  testing::TestCa issuing = make_intermediate("Corp Issuing", root);
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  UccxPair() {
    site.name = "lab";
    site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    site.trust.push_back(testing::trust_cluster("uccx", {issuing.certificate, root.certificate}));
    live.nodes["uccx1"].node = "uccx1";
    live.nodes["uccx2"].node = "uccx2";
  }
  void holds(const std::string& node, const Certificate& cert) {
    live.nodes[node].stores["tomcat-trust"].push_back({"tomcat-trust/" + cert.trust_file_name(), cert});
  }
  std::vector<const Action*> of_kind(const Plan& plan, ActionKind kind, const std::string& node) {
    std::vector<const Action*> out;
    for (auto i : plan.order) {
      const Action& a = plan.graph.action(i);
      if (a.kind == kind && a.node == node) out.push_back(&a);
    }
    return out;
  }
};

TEST(Diff, ReplicatedStoreIsWrittenOnThePublisherAndAwaitedOnTheSubscriber) {
  UccxPair t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  auto uploads = t.of_kind(*plan, ActionKind::upload_trust, "uccx1");
  ASSERT_EQ(uploads.size(), 2u);
  EXPECT_EQ(uploads[0]->certificate->common_name(), "Corp Root") << "chain order: root first";
  EXPECT_EQ(uploads[1]->certificate->common_name(), "Corp Issuing");
  EXPECT_TRUE(t.of_kind(*plan, ActionKind::upload_trust, "uccx2").empty()) << "never written on the subscriber";
  EXPECT_EQ(t.of_kind(*plan, ActionKind::wait_replication, "uccx2").size(), 2u);
  EXPECT_NE(uploads[0]->reason.find("uccx must trust test-ca"), std::string::npos) << uploads[0]->reason;
}

TEST(Diff, EachChangedNodeRestartsEachServiceOnceAfterItsChanges) {
  UccxPair t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  auto services = t.registry.find(Product::uccx)->services_to_restart("tomcat-trust");
  for (const char* node : {"uccx1", "uccx2"}) {
    auto restarts = t.of_kind(*plan, ActionKind::restart_service, node);
    ASSERT_EQ(restarts.size(), services.size()) << node;
    EXPECT_EQ(restarts[0]->service, "Cisco Tomcat");
  }
  // Every restart comes after every change on its node, and the subscriber's restarts after the publisher's.
  std::map<std::string, std::size_t> last_change, first_restart, last_restart;
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind == ActionKind::restart_service) {
      if (!first_restart.count(a.node)) first_restart[a.node] = k;
      last_restart[a.node] = k;
    } else {
      last_change[a.node] = k;
    }
  }
  EXPECT_LT(last_change["uccx1"], first_restart["uccx1"]);
  EXPECT_LT(last_change["uccx2"], first_restart["uccx2"]);
  EXPECT_LT(last_restart["uccx1"], first_restart["uccx2"]);
  auto summary = plan->summary();
  EXPECT_EQ(summary.add, 2) << "two uploads on the publisher";
  EXPECT_EQ(summary.waits, 2) << "the subscriber's copies are replicated: waits, not additions";
  EXPECT_EQ(summary.restarts, static_cast<int>(2 * services.size()));
}

TEST(Diff, CertificatesAlreadyPresentByFingerprintNeedNothing) {
  UccxPair t;
  for (const char* node : {"uccx1", "uccx2"}) {
    t.holds(node, t.root.certificate);
    t.holds(node, t.issuing.certificate);
  }
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->empty());
}

TEST(Diff, MatchesByFingerprintNotByName) {
  UccxPair t;
  // Same CN and file name as the wanted root, but another key: still missing.
  auto impostor = make_root("Corp Root");
  t.live.nodes["uccx1"].stores["tomcat-trust"].push_back(
      {"tomcat-trust/" + t.root.certificate.trust_file_name(), impostor.certificate});
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  EXPECT_EQ(t.of_kind(*plan, ActionKind::upload_trust, "uccx1").size(), 2u);
}

TEST(Diff, SubscriberMissingWhatThePublisherHoldsIsUploadedThere) {
  UccxPair t;
  t.holds("uccx1", t.root.certificate);
  t.holds("uccx1", t.issuing.certificate);
  t.holds("uccx2", t.root.certificate);
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  auto uploads = t.of_kind(*plan, ActionKind::upload_trust, "uccx2");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0]->certificate->common_name(), "Corp Issuing");
  EXPECT_TRUE(t.of_kind(*plan, ActionKind::restart_service, "uccx1").empty()) << "uccx1 did not change";
}

TEST(Diff, PendingRestartsFromTheJournalAreCarriedIntoThePlan) {
  UccxPair t;
  for (const char* node : {"uccx1", "uccx2"}) {
    t.holds(node, t.root.certificate);
    t.holds(node, t.issuing.certificate);
  }
  auto plan = make_plan(t.site, t.live, t.registry, {{"uccx2", "Cisco Tomcat", "uccx1:upload-trust:x"}});
  ASSERT_TRUE(plan);
  auto restarts = t.of_kind(*plan, ActionKind::restart_service, "uccx2");
  ASSERT_EQ(restarts.size(), 1u);
  EXPECT_TRUE(restarts[0]->pending_from_journal);
}

// A restart the journal owes on a node the site no longer has, or of a service the product does not have, became an
// action that failed every later apply. It is a note naming node, service and the command that settles it.
TEST(Diff, AnOwedRestartTheSiteCannotRunIsANoteNotAnAction) {
  UccxPair t;
  t.site.file = "sites/lab center.toml";
  for (const char* node : {"uccx1", "uccx2"}) {
    t.holds(node, t.root.certificate);
    t.holds(node, t.issuing.certificate);
  }
  auto plan = make_plan(t.site, t.live, t.registry,
                        {{"uccx9", "Cisco Tomcat", "uccx9:upload-trust:x"},
                         {"uccx1", "Cisco Retired Service", "uccx1:upload-trust:y"},
                         {"uccx1", "Cisco Unified CCX Engine", "uccx1:upload-trust:z"}});
  ASSERT_TRUE(plan) << plan.error().describe();
  ASSERT_EQ(plan->graph.size(), 1u) << "only the restart the product has";
  EXPECT_EQ(plan->graph.action(0).service, "Cisco Unified CCX Engine");
  ASSERT_EQ(plan->notes.size(), 2u);
  EXPECT_NE(plan->notes[0].find("the journal owes a restart of Cisco Tomcat on uccx9 (after uccx9:upload-trust:x), "
                                "but the site has no node uccx9, so trustctl will not restart it"),
            std::string::npos)
      << plan->notes[0];
  EXPECT_NE(plan->notes[0].find("`trustctl journal 'sites/lab center.toml' --forget-owed uccx9 --service 'Cisco Tomcat'`"),
            std::string::npos)
      << plan->notes[0];
  EXPECT_NE(plan->notes[1].find("'Cisco Retired Service' on uccx1 (after uccx1:upload-trust:y), but uccx has no service "
                                "of that name"),
            std::string::npos)
      << plan->notes[1];
}

TEST(Diff, ManualRestartPolicyListsRestartsWithoutScheduling) {
  UccxPair t;
  t.site.policy.restart = RestartPolicy::manual;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(t.of_kind(*plan, ActionKind::restart_service, "uccx1").empty());
  EXPECT_FALSE(plan->manual_restarts.empty());
  EXPECT_EQ(plan->summary().restarts, 0);
}

TEST(Diff, AbsentCertificateIsDeletedOnEveryNodeWhereFound) {
  UccxPair t;
  auto retired = make_root("Retired Root");
  t.site.trust.clear();
  TrustRule rule;
  rule.cluster = "uccx";
  rule.store = "tomcat-trust";
  CertificateRef ref;
  ref.text = "file:retired.pem";
  ref.certificates = {retired.certificate};
  rule.absent.push_back(ref);
  t.site.trust.push_back(rule);
  t.holds("uccx1", retired.certificate);
  t.holds("uccx2", retired.certificate);
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan);
  for (const char* node : {"uccx1", "uccx2"}) {
    auto deletes = t.of_kind(*plan, ActionKind::delete_trust, node);
    ASSERT_EQ(deletes.size(), 1u) << node << ": deletes do not replicate";
    EXPECT_EQ(deletes[0]->file, "tomcat-trust/" + retired.certificate.trust_file_name());
  }
}

// restart = "system" (docs/appliances.md section 5): each changed node gets one system restart instead of its services,
// the writes owe it (journaled as "system"), the subscriber's waits for the publisher's, and the reason names what it
// stands for.
TEST(Diff, SystemPolicyGivesEachChangedNodeOneSystemRestartThatItsWritesOwe) {
  UccxPair t;
  t.site.policy.restart = RestartPolicy::system;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(t.of_kind(*plan, ActionKind::restart_service, node).empty()) << node;
    auto whole = t.of_kind(*plan, ActionKind::restart_system, node);
    ASSERT_EQ(whole.size(), 1u) << node;
    EXPECT_NE(whole[0]->reason.find("instead of restarting Cisco Tomcat, Cisco Unified CCX Engine, Cisco Finesse"),
              std::string::npos)
        << whole[0]->reason;
  }
  for (const Action* upload : t.of_kind(*plan, ActionKind::upload_trust, "uccx1")) {
    std::vector<OwedRestart> expected = {{"uccx1", kSystemRestart}, {"uccx2", kSystemRestart}};
    EXPECT_EQ(upload->owes, expected) << upload->id();
  }
  auto pub = t.of_kind(*plan, ActionKind::restart_system, "uccx1")[0];
  auto sub = t.of_kind(*plan, ActionKind::restart_system, "uccx2")[0];
  bool rolled = false;
  for (const auto& [before, after] : plan->graph.edges()) {
    rolled = rolled || (&plan->graph.action(before) == pub && &plan->graph.action(after) == sub &&
                        plan->graph.rule_of(before, after) == rules::kRollingRestarts);
  }
  EXPECT_TRUE(rolled) << "the subscriber goes down after the publisher is back";
  EXPECT_EQ(plan->summary().restarts, 2);
}

// A [[cluster]] restart overrides [policy] restart: here the cluster's restarts are left to the operator.
TEST(Diff, ClusterRestartPolicyOverridesTheSitesPolicy) {
  UccxPair t;
  t.site.policy.restart = RestartPolicy::system;
  t.site.clusters[0].restart = RestartPolicy::manual;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  EXPECT_TRUE(t.of_kind(*plan, ActionKind::restart_system, "uccx1").empty());
  EXPECT_EQ(plan->graph.size() - t.of_kind(*plan, ActionKind::upload_trust, "uccx1").size() -
                t.of_kind(*plan, ActionKind::wait_replication, "uccx2").size(),
            0u)
      << "nothing but the writes and waits is scheduled";
  ASSERT_EQ(plan->manual_restarts.size(), 12u) << "each node's six services, listed for the operator";
  for (const auto& a : plan->manual_restarts) EXPECT_EQ(a.kind, ActionKind::restart_service) << a.id();
}

// A system restart the journal owes from an earlier apply stays a system restart under another policy, and stands
// for the services owed on the same node: one action settles them all.
TEST(Diff, ASystemRestartTheJournalOwesStaysOneAndSettlesTheNodesServices) {
  UccxPair t;
  for (const char* node : {"uccx1", "uccx2"}) {
    t.holds(node, t.root.certificate);
    t.holds(node, t.issuing.certificate);
  }
  auto plan = make_plan(t.site, t.live, t.registry,
                        {{"uccx1", "Cisco Tomcat", "uccx1:upload-trust:x"}, {"uccx1", kSystemRestart, "uccx1:upload-trust:y"}});
  ASSERT_TRUE(plan) << plan.error().describe();
  ASSERT_EQ(plan->graph.size(), 1u);
  const Action& whole = plan->graph.action(0);
  EXPECT_EQ(whole.kind, ActionKind::restart_system);
  EXPECT_TRUE(whole.pending_from_journal);
  EXPECT_NE(whole.reason.find("the journal owes a system restart of uccx1"), std::string::npos) << whole.reason;
  EXPECT_TRUE(plan->notes.empty()) << plan->notes.front();
}

}  // namespace
}  // namespace trustctl::plans

namespace trustctl::plans {
namespace {

TEST(Diff, PruneRemovesOnlyWhatTrustctlAddedAndTheSiteNoLongerWants) {
  UccxPair t;
  t.site.policy.prune = true;
  auto old_root = make_root("Old Root");
  auto by_hand = make_root("Added By Hand");
  for (const char* node : {"uccx1", "uccx2"}) {
    t.holds(node, t.root.certificate);
    t.holds(node, t.issuing.certificate);
    t.holds(node, old_root.certificate);
    t.holds(node, by_hand.certificate);
  }
  ManagedRecord managed;
  for (const char* node : {"uccx1", "uccx2"}) {
    managed.add(node, "tomcat-trust", t.root.certificate.fingerprint());
    managed.add(node, "tomcat-trust", old_root.certificate.fingerprint());
  }
  auto plan = make_plan(t.site, t.live, t.registry, {}, &managed);
  ASSERT_TRUE(plan) << plan.error().describe();
  for (const char* node : {"uccx1", "uccx2"}) {
    auto deletes = t.of_kind(*plan, ActionKind::delete_trust, node);
    ASSERT_EQ(deletes.size(), 1u) << node;
    EXPECT_EQ(deletes[0]->certificate->common_name(), "Old Root");
    EXPECT_NE(deletes[0]->reason.find("policy.prune"), std::string::npos);
  }
  t.site.policy.prune = false;
  auto no_prune = make_plan(t.site, t.live, t.registry, {}, &managed);
  ASSERT_TRUE(no_prune);
  EXPECT_TRUE(no_prune->empty());
}

TEST(Diff, APublishersUploadOwesTheRestartsOfEveryNodeItReplicatesTo) {
  UccxPair t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  auto services = t.registry.find(Product::uccx)->services_to_restart("tomcat-trust");
  for (const Action* upload : t.of_kind(*plan, ActionKind::upload_trust, "uccx1")) {
    // Before it is sent, the upload must be known to owe uccx1's restarts and uccx2's: replication changes uccx2
    // whether or not trustctl lives to see its wait end.
    for (const char* node : {"uccx1", "uccx2"}) {
      for (const auto& service : services) {
        EXPECT_NE(std::find(upload->owes.begin(), upload->owes.end(), OwedRestart{node, service}), upload->owes.end())
            << upload->id() << " does not owe " << node << " " << service;
      }
    }
  }
  for (auto i : plan->order) {
    const Action& a = plan->graph.action(i);
    if (!a.writes()) {
      EXPECT_TRUE(a.owes.empty()) << a.id() << ": only writes owe restarts";
    }
  }
}

TEST(Diff, RestartsOwedByTheJournalReplayInTheProductsOrderNotAlphabetically) {
  UccxPair t;
  t.holds("uccx1", t.root.certificate);
  t.holds("uccx1", t.issuing.certificate);
  t.holds("uccx2", t.root.certificate);
  t.holds("uccx2", t.issuing.certificate);
  // What a failed Cisco Tomcat restart leaves in the journal: every service owed, read back in (node, service) order.
  std::vector<PendingRestart> pending;
  for (const auto& service : t.registry.find(Product::uccx)->services_to_restart("tomcat-trust")) {
    pending.push_back({"uccx1", service, "uccx1:upload-trust:tomcat-trust:0123456789abcdef"});
  }
  std::sort(pending.begin(), pending.end());
  ASSERT_EQ(pending.front().service, "Cisco Finesse Tomcat") << "the journal's order is alphabetical";
  auto plan = make_plan(t.site, t.live, t.registry, pending);
  ASSERT_TRUE(plan) << plan.error().describe();
  auto restarts = t.of_kind(*plan, ActionKind::restart_service, "uccx1");
  ASSERT_EQ(restarts.size(), 6u);
  EXPECT_EQ(restarts.front()->service, "Cisco Tomcat") << "Finesse's health check needs Cisco Tomcat running";
  auto order = t.registry.find(Product::uccx)->services();
  for (std::size_t k = 0; k < restarts.size(); ++k) EXPECT_EQ(restarts[k]->service, order[k]);
}

}  // namespace
}  // namespace trustctl::plans
