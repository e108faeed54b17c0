#include "providers/pki/lint/certificate_facts.hpp"

#include "lint_test_pki.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint::testing {
namespace {

TEST(LintCertificateFacts, LabelIsTheCnAndTheShortFingerprint) {
  auto cert = leaf("uccx1.lab.example", nullptr, "ec-256");
  EXPECT_EQ(label(cert), "uccx1.lab.example [" + cert.fingerprint().substr(0, 16) + "]");
}

TEST(LintCertificateFacts, SignatureFactsTellPkcs1PssEcdsaAndWeakDigestsApart) {
  auto rsa_ca = root_ca("RSA CA", "rsa-3072");
  auto pkcs1 = signature_facts(leaf("a.example", &rsa_ca, "ec-256"));
  EXPECT_EQ(pkcs1.algorithm, "sha256WithRSAEncryption");
  EXPECT_EQ(pkcs1.digest, "sha256");
  EXPECT_EQ(pkcs1.key_family, "RSA");
  EXPECT_TRUE(pkcs1.java_accepts);
  EXPECT_FALSE(pkcs1.weak_digest);

  auto pss = signature_facts(leaf("a.example", &rsa_ca, "ec-256", {.rsa_pss = true}));
  EXPECT_EQ(pss.algorithm, "RSASSA-PSS");
  EXPECT_EQ(pss.digest, "sha256");
  EXPECT_TRUE(pss.rsa_signer());
  EXPECT_FALSE(pss.java_accepts);

  auto ec_ca = root_ca("EC CA", "ec-384");
  auto ecdsa = signature_facts(leaf("a.example", &ec_ca, "ec-256", {.digest = "sha384"}));
  EXPECT_EQ(ecdsa.algorithm, "ecdsa-with-SHA384");
  EXPECT_EQ(ecdsa.key_family, "EC");
  EXPECT_TRUE(ecdsa.java_accepts);

  auto sha1 = signature_facts(leaf("a.example", &ec_ca, "ec-256", {.digest = "sha1"}));
  EXPECT_TRUE(sha1.weak_digest);
}

TEST(LintCertificateFacts, OnlyKeyUsageAndBasicConstraintsMayBeCritical) {
  auto ca = root_ca("Root");
  EXPECT_TRUE(unexpected_critical_extensions(ca.certificate).empty()) << "critical BC and KU";
  auto eku = leaf("a.example", &ca, "ec-256",
                  {.server_auth = false, .extra_extensions = {{"extendedKeyUsage", "critical,serverAuth"}}});
  EXPECT_EQ(unexpected_critical_extensions(eku), (std::vector<std::string>{"X509v3 Extended Key Usage"}));
}

TEST(LintCertificateFacts, RenewalWindowIsTheLastThirdAtLeastThirtyDays) {
  EXPECT_EQ(renewal_window_days(leaf("a.example", nullptr, "ec-256", {.days = 730}), std::nullopt), 243);
  EXPECT_EQ(renewal_window_days(leaf("a.example", nullptr, "ec-256", {.days = 60}), std::nullopt), 30);
  EXPECT_EQ(renewal_window_days(leaf("a.example", nullptr, "ec-256", {.days = 730}), 14), 14);
}

TEST(LintCertificateFacts, PublicKeyPemMatchesTheCsrOfTheSameKeyOnly) {
  auto csr = inspect_csr(make_csr_pem("a.example", {"a.example"}, key("ec-256")));
  ASSERT_TRUE(csr) << csr.error().message;
  EXPECT_EQ(public_key_pem(leaf("a.example", nullptr, "ec-256")), csr->public_key_pem);
  EXPECT_NE(public_key_pem(leaf("a.example", nullptr, "ec-384")), csr->public_key_pem);
}

}  // namespace
}  // namespace trustctl::pki::lint::testing
