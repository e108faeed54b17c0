// TC001..TC014, each with certificates made here by OpenSSL: one that passes and one that fails, per rule.

#include "lint_test_pki.hpp"

#include "providers/pki/lint/rules.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint::testing {
namespace {

using std::chrono::hours;

bool mentions(const std::vector<Finding>& findings, const std::string& part) {
  for (const auto& f : findings) {
    if (f.message.find(part) != std::string::npos) return true;
  }
  return false;
}

// ---- TC001 key sizes -------------------------------------------------------------------------------------------

TEST(LintRules, Tc001UccxIdentityAcceptsOnly1024Or2048BitRsa) {
  auto ok = leaf("uccx1.lab.example", nullptr, "rsa-2048");
  EXPECT_TRUE(of_rule(lint_certificate(ok, identity_context(Product::uccx)), "TC001").empty());

  auto big = leaf("uccx1.lab.example", nullptr, "rsa-4096");
  auto found = of_rule(lint_certificate(big, identity_context(Product::uccx)), "TC001");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_TRUE(mentions(found, "4096-bit RSA key; UCCX accepts only 1024- or 2048-bit")) << found[0].message;
  EXPECT_NE(found[0].fix.find("rsa-2048"), std::string::npos) << found[0].fix;
}

TEST(LintRules, Tc001OtherProductsAccept4096ButNoProductAcceptsMore) {
  auto k4096 = leaf("fin1.lab.example", nullptr, "rsa-4096");
  EXPECT_TRUE(of_rule(lint_certificate(k4096, identity_context(Product::finesse)), "TC001").empty());
  // A 4096-bit root in UCCX tomcat-trust is fine: the 1024/2048 limit is the identity's.
  EXPECT_TRUE(of_rule(lint_certificate(k4096, trust_context(Product::uccx)), "TC001").empty());

  auto k4104 = leaf("fin1.lab.example", nullptr, "rsa-4104");
  auto found = of_rule(lint_certificate(k4104, trust_context(Product::finesse)), "TC001");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "4104-bit RSA key; VOS appliances accept RSA keys of at most 4096 bits"));
}

TEST(LintRules, Tc001TomcatEcdsaTakesOnlyP256P384P521Keys) {
  auto p256 = leaf("uccx1.lab.example", nullptr, "ec-256");
  EXPECT_TRUE(of_rule(lint_certificate(p256, identity_context(Product::cuic, "tomcat-ECDSA")), "TC001").empty());

  auto p224 = leaf("uccx1.lab.example", nullptr, "ec-224");
  auto found = of_rule(lint_certificate(p224, identity_context(Product::cuic, "tomcat-ECDSA")), "TC001");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "224-bit EC key")) << found[0].message;

  auto rsa = leaf("uccx1.lab.example", nullptr, "rsa-2048");
  found = of_rule(lint_certificate(rsa, identity_context(Product::cuic, "tomcat-ECDSA")), "TC001");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "has a key of type RSA, but the tomcat-ECDSA unit holds EC keys")) << found[0].message;
}

// ---- TC002 SAN names the node ----------------------------------------------------------------------------------

TEST(LintRules, Tc002IdentityMustNameTheNodeFqdnInItsSan) {
  auto context = identity_context(Product::uccx);
  context.fqdn = "uccx1.lab.example";
  auto named = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.dns_names = {"UCCX1.Lab.Example"}});
  EXPECT_TRUE(of_rule(lint_certificate(named, context), "TC002").empty()) << "DNS names compare without case";

  auto cn_only = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.dns_names = {"other.lab.example"}});
  auto found = of_rule(lint_certificate(cn_only, context), "TC002");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_TRUE(mentions(found, "does not name uccx1.lab.example")) << found[0].message;
  EXPECT_TRUE(mentions(found, "NET::ERR_CERT_COMMON_NAME_INVALID"));

  context.fqdn.clear();
  EXPECT_TRUE(of_rule(lint_certificate(cn_only, context), "TC002").empty()) << "no FQDN known: nothing to compare";
}

// ---- TC003 critical extensions ---------------------------------------------------------------------------------

TEST(LintRules, Tc003CucmIdentityWithACriticalExtendedKeyUsageBreaksUccx) {
  auto ca = root_ca("Corp Root CA");
  auto critical_eku = leaf("cucm1.lab.example", &ca, "rsa-2048",
                           {.server_auth = false,
                            .extra_extensions = {{"extendedKeyUsage", "critical,serverAuth,clientAuth"}}});
  auto found = of_rule(lint_certificate(critical_eku, identity_context(Product::cucm)), "TC003");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "Extended Key Usage")) << found[0].message;
  EXPECT_TRUE(mentions(found, "Invalid user ID/password"));

  // The CA's own critical Basic Constraints and Key Usage are allowed.
  auto plain = leaf("cucm1.lab.example", &ca);
  EXPECT_TRUE(of_rule(lint_certificate(plain, identity_context(Product::cucm)), "TC003").empty());
  EXPECT_TRUE(of_rule(lint_certificate(ca.certificate, trust_context(Product::uccx)), "TC003").empty());
}

