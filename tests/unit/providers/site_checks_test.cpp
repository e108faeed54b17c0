#include "providers/site_checks.hpp"

#include "providers/registry.hpp"
#include "providers/vos/vos_provider.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace trustctl::providers {
namespace {

using testing::make_cluster;
using testing::make_intermediate;
using testing::make_root;

SourceRegion line(int n) { return SourceRegion{nullptr, n, 5}; }

// A site as the loader returns it: every policy, rule and CA records where its keys were written.
struct Fixture {
  Registry registry = make_registry();
  Site site;
  testing::TestCa lab = make_root("Lab CA");

  Fixture() {
    CaEntry ca;
    ca.name = "lab-ca";
    ca.certificates = {lab.certificate};
    ca.signed_dir = "/signed";  // an outside CA: no key file to read in most tests
    ca.region = line(3);
    site.cas.push_back(ca);
  }
  Cluster& cluster(const std::string& name, Product product, const std::string& version,
                   std::vector<std::string> nodes = {"n1", "n2"}) {
    for (auto& n : nodes) n = name + "-" + n;
    site.clusters.push_back(make_cluster(name, product, nodes));
    site.clusters.back().version = version;
    return site.clusters.back();
  }
  // [cluster.identity.<unit>] at line 20; its issuer at 21, distribution at 22, key at 23.
  IdentityPolicy& policy(Cluster& cluster, const std::string& unit, const std::string& issuer,
                         const std::string& key = "", const std::string& distribution = "node") {
    IdentityPolicy p;
    p.unit = unit;
    p.issuer = issuer;
    p.distribution = distribution;
    p.key = key.empty() ? (unit == "tomcat" ? "rsa-2048" : "ec-256") : key;
    p.region = line(20);
    p.keys.set("issuer", line(21));
    p.keys.set("distribution", line(22));
    p.keys.set("key", line(23));
    cluster.identities.push_back(p);
    return cluster.identities.back();
  }
  SiteCheckResult check() const { return check_site(site, registry); }
};

std::string all(const std::vector<Error>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.describe() + "\n";
  return out;
}

// The one error of a site with exactly one problem, at the line given.
Error only_error(const SiteCheckResult& result, int at_line) {
  EXPECT_EQ(result.errors.size(), 1u) << all(result.errors);
  if (result.errors.empty()) return Error(ErrorCode::internal, "<no error>");
  EXPECT_TRUE(result.errors.front().region.has_value());
  if (result.errors.front().region) {
    EXPECT_EQ(result.errors.front().region->line, at_line) << all(result.errors);
  }
  return result.errors.front();
}

bool says(const Error& error, std::string_view text) { return error.message.find(text) != std::string::npos; }

// ---- tomcat-ECDSA: from 11.5 and later (docs/appliances.md section 2) ----

TEST(SiteChecks, EcdsaExistsFromElevenFiveAndLaterOnUccxMediaSenseAndSocialMiner) {
  for (Product product : {Product::uccx, Product::mediasense, Product::socialminer}) {
    for (const char* version : {"11.5", "11.6(1)", "12.5(1)SU3", "14.0", ""}) {
      Fixture f;
      f.policy(f.cluster("c", product, version), "tomcat-ECDSA", "self");
      auto result = f.check();
      EXPECT_TRUE(result.errors.empty()) << to_string(product) << " " << version << ": " << all(result.errors);
    }
    Fixture old;
    old.policy(old.cluster("c", product, "11.0"), "tomcat-ECDSA", "self");
    Error error = only_error(old.check(), 20);
    EXPECT_TRUE(says(error, "has no tomcat-ECDSA unit (it exists from 11.5 on")) << error.message;
  }
}

TEST(SiteChecks, UccxEcdsaFromElevenSixIsKeptWithAWarningNeverRefused) {
  Fixture f;
  f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat-ECDSA", "self");
  auto result = f.check();
  EXPECT_TRUE(result.errors.empty()) << all(result.errors);
  ASSERT_EQ(result.warnings.size(), 1u) << all(result.warnings);
  EXPECT_TRUE(says(result.warnings[0], "uncertain")) << result.warnings[0].message;
  EXPECT_TRUE(says(result.warnings[0], "TC013")) << result.warnings[0].message;

  Fixture eleven_five;
  eleven_five.policy(eleven_five.cluster("uccx", Product::uccx, "11.5"), "tomcat-ECDSA", "self");
  EXPECT_TRUE(eleven_five.check().warnings.empty());
}

TEST(SiteChecks, AnEcdsaIdentityAnRsaCaWouldSignIsRefusedTc005) {
  Fixture f;
  auto rsa_key = *pki::KeyPair::generate("rsa-2048");
  f.site.cas[0].certificates = {*pki::self_signed({.common_name = "RSA Root", .is_ca = true}, rsa_key)};
  f.policy(f.cluster("sm", Product::socialminer, "12.5"), "tomcat-ECDSA", "lab-ca");
  Error error = only_error(f.check(), 21);
  EXPECT_TRUE(says(error, "TC005")) << error.message;
  EXPECT_TRUE(says(error, "whose key is RSA")) << error.message;

  Fixture ec;  // the lab CA's key is EC: fine
  ec.policy(ec.cluster("sm", Product::socialminer, "12.5"), "tomcat-ECDSA", "lab-ca");
  EXPECT_TRUE(ec.check().errors.empty()) << all(ec.check().errors);
}

// ---- multi-server (SAN) identities (docs/appliances.md sections 3 and 10) ----

TEST(SiteChecks, UccxMultiServerBeforeElevenSixIsRefusedNamingElevenSix) {
  Fixture f;
  f.policy(f.cluster("uccx", Product::uccx, "11.5(1)"), "tomcat", "lab-ca", "", "multi-server");
  Error error = only_error(f.check(), 22);
  EXPECT_TRUE(says(error, "only from 11.6 on")) << error.message;

  for (const char* version : {"11.6", "12.5", ""}) {
    Fixture ok;
    ok.policy(ok.cluster("uccx", Product::uccx, version), "tomcat", "lab-ca", "", "multi-server");
    EXPECT_TRUE(ok.check().errors.empty()) << version << ": " << all(ok.check().errors);
  }
}

TEST(SiteChecks, UccxMultiServerSanNamesOnlyItsPublisherAndSubscriber) {
  Fixture f;
  f.policy(f.cluster("uccx", Product::uccx, "12.5", {"n1", "n2", "n3"}), "tomcat", "lab-ca", "", "multi-server");
  Error error = only_error(f.check(), 22);
  EXPECT_TRUE(says(error, "only the cluster's publisher and subscriber (TC008)")) << error.message;
  EXPECT_TRUE(says(error, "lists 3 nodes")) << error.message;
}

TEST(SiteChecks, MultiServerWhereTheProductHasNoneOrSelfSignedIsRefused) {
  Fixture none;
  none.policy(none.cluster("sm", Product::socialminer, "12.5", {"n1"}), "tomcat", "lab-ca", "", "multi-server");
  Error error = only_error(none.check(), 22);
  EXPECT_TRUE(says(error, "socialminer does not take a multi-server")) << error.message;
  EXPECT_TRUE(says(error, "distribution = \"node\"")) << error.message;

  Fixture self;
  self.policy(self.cluster("fin", Product::finesse, "12.6"), "tomcat", "self", "", "multi-server");
  Error refused = only_error(self.check(), 21);
  EXPECT_TRUE(says(refused, "CA-signed")) << refused.message;
}

// ---- keys (docs/appliances.md section 4) ----

TEST(SiteChecks, UccxTakesRsaKeysOf1024Or2048BitsOnly) {
  for (const char* key : {"rsa-3072", "rsa-4096"}) {
    Fixture f;
    f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat", "lab-ca", key);
    Error error = only_error(f.check(), 23);
    EXPECT_TRUE(says(error, "uccx does not take " + std::string(key))) << error.message;
    EXPECT_TRUE(says(error, "rsa-1024 or rsa-2048")) << error.message;
  }
  Fixture finesse;  // other products take RSA up to 4096
  finesse.policy(finesse.cluster("fin", Product::finesse, "12.6"), "tomcat", "lab-ca", "rsa-4096");
  EXPECT_TRUE(finesse.check().errors.empty()) << all(finesse.check().errors);
}

TEST(SiteChecks, AKeyTheAdminCliCannotAskForIsAWarningAtTheKey) {
  Fixture f;
  f.policy(f.cluster("fin", Product::finesse, "12.6"), "tomcat", "lab-ca", "rsa-4096");
  auto result = f.check();
  ASSERT_EQ(result.warnings.size(), 1u) << all(result.warnings);
  EXPECT_EQ(result.warnings[0].region->line, 23);
  EXPECT_TRUE(says(result.warnings[0], "`set csr gen`")) << result.warnings[0].message;
  EXPECT_TRUE(says(result.warnings[0], "get rsa-2048")) << result.warnings[0].message;

  Fixture curve;  // a curve is a key parameter too
  curve.policy(curve.cluster("sm", Product::socialminer, "12.5", {"n1"}), "tomcat-ECDSA", "self", "ec-384");
  ASSERT_EQ(curve.check().warnings.size(), 1u) << all(curve.check().warnings);
  EXPECT_TRUE(says(curve.check().warnings[0], "get ec-256")) << curve.check().warnings[0].message;

  // CUCM 14 makes CSRs through its REST API, which takes the key; its self-signed identities still come from the CLI.
  Fixture rest;
  rest.policy(rest.cluster("cucm", Product::cucm, "14SU2"), "tomcat", "lab-ca", "rsa-4096");
  EXPECT_TRUE(rest.check().warnings.empty()) << all(rest.check().warnings);
  Fixture regenerated;
  regenerated.policy(regenerated.cluster("cucm", Product::cucm, "14SU2"), "tomcat", "self", "rsa-4096");
  EXPECT_EQ(regenerated.check().warnings.size(), 1u);
  Fixture older;
  older.policy(older.cluster("cucm", Product::cucm, "12.5"), "tomcat", "lab-ca", "rsa-4096");
  EXPECT_EQ(older.check().warnings.size(), 1u);
}

// ---- the issuer ----

TEST(SiteChecks, ACaWithNeitherLocalKeyNorSignedDirIsRefusedNamingBothWays) {
  Fixture f;
  f.site.cas[0].signed_dir.reset();
  f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat", "lab-ca");
  Error error = only_error(f.check(), 21);
  EXPECT_TRUE(says(error, "local_key")) << error.message;
  EXPECT_TRUE(says(error, "signed_dir")) << error.message;
}

TEST(SiteChecks, AnIssuerWhoseChainDoesNotReachARootOfTheSiteIsRefusedTc007) {
  Fixture f;
  auto root = make_root("Corp Root");
  f.site.cas[0].certificates = {make_intermediate("Corp Issuing", root).certificate};
  f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat", "lab-ca");
  Error error = only_error(f.check(), 21);
  EXPECT_TRUE(says(error, "TC007")) << error.message;
  EXPECT_TRUE(says(error, "Corp Issuing")) << error.message;
}

TEST(SiteChecks, ALocalKeyMustBeTheCaCertificatesKey) {
  testing::TempDir dir;
  Fixture f;
  f.site.cas[0].signed_dir.reset();
  f.site.cas[0].local_key = dir.write("lab-ca.key", make_root("Another CA").key.private_pem());
  f.site.cas[0].keys.set("local_key", line(5));
  f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat", "lab-ca");
  Error error = only_error(f.check(), 5);
  EXPECT_TRUE(says(error, "is not the key of CA 'lab-ca'")) << error.message;
  EXPECT_EQ(error.message.find("PRIVATE KEY"), std::string::npos) << "the key itself is never shown";

  f.site.cas[0].local_key = dir.write("lab-ca.key", f.lab.key.private_pem());
  EXPECT_TRUE(f.check().errors.empty()) << all(f.check().errors);
  f.site.cas[0].local_key = dir.write("lab-ca.key", "not a key\n");
  EXPECT_TRUE(says(only_error(f.check(), 5), "holds no usable private key"));
}

// ---- trust rules and integrations ----

TEST(SiteChecks, ATrustStoreMustBeOneTrustctlManagesOnTheProduct) {
  Fixture f;
  f.cluster("cucm", Product::cucm, "14.0");
  TrustRule rule = testing::trust_cluster("cucm", {f.lab.certificate});
  rule.store = "CallManager-trust";
  rule.keys.set("store", line(31));
  f.site.trust.push_back(rule);
  Error error = only_error(f.check(), 31);
  EXPECT_EQ(error.message, "trust.store: 'CallManager-trust' is not a store trustctl manages on cucm (it manages "
                           "tomcat-trust)");
  f.site.trust[0].store = "tomcat-trst";
  EXPECT_TRUE(says(only_error(f.check(), 31), "did you mean 'tomcat-trust'?"));
}

TEST(SiteChecks, ATrustRuleOnAnExternalClusterIsRefusedAtItsTarget) {
  Fixture f;
  f.cluster("partner", Product::external, "", {"api"});
  TrustRule rule = testing::trust_cluster("partner", {f.lab.certificate});
  rule.keys.set("cluster", line(32));
  f.site.trust.push_back(rule);
  EXPECT_TRUE(says(only_error(f.check(), 32), "does not administer its stores"));
}

TEST(SiteChecks, AnIntegrationTrustctlDoesNotKnowIsRefusedAtTheIntegration) {
  Fixture f;
  f.cluster("sm", Product::socialminer, "12.5", {"n1"});
  f.cluster("cucm", Product::cucm, "12.5", {"n1"});
  f.site.integrations.push_back(Integration{.from = "sm", .to = "cucm", .kind = "", .region = line(40)});
  EXPECT_TRUE(says(only_error(f.check(), 40), "knows no integration from socialminer to cucm"));
}

TEST(SiteChecks, ACleanSiteHasNeitherErrorsNorWarnings) {
  Fixture f;
  f.policy(f.cluster("uccx", Product::uccx, "12.5"), "tomcat", "lab-ca", "rsa-2048", "multi-server");
  f.cluster("sm", Product::socialminer, "12.5", {"n1"});
  f.site.integrations.push_back(Integration{.from = "uccx", .to = "sm", .kind = "", .region = line(40)});
  f.site.trust.push_back(testing::trust_cluster("uccx", {f.lab.certificate}));
  auto result = f.check();
  EXPECT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_TRUE(result.warnings.empty()) << all(result.warnings);
}

// The appliance names a trust file after the CN: one with a control character could never be read or deleted again.
TEST(SiteChecks, ACertificateWhoseCnHoldsAControlCharacterIsRefusedBeforeUpload) {
  Fixture f;
  f.cluster("uccx", Product::uccx, "12.5");
  auto key = *pki::KeyPair::generate("ec-256");
  Certificate evil = *pki::self_signed({.common_name = "Evil\x1b[2J Root", .is_ca = true}, key);
  TrustRule rule = testing::trust_cluster("uccx", {evil});
  rule.certificates[0].file = "pki/evil.pem";
  rule.certificates[0].region = line(33);
  f.site.trust.push_back(rule);
  Error error = only_error(f.check(), 33);
  EXPECT_TRUE(says(error, "trust.certificates: the CN of")) << error.message;
  EXPECT_TRUE(says(error, "holds a control character")) << error.message;

  Fixture ca;
  ca.site.cas[0].certificates = {evil};
  ca.site.cas[0].keys.set("certificate", line(4));
  EXPECT_TRUE(says(only_error(ca.check(), 4), "ca.certificate: the CN of"));
}

// schemas/site.schema.json offers editors the trust stores trustctl manages: exactly the products' own lists.
TEST(SiteChecks, TheSchemaListsTheTrustStoresTheProductsHave) {
  std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/schemas/site.schema.json");
  ASSERT_TRUE(in);
  auto schema = nlohmann::json::parse(in);
  auto listed = schema.at("properties").at("trust").at("items").at("properties").at("store").at("enum")
                    .get<std::set<std::string>>();
  std::set<std::string> managed;
  Registry registry = make_registry();
  for (Product product : {Product::uccx, Product::finesse, Product::cuic, Product::socialminer, Product::mediasense,
                          Product::cucm}) {
    const auto* vos = dynamic_cast<const VosProvider*>(registry.find(product));
    ASSERT_NE(vos, nullptr) << to_string(product);
    managed.insert(vos->rules().trust_stores.begin(), vos->rules().trust_stores.end());
  }
  EXPECT_EQ(listed, managed);
}

}  // namespace
}  // namespace trustctl::providers
