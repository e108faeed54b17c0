#include "plans/diff.hpp"
#include "plans/requirements.hpp"

#include "bench/fleet.hpp"
#include "providers/integration_rules.hpp"
#include "providers/pki/certificate_builder.hpp"
#include "providers/pki/key_pair.hpp"
#include "providers/registry.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

#include <set>

namespace trustctl::plans {
namespace {

using testing::make_cluster;
using testing::make_intermediate;
using testing::make_leaf;
using testing::make_root;

struct Fixture {
  providers::Registry registry = providers::make_registry();
  Site site;
  LiveState live;

  void identity(const std::string& node, std::vector<Certificate> chain) {
    live.nodes[node].node = node;
    live.nodes[node].identities[node.rfind("partner", 0) == 0 ? "presented" : "tomcat"] = std::move(chain);
  }
  void integrate(const std::string& from, const std::string& to, const std::string& kind = "") {
    Integration i;
    i.from = from;
    i.to = to;
    i.kind = kind;
    i.region.line = 40;
    site.integrations.push_back(i);
  }
  std::vector<TrustRequirement> resolve() {
    auto r = resolve_trust_requirements(site, live, registry);
    EXPECT_TRUE(r) << (r ? "" : r.error().describe());
    return r ? *r : std::vector<TrustRequirement>{};
  }
};

std::set<std::string> trusted_by(const std::vector<TrustRequirement>& reqs, const std::string& node) {
  std::set<std::string> out;
  for (const auto& r : reqs) {
    if (r.node == node) out.insert(r.certificate.common_name());
  }
  return out;
}

TEST(Requirements, UccxAndSocialMinerTrustEachOthersSelfSignedIdentities) {
  Fixture f;
  f.site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  f.site.clusters.push_back(make_cluster("socialminer", Product::socialminer, {"sm1"}));
  for (const char* n : {"uccx1", "uccx2", "sm1"}) f.identity(n, {make_root(std::string(n) + ".lab.example").certificate});
  f.integrate("uccx", "socialminer");
  auto reqs = f.resolve();
  EXPECT_EQ(trusted_by(reqs, "uccx1"), std::set<std::string>{"sm1.lab.example"});
  EXPECT_EQ(trusted_by(reqs, "uccx2"), std::set<std::string>{"sm1.lab.example"});
  EXPECT_EQ(trusted_by(reqs, "sm1"), (std::set<std::string>{"uccx1.lab.example", "uccx2.lab.example"}));
  EXPECT_NE(reqs.front().reason.find("integration uccx -> socialminer"), std::string::npos) << reqs.front().reason;
}

// docs/appliances.md section 10: SocialMiner's Openfire and UCCX's Socket.IO present tomcat-ECDSA when it is
// self-signed or EC-CA-signed, so the EC chain travels like the RSA one; an RSA-CA-signed one is never presented.
TEST(Requirements, TheEcChainBehindAPresentedTomcatEcdsaIsTrustedLikeTheRsaOne) {
  Fixture f;
  f.site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1"}));
  f.site.clusters.push_back(make_cluster("socialminer", Product::socialminer, {"sm1"}));
  for (auto* c : {&f.site.clusters[0], &f.site.clusters[1]}) c->version = "12.5";
  for (const char* n : {"uccx1", "sm1"}) f.identity(n, {make_root(std::string(n) + ".lab.example").certificate});
  auto ec_ca = make_root("SM EC CA");  // an EC key
  f.live.nodes["sm1"].identities["tomcat-ECDSA"] = {make_leaf("sm1.lab.example", ec_ca), ec_ca.certificate};
  f.live.nodes["sm1"].stores["tomcat-trust"].push_back({"SM_EC_CA.pem", ec_ca.certificate});
  f.live.nodes["uccx1"].identities["tomcat-ECDSA"] = {make_root("uccx1-EC.lab.example").certificate};
  f.integrate("uccx", "socialminer");
  auto reqs = f.resolve();
  EXPECT_EQ(trusted_by(reqs, "uccx1"), (std::set<std::string>{"sm1.lab.example", "SM EC CA"}));
  EXPECT_EQ(trusted_by(reqs, "sm1"), (std::set<std::string>{"uccx1.lab.example", "uccx1-EC.lab.example"}));

  auto rsa_key = *pki::KeyPair::generate("rsa-2048");
  auto rsa_ca = testing::TestCa{rsa_key, *pki::self_signed({.common_name = "RSA CA", .is_ca = true}, rsa_key)};
  f.live.nodes["sm1"].identities["tomcat-ECDSA"] = {make_leaf("sm1.lab.example", rsa_ca)};
  EXPECT_EQ(trusted_by(f.resolve(), "uccx1"), std::set<std::string>{"sm1.lab.example"}) << "an RSA-signed one travels not";

  // A product whose ports never present tomcat-ECDSA (MediaSense): its EC identity does not travel.
  f.site.clusters.push_back(make_cluster("mediasense", Product::mediasense, {"ms1"}));
  f.identity("ms1", {make_root("ms1.lab.example").certificate});
  f.live.nodes["ms1"].identities["tomcat-ECDSA"] = {make_root("ms1-EC.lab.example").certificate};
  f.integrate("uccx", "mediasense");
  EXPECT_EQ(trusted_by(f.resolve(), "uccx1").count("ms1-EC.lab.example"), 0u);
}

TEST(Requirements, CaSignedIdentityMeansTrustingItsIssuersNotTheLeaf) {
  Fixture f;
  auto root = make_root("Corp Root");
  auto issuing = make_intermediate("Corp Issuing", root);
  CaEntry ca;
  ca.name = "corp-root";
  ca.certificates = {root.certificate};
  f.site.cas.push_back(ca);
  f.site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1"}));
  f.site.clusters.push_back(make_cluster("cucm", Product::cucm, {"cucm1"}));
  f.identity("uccx1", {make_root("uccx1.lab.example").certificate});
  // CUCM presents leaf + intermediate; the root comes from the site.
  f.identity("cucm1", {make_leaf("cucm1.lab.example", issuing), issuing.certificate});
  f.integrate("uccx", "cucm");
  auto reqs = f.resolve();
  EXPECT_EQ(trusted_by(reqs, "uccx1"), (std::set<std::string>{"Corp Issuing", "Corp Root"}));
  EXPECT_TRUE(trusted_by(reqs, "cucm1").empty()) << "UCCX -> CUCM is one way";
}

TEST(Requirements, ScriptsTrustTheThirdPartysWholeChainAndRestartTheEngine) {
  Fixture f;
  auto root = make_root("Partner Root");
  CaEntry ca;
  ca.name = "partner-root";
  ca.certificates = {root.certificate};
  f.site.cas.push_back(ca);
  f.site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1"}));
  f.site.clusters.push_back(make_cluster("partner-api", Product::external, {"partner"}));
  f.identity("partner", {make_leaf("partner.lab.example", root)});
  f.identity("uccx1", {make_root("uccx1.lab.example").certificate});
  f.integrate("uccx", "partner-api", "script");
  auto reqs = f.resolve();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].certificate, root.certificate);
  EXPECT_EQ(reqs[0].extra_restarts, std::vector<std::string>{"Cisco Unified CCX Engine"});

