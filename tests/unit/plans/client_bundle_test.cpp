// The client trust bundle: which certificates browsers must trust for the identities they can be presented, and the
// URLs each serves.

#include "plans/client_bundle.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

struct BundleScenario {
  testing::TestCa root = testing::make_root("Corp Root");  // an EC CA
  testing::TestCa issuing = testing::make_intermediate("Corp Issuing", root);
  pki::KeyPair rsa = *pki::KeyPair::generate("rsa-2048");
  Site site;
  LiveState live;
  providers::Registry registry = providers::make_registry();

  BundleScenario() {
    site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
    CaEntry ca;
    ca.name = "corp-root";
    ca.certificates = {root.certificate};
    site.cas.push_back(ca);
  }
  Certificate self_signed_rsa(const std::string& fqdn) {
    return *pki::self_signed({.common_name = fqdn, .dns_names = {fqdn}}, rsa);
  }
  Certificate signed_rsa(const std::string& fqdn) {
    return *pki::issue_certificate({.common_name = fqdn, .dns_names = {fqdn}}, rsa, &issuing.certificate,
                                   issuing.key);
  }
  ClientBundle bundle() const { return client_bundle(site, live, registry); }
};

bool serves(const BundleEntry& entry, const std::string& url) {
  return std::find(entry.serves.begin(), entry.serves.end(), url) != entry.serves.end();
}

TEST(ClientBundle, EachSelfSignedIdentityIsItsOwnEntryServingItsNodesPorts) {
  BundleScenario t;
  auto one = t.self_signed_rsa("uccx1.lab.example"), two = t.self_signed_rsa("uccx2.lab.example");
  t.live.nodes["uccx1"].identities["tomcat"] = {one};
  t.live.nodes["uccx2"].identities["tomcat"] = {two};
  auto bundle = t.bundle();
  ASSERT_TRUE(bundle.problems.empty());
  ASSERT_EQ(bundle.entries.size(), 2u);
  EXPECT_EQ(bundle.entries[0].certificate, one);
  EXPECT_TRUE(bundle.entries[0].self_signed_identity);
  EXPECT_TRUE(serves(bundle.entries[0], "https://uccx1.lab.example:8445/")) << "the Finesse desktop port";
  EXPECT_FALSE(serves(bundle.entries[0], "https://uccx2.lab.example:8445/"));
}

TEST(ClientBundle, IdentitiesACaSignedShareOneRootEntryFoundThroughTheIntermediate) {
  BundleScenario t;
  t.live.nodes["uccx1"].identities["tomcat"] = {t.signed_rsa("uccx1.lab.example"), t.issuing.certificate};
  t.live.nodes["uccx2"].identities["tomcat"] = {t.signed_rsa("uccx2.lab.example")};
  t.live.nodes["uccx2"].stores["tomcat-trust"].push_back({"Corp_Issuing.pem", t.issuing.certificate});
  auto bundle = t.bundle();
  ASSERT_TRUE(bundle.problems.empty());
  ASSERT_EQ(bundle.entries.size(), 1u);
  EXPECT_EQ(bundle.entries[0].certificate, t.root.certificate);
  EXPECT_FALSE(bundle.entries[0].self_signed_identity);
  EXPECT_TRUE(serves(bundle.entries[0], "https://uccx1.lab.example:8443/"));
  EXPECT_TRUE(serves(bundle.entries[0], "https://uccx2.lab.example:8443/"));
}

// Browsers offer ECDSA, but only the ports of the ECDSA guide's table present the EC identity (UCCX: Socket.IO), and
// only when an EC key signed it: its entry serves those URLs alone (docs/appliances.md section 10).
TEST(ClientBundle, AnEcIdentityServesOnlyThePortsThatPresentItAndNoneWhenAnRsaCaSignedIt) {
  BundleScenario t;
  auto ec_key = *pki::KeyPair::generate("ec-256");
  auto ec_self = *pki::self_signed({.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}}, ec_key);
  t.live.nodes["uccx1"].identities["tomcat"] = {t.signed_rsa("uccx1.lab.example"), t.issuing.certificate};
  t.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {ec_self};
  auto bundle = t.bundle();
  ASSERT_EQ(bundle.entries.size(), 2u);
  EXPECT_EQ(bundle.entries[0].certificate, t.root.certificate);
  EXPECT_TRUE(serves(bundle.entries[0], "https://uccx1.lab.example:8445/")) << "Finesse presents the RSA identity";
  EXPECT_FALSE(serves(bundle.entries[0], "https://uccx1.lab.example:12015/"));
  EXPECT_EQ(bundle.entries[1].certificate, ec_self);
  EXPECT_EQ(bundle.entries[1].serves, std::vector<std::string>{"https://uccx1.lab.example:12015/"})
      << "Socket.IO presents the EC identity, and no other port does";

  auto rsa_ca = testing::TestCa{t.rsa, *pki::self_signed({.common_name = "RSA CA", .is_ca = true}, t.rsa)};
  auto ec_by_rsa = *pki::issue_certificate({.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}},
                                           ec_key, &rsa_ca.certificate, rsa_ca.key);
  EXPECT_EQ(ec_by_rsa.signer_key_type(), "RSA");
  t.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {ec_by_rsa};
  bundle = t.bundle();
  ASSERT_EQ(bundle.entries.size(), 1u);
  EXPECT_TRUE(serves(bundle.entries[0], "https://uccx1.lab.example:12015/")) << "then Socket.IO presents the RSA one";
}

TEST(ClientBundle, AnIdentityWhoseRootIsUnknownIsAProblemNamingNodeAndUnit) {
  BundleScenario t;
  auto stranger = testing::make_root("Stranger Root");
  t.live.nodes["uccx1"].identities["tomcat"] = {testing::make_leaf("uccx1.lab.example", stranger)};
  auto bundle = t.bundle();
  ASSERT_EQ(bundle.problems.size(), 1u);
  EXPECT_EQ(bundle.problems[0].node, "uccx1");
  EXPECT_NE(bundle.problems[0].message.find("uccx1.lab.example's tomcat identity is not known; add it as a [[ca]]"),
            std::string::npos)
      << bundle.problems[0].message;
}

}  // namespace
}  // namespace trustctl::plans
