// lint SITE: every certificate the site references, against the products of the clusters it is bound for.

#include "providers/pki/lint/site_lint.hpp"

#include "lint_test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint::testing {
namespace {

using trustctl::testing::make_cluster;
using trustctl::testing::trust_cluster;

CaEntry ca_entry(const std::string& name, const Certificate& certificate) {
  CaEntry ca;
  ca.name = name;
  ca.certificates = {certificate};
  return ca;
}

std::vector<Finding> with_rule(const std::vector<Finding>& findings, const std::string& rule) {
  return of_rule(findings, rule);
}

TEST(LintSite, AWellFormedSiteHasNoFindings) {
  auto root = root_ca("Corp Root CA");
  auto issuing = intermediate_ca("Corp Issuing CA", root);
  Site site;
  site.cas = {ca_entry("corp-root", root.certificate), ca_entry("corp-issuing", issuing.certificate)};
  site.clusters = {make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"})};
  site.trust = {trust_cluster("uccx", {root.certificate, issuing.certificate})};
  auto findings = lint_site_references(site);
  EXPECT_TRUE(findings.empty()) << headline(findings.front());
}

TEST(LintSite, TrustCertificatesAreLintedForTheProductOfTheirCluster) {
  // A CA with critical name constraints: TC003 for what UCCX trusts, nothing for Finesse.
  auto policy_root = root_ca("Policy Root", "ec-256",
                             {.days = 3650, .extra_extensions = {{"nameConstraints", "critical,permitted;DNS:.lab.example"}}});
  Site site;
  site.clusters = {make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}),
                   make_cluster("finesse", Product::finesse, {"fin1", "fin2"})};
  site.trust = {trust_cluster("uccx", {policy_root.certificate}), trust_cluster("finesse", {policy_root.certificate})};
  auto found = with_rule(lint_site_references(site), "TC003");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, label(policy_root.certificate) + " in uccx tomcat-trust");
}

TEST(LintSite, AnIntermediateWithoutItsRootInTheClusterStoreIsAnIncompleteChain) {
  auto root = root_ca("Corp Root CA");
  auto issuing = intermediate_ca("Corp Issuing CA", root);
  Site site;
  site.cas = {ca_entry("corp-root", root.certificate), ca_entry("corp-issuing", issuing.certificate)};
  site.clusters = {make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"})};
  site.trust = {trust_cluster("uccx", {issuing.certificate})};
  auto found = with_rule(lint_site_references(site), "TC007");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("CN=Corp Root CA"), std::string::npos) << found[0].message;
}

TEST(LintSite, AnIssuingCaGoesToTheTrustStoreWithTheIssuersTheSiteHolds) {
  auto root = root_ca("Corp Root CA");
  auto issuing = intermediate_ca("Corp Issuing CA", root, "rsa-3072");
  Site site;
  site.cas = {ca_entry("corp-root", root.certificate), ca_entry("corp-issuing", issuing.certificate)};
  auto ecdsa = make_cluster("sm", Product::socialminer, {"sm1"});
  ecdsa.identities.push_back(IdentityPolicy{.unit = "tomcat", .issuer = "corp-issuing"});
  site.clusters = {ecdsa};
  EXPECT_TRUE(lint_site_references(site).empty()) << "the root is found by signature and bound with it";

  site.cas.erase(site.cas.begin());  // without its root the chain cannot be completed
  auto found = with_rule(lint_site_references(site), "TC007");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, label(issuing.certificate) + " in sm tomcat-trust");
}

TEST(LintSite, ACaBoundToNoClusterIsStillCheckedForExpiry) {
  auto stale = root_ca("Stale Root", "ec-256", {.days = 365, .not_before_offset_days = -400});
  Site site;
  site.cas = {ca_entry("stale", stale.certificate)};
  site.clusters = {make_cluster("uccx", Product::uccx, {"uccx1"})};
  auto found = with_rule(lint_site_references(site), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_EQ(found[0].subject, label(stale.certificate) + " (ca stale, bound to no cluster)");
}

TEST(LintSite, ContextForCarriesTheFactsTheSiteKnows) {
  Site site;
  auto uccx = make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"});
  uccx.version = "12.5";
  uccx.identities.push_back(
      IdentityPolicy{.unit = "tomcat", .issuer = "lab-ca", .distribution = "multi-server", .renew_before_days = 45});
  site.clusters = {uccx};
  const Cluster& cluster = site.clusters.front();
  auto context = context_for(site, cluster, &cluster.nodes[1], "tomcat");
  EXPECT_EQ(context.product, Product::uccx);
  EXPECT_EQ(context.fqdn, "uccx2.lab.example");
  EXPECT_EQ(context.cluster_fqdns, (std::vector<std::string>{"uccx1.lab.example", "uccx2.lab.example"}));
  EXPECT_EQ(context.version, "12.5");
  EXPECT_EQ(context.renew_before_days, 45);
  EXPECT_TRUE(context.multi_server);
  EXPECT_FALSE(context.trust_store) << "the caller adds what it observed";

  auto trust = context_for(site, cluster, nullptr, "tomcat-trust");
  EXPECT_FALSE(trust.identity());
  EXPECT_FALSE(trust.renew_before_days);

  // lint_for_destination: the same facts, straight to findings.
  auto wrong_host = leaf("other.lab.example", nullptr);
  auto found = of_rule(lint_for_destination(wrong_host, site, cluster, &cluster.nodes[0], "tomcat"), "TC002");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("uccx1.lab.example"), std::string::npos);
}


// An outside CA's answer for a tomcat-ECDSA identity that an RSA key signed is TC005 before anything is written.
TEST(LintSite, AnRsaSignedTomcatEcdsaInAnOutsideCasSignedDirIsTc005) {
  auto ec_ca = root_ca("Corp EC CA", "ec-256");
  auto rsa_ca = root_ca("Corp RSA CA", "rsa-2048");
  Site site;
  CaEntry outside = ca_entry("corp-ec", ec_ca.certificate);
  outside.signed_dir = "signed";
  outside.signed_files = {SignedFile{"signed/sm1.pem", {leaf("sm1.lab.example", &rsa_ca, "ec-256")}},
                          SignedFile{"signed/sm1-ok.pem", {leaf("sm1.lab.example", &ec_ca, "ec-256")}}};
  site.cas = {outside};
  site.clusters = {make_cluster("sm", Product::socialminer, {"sm1"})};
  IdentityPolicy policy;
  policy.unit = "tomcat-ECDSA";
  policy.issuer = "corp-ec";
  site.clusters[0].identities.push_back(policy);
  auto found = with_rule(lint_site_references(site), "TC005");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_NE(found[0].subject.find("(sm1.pem in corp-ec's signed_dir, for sm1 tomcat-ECDSA)"), std::string::npos)
      << found[0].subject;
}

}  // namespace
}  // namespace trustctl::pki::lint::testing
