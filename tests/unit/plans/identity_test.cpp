#include "plans/diff.hpp"
#include "plans/identity.hpp"

#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

namespace trustctl::plans {
namespace {

using testing::make_cluster;
using testing::make_leaf;
using testing::make_root;

struct LabCa {
  testing::TestCa ca = make_root("Lab CA");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  LabCa() {
    CaEntry entry;
    entry.name = "lab-ca";
    entry.certificates = {ca.certificate};
    entry.local_key = "/nonexistent/lab-ca.key";  // the planner never reads the key; the runner does
    site.cas.push_back(entry);
    site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    IdentityPolicy policy;
    policy.unit = "tomcat";
    policy.issuer = "lab-ca";
    policy.region.line = 20;
    site.clusters[0].identities.push_back(policy);
    for (const char* n : {"uccx1", "uccx2"}) {
      live.nodes[n].node = n;
      live.nodes[n].identities["tomcat"] = {make_root(std::string(n) + ".lab.example").certificate};
    }
  }
};

TEST(Identity, RenewalWindowDefaultsToTheLastThirdAndAtLeast30Days) {
  auto key = *pki::KeyPair::generate("ec-256");
  auto long_lived = *pki::self_signed({.common_name = "a", .days = 900}, key);
  auto short_lived = *pki::self_signed({.common_name = "b", .days = 60}, key);
  EXPECT_EQ(renewal_window_days(long_lived, std::nullopt), 300);
  EXPECT_EQ(renewal_window_days(short_lived, std::nullopt), 30);
  EXPECT_EQ(renewal_window_days(long_lived, 45), 45);
}

TEST(Identity, SelfSignedNodesUnderALocalCaPolicyAreRenewedAfterTheCaIsTrusted) {
  LabCa t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::map<std::string, std::size_t> renew_at, trust_at;
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind == ActionKind::renew_identity) renew_at[a.node] = k;
    if ((a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) && a.certificate &&
        *a.certificate == t.ca.certificate) {
      trust_at[a.node] = k;
    }
  }
  ASSERT_EQ(renew_at.size(), 2u);
  ASSERT_EQ(trust_at.size(), 2u);
  EXPECT_LT(trust_at["uccx1"], renew_at["uccx1"]) << "rule 2: trust before identity";
  EXPECT_LT(trust_at["uccx2"], renew_at["uccx2"]);
  EXPECT_LT(renew_at["uccx1"], renew_at["uccx2"]) << "rule 5: publisher first";
  EXPECT_EQ(plan->summary().change, 2);
}