TEST(LintRules, Tc003AppliesToWhatUccxTrustsNotToOtherProductsIdentities) {
  auto policy_root = root_ca("Policy Root", "ec-256",
                             {.days = 3650, .extra_extensions = {{"nameConstraints", "critical,permitted;DNS:.lab.example"}}});
  EXPECT_EQ(of_rule(lint_certificate(policy_root.certificate, trust_context(Product::uccx)), "TC003").size(), 1u);
  EXPECT_TRUE(of_rule(lint_certificate(policy_root.certificate, identity_context(Product::finesse)), "TC003").empty());
}

// ---- TC004 signatures Java rejects -----------------------------------------------------------------------------

TEST(LintRules, Tc004RsassaPssAnywhereInTheChainFailsFinesse) {
  auto pss_root = root_ca("PSS Root", "rsa-3072", {.days = 3650, .rsa_pss = true});
  auto good_leaf = leaf("gadget.partner.example", &pss_root, "rsa-2048");  // PKCS#1 v1.5 under a PSS root
  auto context = identity_context(Product::finesse);
  context.chain = {pss_root.certificate};
  auto found = of_rule(lint_certificate(good_leaf, context), "TC004");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, label(pss_root.certificate)) << "the finding names the offending certificate";
  EXPECT_TRUE(mentions(found, "RSASSA-PSS")) << found[0].message;

  auto pss_leaf = leaf("gadget.partner.example", &pss_root, "rsa-2048", {.rsa_pss = true});
  found = of_rule(lint_certificate(pss_leaf, context), "TC004");
  EXPECT_EQ(found.size(), 2u) << "the leaf and the root";

  // In Finesse's trust store, the PSS root alone is a finding.
  EXPECT_EQ(of_rule(lint_certificate(pss_root.certificate, trust_context(Product::finesse)), "TC004").size(), 1u);
}

TEST(LintRules, Tc004Pkcs1AndEcdsaChainsPass) {
  auto rsa_root = root_ca("RSA Root", "rsa-3072");
  auto ec_root = root_ca("EC Root", "ec-256");
  auto context = identity_context(Product::uccx);
  context.chain = {rsa_root.certificate};
  EXPECT_TRUE(of_rule(lint_certificate(leaf("uccx1.lab.example", &rsa_root), context), "TC004").empty());
  context.chain = {ec_root.certificate};
  EXPECT_TRUE(of_rule(lint_certificate(leaf("uccx1.lab.example", &ec_root), context), "TC004").empty());
}

// ---- TC005 tomcat-ECDSA signed by RSA --------------------------------------------------------------------------

TEST(LintRules, Tc005EcdsaIdentitySignedByAnRsaCaBreaksSocialMiner) {
  auto rsa_ca = root_ca("RSA Issuing", "rsa-3072");
  auto ec_ca = root_ca("EC Issuing", "ec-384");
  auto context = identity_context(Product::socialminer, "tomcat-ECDSA");

  auto found = of_rule(lint_certificate(leaf("sm1.lab.example", &rsa_ca, "ec-256"), context), "TC005");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "CSCvb58580"));
  EXPECT_TRUE(mentions(found, "sha256WithRSAEncryption")) << found[0].message;

  EXPECT_TRUE(of_rule(lint_certificate(leaf("sm1.lab.example", &ec_ca, "ec-256"), context), "TC005").empty());
  EXPECT_TRUE(of_rule(lint_certificate(leaf("sm1.lab.example", nullptr, "ec-256"), context), "TC005").empty());
}

// ---- TC006 expiry ----------------------------------------------------------------------------------------------

TEST(LintRules, Tc006ExpiredIsAnErrorAndInsideTheRenewalWindowAWarning) {
  auto context = identity_context(Product::uccx);
  auto expired = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.days = 365, .not_before_offset_days = -400});
  auto found = of_rule(lint_certificate(expired, context), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::error);
  EXPECT_TRUE(mentions(found, "expired on"));

  // 365 days of life, 65 left: inside the last third (121 days).
  auto due = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.days = 365, .not_before_offset_days = -300});
  found = of_rule(lint_certificate(due, context), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::warning);
  EXPECT_TRUE(mentions(found, "renewal window of 121 days")) << found[0].message;

  auto fresh = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.days = 365, .not_before_offset_days = -10});
  EXPECT_TRUE(of_rule(lint_certificate(fresh, context), "TC006").empty());

  context.renew_before_days = 30;  // the identity policy's own window
  EXPECT_TRUE(of_rule(lint_certificate(due, context), "TC006").empty());
}

