// Verification from observations: what a port presents against the stored identity of its unit, the identity policy,
// the node's name, and the trust stores of the nodes an integration makes trust it.

#include "plans/verify.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

bool mentions(const VerifyRow& row, const std::string& text) {
  for (const auto& problem : row.problems) {
    if (problem.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string all(const VerifyRow& row) {
  std::string out;
  for (const auto& problem : row.problems) out += problem + "\n";
  return out;
}

// uccx (uccx1) with a tomcat policy signed by corp-ca; sm (sm1) integrated with it, so sm1 must trust uccx1.
struct VerifyScenario {
  testing::TestCa ca = testing::make_root("Corp CA");
  pki::KeyPair rsa = *pki::KeyPair::generate("rsa-2048");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  VerifyScenario() {
    CaEntry entry;
    entry.name = "corp-ca";
    entry.certificates = {ca.certificate};
    site.cas.push_back(entry);
    site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1"}));
    site.clusters[0].version = "11.5";
    IdentityPolicy tomcat;
    tomcat.unit = "tomcat";
    tomcat.issuer = "corp-ca";
    site.clusters[0].identities.push_back(tomcat);
    site.clusters.push_back(testing::make_cluster("sm", Product::socialminer, {"sm1"}));
    site.integrations.push_back(Integration{.from = "uccx", .to = "sm"});
    live.nodes["uccx1"].node = "uccx1";
    live.nodes["sm1"].node = "sm1";
  }

  Certificate rsa_leaf(const std::vector<std::string>& names) {
    return *pki::issue_certificate({.common_name = names.front(), .dns_names = names}, rsa, &ca.certificate, ca.key);
  }

  VerifyRow observe(const std::vector<Certificate>& chain, std::string error = "",
                    ServicePort port = {8443, "Cisco Tomcat", "platform (Tomcat)"}) {
    EndpointObservation o{.node = "uccx1", .port = std::move(port), .chain = chain, .error = std::move(error)};
    auto rows = evaluate_verification(site, live, {o}, registry);
    if (rows.size() != 1) throw std::runtime_error("one row expected");
    return rows.front();
  }
};

TEST(Verify, TheStoredCaSignedIdentityTrustedByItsPeerPasses) {
  VerifyScenario t;
  auto leaf = t.rsa_leaf({"uccx1.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {leaf};
  t.live.nodes["sm1"].stores["tomcat-trust"].push_back({"Corp_CA.pem", t.ca.certificate});
  auto row = t.observe({leaf});
  EXPECT_TRUE(row.ok()) << all(row);
  EXPECT_EQ(row.presented, leaf.fingerprint().substr(0, 16));
  ASSERT_EQ(row.trusted_by.size(), 1u);
  EXPECT_EQ(row.trusted_by[0].truster, "sm1");
  EXPECT_TRUE(row.trusted_by[0].ok);
}

TEST(Verify, AnOlderIdentityThanTheNodeStoresIsAMissedRestart) {
  VerifyScenario t;
  auto old_leaf = t.rsa_leaf({"uccx1.lab.example"});
  auto new_leaf = t.rsa_leaf({"uccx1.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {new_leaf};
  t.live.nodes["sm1"].stores["tomcat-trust"].push_back({"Corp_CA.pem", t.ca.certificate});
  auto row = t.observe({old_leaf});
  EXPECT_TRUE(mentions(row, "as its tomcat identity: Cisco Tomcat has not been restarted")) << all(row);
}

// Socket.IO presents the EC identity (docs/appliances.md section 10): it is judged as tomcat-ECDSA, never as a stale
// RSA identity, and the tomcat policy (corp-ca, RSA) does not apply to it. Tomcat (8443) presents the RSA one.
TEST(Verify, EachPortIsComparedWithTheIdentityTheEcdsaTableSaysItPresents) {
  VerifyScenario t;
  const ServicePort socket_io{12015, "Cisco Unified CCX Socket.IO Service", "Live Data (Socket.IO)", true};
  auto rsa_leaf = t.rsa_leaf({"uccx1.lab.example"});
  auto ec_leaf = testing::make_leaf("uccx1.lab.example", t.ca);
  t.live.nodes["uccx1"].identities["tomcat"] = {rsa_leaf};
  t.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {ec_leaf};
  t.live.nodes["sm1"].stores["tomcat-trust"].push_back({"Corp_CA.pem", t.ca.certificate});
  auto row = t.observe({ec_leaf}, "", socket_io);
  EXPECT_TRUE(row.ok()) << all(row);
  EXPECT_TRUE(t.observe({rsa_leaf}).ok());

  row = t.observe({rsa_leaf}, "", socket_io);
  EXPECT_TRUE(mentions(row, "as its tomcat-ECDSA identity")) << "Socket.IO must present the EC identity: " << all(row);
  row = t.observe({ec_leaf});
  EXPECT_TRUE(mentions(row, "as its tomcat identity")) << "Tomcat presents the RSA identity: " << all(row);

  auto newer_ec = testing::make_leaf("uccx1.lab.example", t.ca);
  t.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {newer_ec};
  row = t.observe({ec_leaf}, "", socket_io);
  EXPECT_TRUE(mentions(row, "as its tomcat-ECDSA identity")) << all(row);
}

TEST(Verify, AnIdentityTheWrongIssuerSignedOrWithoutTheNodesNameIsReported) {
  VerifyScenario t;
  auto other = testing::make_root("Other CA");
  auto foreign = *pki::issue_certificate({.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}},
                                         t.rsa, &other.certificate, other.key);
  t.live.nodes["uccx1"].identities["tomcat"] = {foreign};
  auto row = t.observe({foreign});
  EXPECT_TRUE(mentions(row, "not issued by corp-ca")) << all(row);

  auto misnamed = t.rsa_leaf({"uccx.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {misnamed};
  row = t.observe({misnamed});
  EXPECT_TRUE(mentions(row, "SAN lacks uccx1.lab.example (TC002")) << all(row);
}

// A deployed certificate that breaks a call (a critical EKU on the callee, an expired one) fails the relation even
// though the caller's store holds the chain: verify says so with the fix the lint of what is deployed gives.
TEST(Verify, ACallADeployedCertificateBreaksFailsWithItsFix) {
  VerifyScenario t;
  auto leaf = t.rsa_leaf({"uccx1.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {leaf};
  t.live.nodes["sm1"].stores["tomcat-trust"].push_back({"Corp_CA.pem", t.ca.certificate});
  EndpointObservation o{.node = "uccx1", .port = {8443, "Cisco Tomcat", "platform (Tomcat)"}, .chain = {leaf}};
  auto rows = evaluate_verification(t.site, t.live, {o}, t.registry, {},
                                    {{"sm", "uccx1", "TC006 it expired; fix: renew it"}, {"sm", "uccx2", "other"}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0].ok());
  ASSERT_EQ(rows[0].trusted_by.size(), 1u);
  EXPECT_FALSE(rows[0].trusted_by[0].ok);
  EXPECT_TRUE(mentions(rows[0], "sm1 cannot call uccx1:8443: TC006 it expired; fix: renew it")) << all(rows[0]);
  EXPECT_FALSE(mentions(rows[0], "other"));
}

TEST(Verify, APeerWhoseStoreLacksTheChainIsNamedWithTheIntegration) {
  VerifyScenario t;
  auto leaf = t.rsa_leaf({"uccx1.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {leaf};
  auto row = t.observe({leaf, t.ca.certificate});
  ASSERT_EQ(row.trusted_by.size(), 1u);
  EXPECT_FALSE(row.trusted_by[0].ok);
  EXPECT_TRUE(mentions(row, "sm1 does not trust what uccx1:8443 presents")) << all(row);
  EXPECT_TRUE(mentions(row, "the integration uccx -> sm needs its chain")) << all(row);
}

TEST(Verify, APortThatDidNotAnswerNamesTheServiceToCheck) {
  VerifyScenario t;
  auto row = t.observe({}, "connection refused");
  EXPECT_TRUE(mentions(row, "uccx1:8443 did not complete a TLS handshake (connection refused)")) << all(row);
  EXPECT_TRUE(mentions(row, "check that Cisco Tomcat is started")) << all(row);
}

TEST(Verify, AStoreAcceptsAChainThroughAnyTrustedIssuerButNotAStranger) {
  auto root = testing::make_root("Root");
  auto issuing = testing::make_intermediate("Issuing", root);
  auto leaf = testing::make_leaf("a.lab.example", issuing);
  std::vector<StoreEntry> root_only = {{"Root.pem", root.certificate}};
  EXPECT_TRUE(store_accepts(root_only, {leaf, issuing.certificate}));
  EXPECT_FALSE(store_accepts(root_only, {leaf})) << "the intermediate is neither presented nor stored";
  std::vector<StoreEntry> leaf_only = {{"a.pem", leaf}};
  EXPECT_TRUE(store_accepts(leaf_only, {leaf}));
  EXPECT_FALSE(store_accepts({}, {leaf, issuing.certificate}));
  EXPECT_FALSE(store_accepts(root_only, {}));
}

// A restart the journal owes (the appliance committed a change, the restart never ran) fails the service whatever
// its port presents, fails every relation whose caller owes one, and shows a service without a port on a row of
// its own: a lost restart can never pass verify silently.
TEST(Verify, RestartsTheJournalOwesFailTheirServicesAndTheCallersTrust) {
  VerifyScenario t;
  auto leaf = t.rsa_leaf({"uccx1.lab.example"});
  t.live.nodes["uccx1"].identities["tomcat"] = {leaf};
  t.live.nodes["sm1"].stores["tomcat-trust"].push_back({"Corp_CA.pem", t.ca.certificate});
  std::vector<PendingRestart> owed = {{"uccx1", "Cisco Tomcat", "uccx1:upload-trust:tomcat-trust:0123"},
                                      {"uccx1", "Cisco Unified CCX Engine", "uccx1:upload-trust:tomcat-trust:0123"},
                                      {"sm1", "Cisco Tomcat", "sm1:upload-trust:tomcat-trust:4567"}};
  EndpointObservation o{.node = "uccx1", .port = {8443, "Cisco Tomcat", "platform (Tomcat)"}, .chain = {leaf}};
  auto rows = evaluate_verification(t.site, t.live, {o}, t.registry, owed);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(mentions(rows[0], "Cisco Tomcat on uccx1 has not been restarted since")) << all(rows[0]);
  EXPECT_TRUE(mentions(rows[0], "sm1 holds the chain")) << all(rows[0]);
  ASSERT_EQ(rows[0].trusted_by.size(), 1u);
  EXPECT_FALSE(rows[0].trusted_by[0].ok) << "sm1's services have not loaded what its store holds";
  EXPECT_EQ(rows[1].port.service, "Cisco Unified CCX Engine");
  EXPECT_EQ(rows[1].port.port, 0);
  EXPECT_FALSE(rows[1].ok());
  EXPECT_EQ(rows[2].node, "sm1");
  EXPECT_FALSE(rows[2].ok());
}

// One apply cannot run (a node gone from the site, a service the product does not have) still fails verify, but says
// how to settle it instead of "run trustctl apply", which would not run it.
TEST(Verify, AnOwedRestartTheSiteCannotRunSaysHowToSettleIt) {
  VerifyScenario t;
  std::vector<PendingRestart> owed = {{"uccx9", "Cisco Tomcat", "uccx9:upload-trust:tomcat-trust:0123"},
                                      {"uccx1", "Cisco Retired Service", "uccx1:upload-trust:tomcat-trust:0123"}};
  auto rows = evaluate_verification(t.site, t.live, {}, t.registry, owed);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(mentions(rows[0], "the site has no node uccx9, so trustctl will not restart it")) << all(rows[0]);
  EXPECT_TRUE(mentions(rows[0], "--forget-owed uccx9 --service 'Cisco Tomcat'")) << all(rows[0]);
  EXPECT_TRUE(mentions(rows[1], "uccx has no service of that name")) << all(rows[1]);
  EXPECT_FALSE(mentions(rows[1], "run trustctl apply")) << all(rows[1]);
}

}  // namespace
}  // namespace trustctl::plans