TEST(Identity, AnIdentityAlreadySignedByThePolicyCaNeedsNothing) {
  LabCa t;
  for (const char* n : {"uccx1", "uccx2"}) {
    t.live.nodes[n].identities["tomcat"] = {make_leaf(std::string(n) + ".lab.example", t.ca)};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  EXPECT_TRUE(plan->empty());
}

TEST(Identity, AnIdentityInsideItsRenewalWindowIsRenewed) {
  LabCa t;
  auto key = *pki::KeyPair::generate("ec-256");
  for (const char* n : {"uccx1", "uccx2"}) {
    std::string fqdn = std::string(n) + ".lab.example";
    t.live.nodes[n].identities["tomcat"] = {*pki::issue_certificate(
        {.common_name = fqdn, .dns_names = {fqdn}, .days = 100, .not_before_offset_days = -90}, key,
        &t.ca.certificate, t.ca.key)};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto changes = plan_identities(t.site, t.live, t.registry, now_utc());
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->actions.size(), 2u);
  EXPECT_NE(changes->actions[0].reason.find("TC006"), std::string::npos) << changes->actions[0].reason;
}

// RFC 5280's "no expiry" (99991231235959Z) is far outside any renewal window; a nanosecond clock read it as 1816.
TEST(Identity, AnIdentityValidUntilTheYear9999IsNotRenewed) {
  LabCa t;
  auto key = *pki::KeyPair::generate("ec-256");
  for (const char* n : {"uccx1", "uccx2"}) {
    std::string fqdn = std::string(n) + ".lab.example";
    t.live.nodes[n].identities["tomcat"] = {*pki::issue_certificate(
        {.common_name = fqdn, .dns_names = {fqdn}, .not_after = "99991231235959Z"}, key, &t.ca.certificate, t.ca.key)};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto changes = plan_identities(t.site, t.live, t.registry, now_utc());
  ASSERT_TRUE(changes);
  EXPECT_TRUE(changes->actions.empty()) << changes->actions.front().reason;
}

// One apply converges: the regenerated identity is uploaded to the peers that trust it (SocialMiner, by the
// integration) in the same plan, "known after apply", after every identity change, and the identity it replaces is
// uploaded nowhere.
TEST(Identity, SelfPolicyRegeneratesACaSignedIdentityAndItsPeersGetItInTheSameApply) {
  LabCa t;
  t.site.clusters[0].identities[0].issuer = "self";
  t.site.clusters.push_back(make_cluster("sm", Product::socialminer, {"sm1"}));
  t.site.integrations.push_back(Integration{.from = "uccx", .to = "sm"});
  t.live.nodes["sm1"].node = "sm1";
  t.live.nodes["sm1"].identities["tomcat"] = {make_root("sm1.lab.example").certificate};
  const Certificate replaced = make_leaf("uccx1.lab.example", t.ca);
  t.live.nodes["uccx1"].identities["tomcat"] = {replaced};
  t.live.nodes["uccx1"].stores["tomcat-trust"].push_back({"Lab_CA.pem", t.ca.certificate});
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::optional<ActionGraph::Index> regen, carried;
  for (ActionGraph::Index i = 0; i < plan->graph.size(); ++i) {
    const Action& a = plan->graph.action(i);
    if (a.kind == ActionKind::regenerate_identity && a.node == "uccx1") regen = i;
    if (a.kind == ActionKind::upload_trust && a.node == "sm1" && a.identity_node == "uccx1") carried = i;
    if (a.certificate) {
      EXPECT_FALSE(*a.certificate == replaced) << a.describe() << ": the replaced identity travels not";
    }
  }
  ASSERT_TRUE(regen);
  ASSERT_TRUE(carried) << "sm1 gets uccx1's new identity in this apply";
  const Action& upload = plan->graph.action(*carried);
  EXPECT_FALSE(upload.certificate.has_value());
  EXPECT_EQ(upload.identity_unit, "tomcat");
  EXPECT_NE(upload.describe().find("the new tomcat identity of uccx1 (known after apply)"), std::string::npos);
  auto before = plan->graph.predecessors(*carried);
  EXPECT_NE(std::find(before.begin(), before.end(), *regen), before.end()) << "after the identity exists";
  bool restarts_sm1 = false;
  for (const auto& a : plan->graph.actions()) restarts_sm1 = restarts_sm1 || (a.kind == ActionKind::restart_service && a.node == "sm1");
  EXPECT_TRUE(restarts_sm1) << "the peer reloads its tomcat-trust";
  std::string notes;
  for (const auto& note : plan->notes) notes += note + "\n";
  EXPECT_NE(notes.find("get it in this apply"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("second apply"), std::string::npos) << notes;
}

// ---- multi-server (SAN) identities ----

TEST(Identity, MultiServerIsOneRenewOnThePublisherThenAWaitOnEachOtherNode) {
  LabCa t;
  t.site.clusters[0].identities[0].distribution = "multi-server";
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::optional<std::size_t> renew, wait, restart_uccx2;
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind == ActionKind::renew_identity) {
      EXPECT_EQ(a.node, "uccx1");
      EXPECT_TRUE(a.multi_server);
      EXPECT_FALSE(renew) << "one CSR for the whole cluster";
      renew = k;
    }
    if (a.kind == ActionKind::wait_identity) {
      EXPECT_EQ(a.node, "uccx2");
      EXPECT_EQ(a.source_node, "uccx1");
      wait = k;
    }
    if (a.kind == ActionKind::restart_service && a.node == "uccx2" && !restart_uccx2) restart_uccx2 = k;
  }
  ASSERT_TRUE(renew && wait && restart_uccx2);
  EXPECT_LT(*renew, *wait);
  EXPECT_LT(*wait, *restart_uccx2) << "uccx2 restarts only once the identity has arrived";
  auto i_renew = plan->order[*renew], i_wait = plan->order[*wait];
  EXPECT_EQ(plan->graph.rule_of(i_renew, i_wait), std::string("replication"));
}

TEST(Identity, MultiServerIdentityNamingEveryNodeOnEveryNodeNeedsNothing) {
  LabCa t;
  t.site.clusters[0].identities[0].distribution = "multi-server";
  auto key = *pki::KeyPair::generate("ec-256");
  auto shared = *pki::issue_certificate(
      {.common_name = "uccx1-ms.lab.example", .dns_names = {"uccx1.lab.example", "uccx2.lab.example"}}, key,
      &t.ca.certificate, t.ca.key);
  for (const char* n : {"uccx1", "uccx2"}) {
    t.live.nodes[n].identities["tomcat"] = {shared};
    t.live.nodes[n].stores["tomcat-trust"].push_back({t.ca.certificate.trust_file_name(), t.ca.certificate});
  }
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  EXPECT_TRUE(plan->empty());

  // A node holding its own per-node certificate instead is off, and the cluster's identity is made again.
  t.live.nodes["uccx2"].identities["tomcat"] = {make_leaf("uccx2.lab.example", t.ca)};
  auto again = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(again) << again.error().describe();
  ASSERT_FALSE(again->empty());
  EXPECT_NE(again->graph.action(again->order.front()).reason.find("uccx2:"), std::string::npos);
}

// ---- tomcat-ECDSA ----

TEST(Identity, EcdsaUnitIsPlannedWhereTheProductHasIt) {
  LabCa t;
  t.site.clusters[0] = make_cluster("finesse", Product::finesse, {"fin1", "fin2"});
  t.site.clusters[0].version = "12.5";
  IdentityPolicy policy;
  policy.unit = "tomcat-ECDSA";
  policy.issuer = "lab-ca";
  policy.key = "ec-256";
  policy.region.line = 30;
  t.site.clusters[0].identities.push_back(policy);
  t.live.nodes.clear();
  for (const char* n : {"fin1", "fin2"}) {
    t.live.nodes[n].node = n;
    t.live.nodes[n].identities["tomcat"] = {make_root(std::string(n) + ".lab.example").certificate};
    t.live.nodes[n].identities["tomcat-ECDSA"] = {make_root(std::string(n) + "-EC.lab.example").certificate};
  }
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  int renewals = 0;
  std::set<std::string> restarted;
  for (const auto& a : plan->graph.actions()) {
    if (a.kind == ActionKind::renew_identity) {
      EXPECT_EQ(a.store, "tomcat-ECDSA");
      ++renewals;
    }
    if (a.kind == ActionKind::restart_service) restarted.insert(a.node + "/" + a.service);
  }
  EXPECT_EQ(renewals, 2);
  EXPECT_TRUE(restarted.count("fin1/Cisco Finesse Tomcat")) << "the EC identity is served by the same services";

}

// tomcat-ECDSA exists on UCCX from 11.5 and later (docs/appliances.md section 2): a 12.5 policy is planned like any.
TEST(Identity, UccxTwelveFiveEcdsaIdentityIsPlanned) {
  LabCa uccx;
  uccx.site.clusters[0].version = "12.5";
  uccx.site.clusters[0].identities[0].unit = "tomcat-ECDSA";
  uccx.site.clusters[0].identities[0].key = "ec-256";
  for (const char* n : {"uccx1", "uccx2"}) {
    uccx.live.nodes[n].identities["tomcat-ECDSA"] = {make_root(std::string(n) + "-EC.lab.example").certificate};
  }
  auto plan = make_plan(uccx.site, uccx.live, uccx.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  int renewals = 0;
  for (const auto& a : plan->graph.actions()) renewals += a.kind == ActionKind::renew_identity && a.store == "tomcat-ECDSA";
  EXPECT_EQ(renewals, 2);
}

// The admin CLI's CSR command takes no key parameter (docs/appliances.md section 7): a policy asking for another key
// than the node's own is said in the plan, once, not ignored.
TEST(Identity, AKeyTheNodeCannotBeAskedForIsANoteInThePlan) {
  LabCa t;
  t.site.clusters[0].identities[0].key = "rsa-1024";
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  int said = 0;
  for (const auto& note : plan->notes) {
    if (note.find("asks for rsa-1024") == std::string::npos) continue;
    ++said;
    EXPECT_NE(note.find("identities get rsa-2048"), std::string::npos) << note;
  }
  EXPECT_EQ(said, 1) << "one note for the policy, not one per node";

  LabCa as_made;  // rsa-2048 is what the node makes: nothing to say
  auto quiet = make_plan(as_made.site, as_made.live, as_made.registry);
  ASSERT_TRUE(quiet) << quiet.error().describe();
  for (const auto& note : quiet->notes) EXPECT_EQ(note.find("cannot be asked for a key"), std::string::npos) << note;
}

// ---- outside CA: signed certificates picked up from signed_dir ----

TEST(Identity, CsrFileNamesAreFileNamesNeverPaths) {
  Cluster cluster = make_cluster("uccx", Product::uccx, {"uccx1"});
  IdentityPolicy policy;
  policy.unit = "tomcat";
  IdentityNeed need{&cluster, &policy, nullptr, &cluster.nodes[0], {}, {}};
  EXPECT_EQ(csr_file_name(need), "uccx1.lab.example.tomcat.csr");
  for (const char* fqdn : {"../../etc/cron.d/x", "/etc/passwd", "..", "a\x1b[2J b", ""}) {
    cluster.nodes[0].fqdn = fqdn;
    std::string name = csr_file_name(need);
    EXPECT_EQ(name.find('/'), std::string::npos) << name;
    EXPECT_NE(name.front(), '.') << name;
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) ||
                                                                             c == '-' || c == '.' || c == '_'; }))
        << name;
  }
  policy.distribution = "multi-server";
  cluster.nodes[0].fqdn = "uccx1.lab.example";
  EXPECT_EQ(csr_file_name(need), "uccx1.lab.example.tomcat.multi-server.csr");
}