TEST(LintRules, Tc006TrustEntriesWarnOnlyInTheLastThirtyDays) {
  auto long_lived = root_ca("Old Root", "ec-256", {.days = 3650, .not_before_offset_days = -3600});  // 50 days left
  EXPECT_TRUE(of_rule(lint_certificate(long_lived.certificate, trust_context(Product::uccx)), "TC006").empty());
  auto ending = root_ca("Ending Root", "ec-256", {.days = 3650, .not_before_offset_days = -3640});  // 10 days left
  auto found = of_rule(lint_certificate(ending.certificate, trust_context(Product::uccx)), "TC006");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::warning);
}

// A CA with RFC 5280's "no expiry" date (99991231235959Z) is neither expired nor due (it once read as "expired on
// 1816", an error that blocked apply).
TEST(LintRules, Tc006ADateInTheYear9999IsNotExpired) {
  auto forever = root_ca("Forever Root", "ec-256", {.not_after = "99991231235959Z"});
  EXPECT_TRUE(of_rule(lint_certificate(forever.certificate, trust_context(Product::uccx)), "TC006").empty());
  auto identity = leaf("uccx1.lab.example", nullptr, "rsa-2048", {.not_after = "99991231235959Z"});
  auto found = of_rule(lint_certificate(identity, identity_context(Product::uccx)), "TC006");
  EXPECT_TRUE(found.empty()) << found.front().message;
}

// ---- TC007 incomplete chain ------------------------------------------------------------------------------------

TEST(LintRules, Tc007IssuersMustAllBeInTheTargetTrustStore) {
  auto root = root_ca("Corp Root CA");
  auto issuing = intermediate_ca("Corp Issuing CA", root);
  auto identity = leaf("uccx1.lab.example", &issuing);

  auto context = identity_context(Product::uccx);
  context.trust_store = std::vector<Certificate>{root.certificate, issuing.certificate};
  EXPECT_TRUE(of_rule(lint_certificate(identity, context), "TC007").empty());

  context.trust_store = std::vector<Certificate>{root.certificate};
  auto found = of_rule(lint_certificate(identity, context), "TC007");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "issuer \"CN=Corp Issuing CA\"")) << found[0].message;
  EXPECT_TRUE(mentions(found, "CA Certificate is not available in the trust-store"));

  // A third-party intermediate in tomcat-trust without its root.
  auto trust = trust_context(Product::uccx, {issuing.certificate});
  found = of_rule(lint_certificate(issuing.certificate, trust), "TC007");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "CN=Corp Root CA"));

  context.trust_store.reset();
  EXPECT_TRUE(of_rule(lint_certificate(identity, context), "TC007").empty()) << "store unknown: nothing to say";
}

// ---- TC008 multi-server SAN ------------------------------------------------------------------------------------

TEST(LintRules, Tc008UccxMultiServerSanNamesOnlyThePublisherAndSubscriber) {
  auto ca = root_ca("Corp Root CA");
  auto context = identity_context(Product::uccx);
  context.cluster_fqdns = {"uccx1.lab.example", "uccx2.lab.example"};

  auto exact = leaf("uccx1-ms.lab.example", &ca, "rsa-2048",
                    {.dns_names = {"uccx1.lab.example", "uccx2.lab.example"}});
  EXPECT_TRUE(of_rule(lint_certificate(exact, context), "TC008").empty());

  auto extra = leaf("uccx1-ms.lab.example", &ca, "rsa-2048",
                    {.dns_names = {"uccx1.lab.example", "uccx2.lab.example", "lab.example"}});
  auto found = of_rule(lint_certificate(extra, context), "TC008");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "also names lab.example")) << found[0].message;

  // A single-node identity with the default Parent Domain names is not a multi-server certificate.
  auto single = leaf("uccx1.lab.example", &ca, "rsa-2048", {.dns_names = {"uccx1.lab.example", "lab.example"}});
  EXPECT_TRUE(of_rule(lint_certificate(single, context), "TC008").empty());
  context.multi_server = true;  // ...unless the policy says it is the cluster's multi-server certificate
  EXPECT_EQ(of_rule(lint_certificate(single, context), "TC008").size(), 1u);
}

// ---- TC009 CSR SAN set -----------------------------------------------------------------------------------------