  f.live.nodes["uccx1"].node = "uccx1";
  auto plan = make_plan(f.site, f.live, f.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  bool engine = false;
  for (const auto& a : plan->graph.actions()) engine = engine || a.service == "Cisco Unified CCX Engine";
  EXPECT_TRUE(engine);
}

TEST(Requirements, AnExternalChainWhoseRootTheSiteDoesNotDeclareIsRefused) {
  Fixture f;
  auto rogue = make_root("Somebody's Root");
  f.site.clusters.push_back(make_cluster("uccx", Product::uccx, {"uccx1"}));
  f.site.clusters.push_back(make_cluster("partner-api", Product::external, {"partner"}));
  f.identity("partner", {make_leaf("partner.lab.example", rogue), rogue.certificate});
  f.integrate("uccx", "partner-api", "script");
  auto r = resolve_trust_requirements(f.site, f.live, f.registry);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not declare"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().region->line, 0) << "points at the node entry";
}

TEST(Requirements, PcceCuicRootsGoOnFinesseBeforeFinesseRootsOnCuic) {
  Fixture f;
  f.site.clusters.push_back(make_cluster("finesse", Product::finesse, {"fin1", "fin2"}));
  f.site.clusters.push_back(make_cluster("cuic", Product::cuic, {"cuic1", "cuic2"}));
  for (const char* n : {"fin1", "fin2", "cuic1", "cuic2"}) {
    f.identity(n, {make_root(std::string(n) + ".lab.example").certificate});
  }
  f.integrate("cuic", "finesse");
  auto plan = make_plan(f.site, f.live, f.registry);
  ASSERT_TRUE(plan) << plan.error().describe();
  std::size_t last_on_finesse = 0, first_on_cuic = plan->order.size();
  for (std::size_t k = 0; k < plan->order.size(); ++k) {
    const Action& a = plan->graph.action(plan->order[k]);
    if (a.kind != ActionKind::upload_trust) continue;
    if (a.cluster == "finesse") last_on_finesse = k;
    if (a.cluster == "cuic") first_on_cuic = std::min(first_on_cuic, k);
  }
  EXPECT_LT(last_on_finesse, first_on_cuic);
  bool labelled = false;
  for (auto [from, to] : plan->graph.edges()) labelled = labelled || plan->graph.rule_of(from, to) == "cross-product-order";
  EXPECT_TRUE(labelled);
}

// A fleet of 100 nodes is large enough for resolving to check the node identities' signatures on every core first
// (plans/requirements.cpp) and remember the answers: a second resolve gives the same requirements, and an identity
// that names a fleet CA as its issuer without that CA's signature is still refused, not taken as issued by it.
TEST(Requirements, ResolvingAFleetChecksEveryIdentitySignatureAndRefusesAForgedOne) {
  auto fleet = bench::make_fleet({.nodes = 100});
  auto registry = providers::make_registry();
  auto first = resolve_trust_requirements(fleet.site, fleet.live, registry);
  ASSERT_TRUE(first) << first.error().describe();
  auto again = resolve_trust_requirements(fleet.site, fleet.live, registry);
  ASSERT_TRUE(again) << again.error().describe();
  ASSERT_EQ(first->size(), again->size());
  for (std::size_t k = 0; k < first->size(); ++k) {
    EXPECT_EQ((*first)[k].node, (*again)[k].node);
    EXPECT_EQ((*first)[k].certificate.fingerprint(), (*again)[k].certificate.fingerprint());
  }

  // The first cluster's nodes carry CA-signed identities; its publisher's is replaced by one with the same names,
  // signed by another key.
  const Node& victim = fleet.site.clusters.front().nodes.front();
  const Certificate genuine = fleet.live.nodes.at(victim.name).identities.at("tomcat").front();
  const Certificate* issuer = nullptr;
  for (const auto& ca : fleet.site.cas) {
    const bool named = !ca.certificates.empty() && ca.certificates.front().subject() == genuine.issuer();
    if (named) issuer = &ca.certificates.front();
  }
  ASSERT_NE(issuer, nullptr) << "the fleet's first cluster has CA-signed identities";
  auto forger = pki::KeyPair::generate("ec-256");
  ASSERT_TRUE(forger);
  pki::CertificateSpec spec{.common_name = victim.fqdn, .dns_names = {victim.fqdn}, .organization = "Fleet"};
  auto forged = pki::issue_certificate(spec, *forger, issuer, *forger);
  ASSERT_TRUE(forged) << forged.error().describe();
  ASSERT_EQ(forged->issuer(), genuine.issuer());
  fleet.live.nodes.at(victim.name).identities["tomcat"] = {*forged};
  auto refused = resolve_trust_requirements(fleet.site, fleet.live, registry);
  ASSERT_FALSE(refused) << "a forged identity was taken as issued by " << issuer->subject();
  EXPECT_NE(refused.error().message.find("the chain of " + victim.fqdn + " stops at"), std::string::npos)
      << refused.error().describe();
}

}  // namespace
}  // namespace trustctl::plans