struct OutsideCa : LabCa {
  pki::KeyPair node_key = *pki::KeyPair::generate("rsa-2048");
  OutsideCa() {
    site.cas[0].local_key.reset();
    site.cas[0].signed_dir = "/signed";
  }
  // The CA returned a certificate for uccx1 answering the CSR whose key is `key`.
  Certificate sign_for(const std::string& fqdn, const pki::KeyPair& key, const std::string& file) {
    auto leaf = *pki::issue_certificate({.common_name = fqdn, .dns_names = {fqdn}}, key, &ca.certificate, ca.key);
    site.cas[0].signed_files.push_back(SignedFile{"/signed/" + file, {leaf}});
    return leaf;
  }
  void pending_csr(const std::string& node, const Certificate& answering) {
    live.nodes[node].pending_csrs["tomcat"] = PendingCsr{"-----BEGIN CERTIFICATE REQUEST-----...", {}, answering.public_key_pem()};
  }
};

TEST(Identity, OutsideCaWithNothingSignedYetIsANoteNamingTheCsrFileAndDirectory) {
  OutsideCa t;
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  for (const auto& a : plan->graph.actions()) EXPECT_FALSE(a.changes_identity()) << a.describe();
  ASSERT_EQ(plan->notes.size(), 2u);
  EXPECT_NE(plan->notes[0].find("uccx1.lab.example.tomcat.csr"), std::string::npos) << plan->notes[0];
  EXPECT_NE(plan->notes[0].find("/signed"), std::string::npos);
  EXPECT_NE(plan->notes[0].find("trustctl csr"), std::string::npos);
}