TEST(LintRules, Tc009CaThatAddedNamesIsCaughtBeforeTheApplianceRefusesIt) {
  auto ca = root_ca("Corp Root CA");
  const KeyPair& node_key = key("rsa-2048");
  auto csr = inspect_csr(make_csr_pem("uccx1.lab.example", {"uccx1.lab.example"}, node_key));
  ASSERT_TRUE(csr) << csr.error().message;
  auto context = identity_context(Product::uccx);
  context.csr = *csr;

  auto as_asked = leaf("uccx1.lab.example", &ca, "rsa-2048", {.dns_names = {"UCCX1.lab.example"}});
  EXPECT_TRUE(of_rule(lint_certificate(as_asked, context), "TC009").empty());

  auto added = leaf("uccx1.lab.example", &ca, "rsa-2048", {.dns_names = {"uccx1.lab.example", "www.uccx1.lab.example"}});
  auto found = of_rule(lint_certificate(added, context), "TC009");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "added: www.uccx1.lab.example; missing: none")) << found[0].message;
  EXPECT_TRUE(mentions(found, "CSR SAN and Certificate SAN does not match"));
  EXPECT_EQ(found[0].fix, "generate the CSR with an empty Parent Domain, or use a CA that copies the SANs as requested");
}

TEST(LintRules, Tc009ACertificateForAnotherKeyIsCaughtToo) {
  auto ca = root_ca("Corp Root CA");
  auto csr = inspect_csr(make_csr_pem("uccx1.lab.example", {"uccx1.lab.example"}, key("rsa-1024")));
  ASSERT_TRUE(csr);
  auto context = identity_context(Product::uccx);
  context.csr = *csr;
  auto found = of_rule(lint_certificate(leaf("uccx1.lab.example", &ca, "rsa-2048"), context), "TC009");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "CSR public key and Certificate public key do not match"));
}

// ---- TC010 DHE negotiated --------------------------------------------------------------------------------------

TEST(LintRules, Tc010ExternalHostThatChoosesDheIsFlagged) {
  auto host_cert = leaf("gadget.partner.example", nullptr);
  transport::ProbeResult probe{.host = "gadget.partner.example",
                               .port = 443,
                               .protocol = "TLSv1.2",
                               .cipher = "DHE-RSA-AES256-SHA",
                               .cipher_standard = "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
                               .key_exchange = "DHE",
                               .ephemeral_key_bits = 1024,
                               .chain = {host_cert}};
  auto context = identity_context(Product::external);
  context.probe = probe;
  auto found = of_rule(lint_certificate(host_cert, context), "TC010");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].subject, "gadget.partner.example:443");
  EXPECT_TRUE(mentions(found, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA, 1024-bit DH")) << found[0].message;

  context.probe->cipher = "ECDHE-RSA-AES256-GCM-SHA384";
  context.probe->key_exchange = "ECDHE";
  EXPECT_TRUE(of_rule(lint_certificate(host_cert, context), "TC010").empty());
}

// ---- TC011 wildcard / not PEM ----------------------------------------------------------------------------------

TEST(LintRules, Tc011WildcardCertificatesAreRefused) {
  auto ca = root_ca("Corp Root CA");
  auto wild_san = leaf("uccx1.lab.example", &ca, "rsa-2048", {.dns_names = {"*.lab.example"}});
  auto found = of_rule(lint_certificate(wild_san, identity_context(Product::uccx)), "TC011");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(mentions(found, "wildcard certificate (*.lab.example)")) << found[0].message;

  auto wild_cn = leaf("*.lab.example", &ca, "rsa-2048", {.dns_names = {"uccx1.lab.example"}});
  EXPECT_EQ(of_rule(lint_certificate(wild_cn, trust_context(Product::finesse)), "TC011").size(), 1u);

  EXPECT_TRUE(of_rule(lint_certificate(leaf("uccx1.lab.example", &ca), identity_context(Product::uccx)), "TC011")
                  .empty());
}

TEST(LintRules, Tc011AFileWithoutACertificateIsAFindingNamingTheFile) {
  auto finding = unreadable_certificate_file("/tmp/bundle.p7b", "no certificate found");
  EXPECT_EQ(finding.rule, "TC011");
  EXPECT_EQ(finding.severity, Severity::error);
  EXPECT_EQ(finding.subject, "/tmp/bundle.p7b");
  EXPECT_EQ(finding.message, "/tmp/bundle.p7b is neither a PEM nor a DER certificate: no certificate found");
  EXPECT_NE(finding.fix.find("openssl pkcs7 -print_certs"), std::string::npos);
}

// ---- TC012 weak digests ----------------------------------------------------------------------------------------

TEST(LintRules, Tc012Sha1AndMd5SignaturesWarn) {
  auto ca = root_ca("RSA Root", "rsa-3072");
  auto sha1 = leaf("uccx1.lab.example", &ca, "rsa-2048", {.digest = "sha1"});
  auto found = of_rule(lint_certificate(sha1, identity_context(Product::uccx)), "TC012");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::warning);
  EXPECT_TRUE(mentions(found, "sha1WithRSAEncryption")) << found[0].message;

  auto md5 = leaf("uccx1.lab.example", &ca, "rsa-2048", {.digest = "md5"});
  EXPECT_TRUE(mentions(of_rule(lint_certificate(md5, identity_context(Product::uccx)), "TC012"), "md5WithRSA"));

  EXPECT_TRUE(of_rule(lint_certificate(leaf("uccx1.lab.example", &ca), identity_context(Product::uccx)), "TC012")
                  .empty());
  // Nobody checks a root's own signature: a SHA-1 root is no weakness.
  auto sha1_root = root_ca("Old SHA1 Root", "rsa-3072", {.days = 3650, .digest = "sha1"});
  EXPECT_TRUE(of_rule(lint_certificate(sha1_root.certificate, trust_context(Product::uccx)), "TC012").empty());
}