TEST(Identity, OutsideCaCertificateAnsweringThePendingCsrIsInstalledAfterTheChain) {
  OutsideCa t;
  auto leaf = t.sign_for("uccx1.lab.example", t.node_key, "whatever-name.crt");
  t.pending_csr("uccx1", leaf);
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::optional<std::size_t> install, trust;
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind == ActionKind::install_identity) {
      EXPECT_EQ(a.node, "uccx1");
      ASSERT_TRUE(a.certificate);
      EXPECT_EQ(*a.certificate, leaf);
      EXPECT_NE(a.reason.find("whatever-name.crt"), std::string::npos) << a.reason;
      install = k;
    }
    if (a.kind == ActionKind::upload_trust && a.node == "uccx1") trust = k;
  }
  ASSERT_TRUE(install && trust);
  EXPECT_LT(*trust, *install);
  EXPECT_EQ(plan->notes.size(), 1u) << "uccx2 still waits for its certificate";
}

TEST(Identity, OutsideCaCertificateForAnotherKeyOrWithoutAPendingCsrIsNotInstalled) {
  OutsideCa t;
  auto other_key = *pki::KeyPair::generate("rsa-2048");
  auto leaf = t.sign_for("uccx1.lab.example", t.node_key, "uccx1.pem");
  auto stale = *pki::issue_certificate({.common_name = "x", .dns_names = {"x"}}, other_key, &t.ca.certificate, t.ca.key);
  t.pending_csr("uccx1", stale);  // a CSR made since replaced the one the CA signed
  auto plan = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  for (const auto& a : plan->graph.actions()) EXPECT_NE(a.kind, ActionKind::install_identity);
  EXPECT_NE(plan->notes[0].find("public keys differ"), std::string::npos) << plan->notes[0];

  t.live.nodes["uccx1"].pending_csrs.clear();
  auto none = make_plan(t.site, t.live, t.registry);
  ASSERT_TRUE(none);
  EXPECT_NE(none->notes[0].find("no pending tomcat CSR"), std::string::npos) << none->notes[0];
  (void)leaf;
}

}  // namespace
}  // namespace trustctl::plans