// ---- TC013 ECDSA on UCCX 11.6+ ---------------------------------------------------------------------------------

TEST(LintRules, Tc013EcdsaIdentityOnUccx116AndLaterWarns) {
  auto ec = leaf("uccx1.lab.example", nullptr, "ec-256");
  auto context = identity_context(Product::uccx, "tomcat-ECDSA");
  context.version = "12.5(1)";
  auto found = of_rule(lint_certificate(ec, context), "TC013");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::warning);
  EXPECT_TRUE(mentions(found, "UCCX 12.5(1)"));

  context.version = "11.5";
  EXPECT_TRUE(of_rule(lint_certificate(ec, context), "TC013").empty());
  context.version = "12.5";
  context.product = Product::finesse;
  EXPECT_TRUE(of_rule(lint_certificate(ec, context), "TC013").empty());
}

TEST(LintRules, VersionComparisonReadsMajorAndMinor) {
  EXPECT_TRUE(version_at_least("11.6", 11, 6));
  EXPECT_TRUE(version_at_least("12.0(1)", 11, 6));
  EXPECT_FALSE(version_at_least("11.5.1", 11, 6));
  EXPECT_FALSE(version_at_least("10", 11, 6));
  EXPECT_TRUE(version_at_least("", 11, 6));
}

// ---- TC014 self-signed identities ------------------------------------------------------------------------------

TEST(LintRules, Tc014SelfSignedIdentityIsInfoForTheClientBundle) {
  auto self = leaf("uccx1.lab.example", nullptr);
  auto found = of_rule(lint_certificate(self, identity_context(Product::uccx)), "TC014");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].severity, Severity::info);
  EXPECT_NE(found[0].fix.find("trustctl bundle"), std::string::npos);

  auto ca = root_ca("Corp Root CA");
  EXPECT_TRUE(of_rule(lint_certificate(leaf("uccx1.lab.example", &ca), identity_context(Product::uccx)), "TC014")
                  .empty());
  EXPECT_TRUE(of_rule(lint_certificate(self, trust_context(Product::uccx)), "TC014").empty())
      << "a trust entry is not an identity in use";
}

// ---- A clean identity ------------------------------------------------------------------------------------------

TEST(LintRules, ACleanCaSignedUccxIdentityHasNoFindings) {
  auto root = root_ca("Corp Root CA", "rsa-3072");
  auto issuing = intermediate_ca("Corp Issuing CA", root, "rsa-4096");
  const KeyPair& node_key = key("rsa-2048");
  auto identity = *issue_certificate({.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}},
                                     node_key, &issuing.certificate, *issuing.key);
  auto context = identity_context(Product::uccx);
  context.fqdn = "uccx1.lab.example";
  context.cluster_fqdns = {"uccx1.lab.example", "uccx2.lab.example"};
  context.version = "12.5";
  context.csr = *inspect_csr(make_csr_pem("uccx1.lab.example", {"uccx1.lab.example"}, node_key));
  context.trust_store = std::vector<Certificate>{root.certificate, issuing.certificate};
  context.chain = {issuing.certificate};
  auto findings = lint_certificate(identity, context);
  EXPECT_TRUE(findings.empty()) << (findings.empty() ? "" : headline(findings.front()));
}

}  // namespace
}  // namespace trustctl::pki::lint::testing
