#include "plans/inventory.hpp"

#include "inventory_fixtures.hpp"
#include "providers/pki/certificate_builder.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"

#include <gtest/gtest.h>

namespace trustctl::plans {
namespace {

using trustctl::testing::InventoryScenario;

const InventoryNode& node_of(const Inventory& inventory, const std::string& name) {
  for (const auto& c : inventory.clusters) {
    for (const auto& n : c.nodes) {
      if (n.name == name) return n;
    }
  }
  throw std::runtime_error("no node " + name);
}

const InventoryTrustEntry& entry_of(const InventoryNode& node, const Certificate& cert) {
  for (const auto& store : node.stores) {
    for (const auto& e : store.entries) {
      if (e.certificate == cert) return e;
    }
  }
  throw std::runtime_error("no entry " + cert.subject());
}

TEST(Inventory, EveryClusterAndNodeInSiteOrder) {
  InventoryScenario t;
  auto inventory = t.inventory();
  ASSERT_EQ(inventory.clusters.size(), 3u);
  EXPECT_EQ(inventory.clusters[0].name, "uccx");
  EXPECT_EQ(inventory.clusters[1].name, "finesse");
  EXPECT_TRUE(inventory.clusters[2].external);
  EXPECT_EQ(inventory.node_count(), 4u);
  EXPECT_EQ(inventory.unread_count(), 1u);
}

TEST(Inventory, TrustEntriesSayWhetherTrustctlManagesThemAndWhetherTheSiteWantsThem) {
  InventoryScenario t;
  auto inventory = t.inventory();
  const auto& uccx1 = node_of(inventory, "uccx1");
  const auto& root = entry_of(uccx1, t.s.root);
  EXPECT_TRUE(root.managed);
  EXPECT_EQ(root.wanted, Wanted::wanted);
  EXPECT_EQ(root.wanted_by, "sites/lab.toml:22:18") << "the [[trust]] entry that asked for it";
  const auto& retired = entry_of(uccx1, t.s.retired);
  EXPECT_FALSE(retired.managed);
  EXPECT_EQ(retired.wanted, Wanted::unwanted);
  const auto& own = entry_of(uccx1, t.uccx1);
  EXPECT_EQ(own.wanted, Wanted::unmentioned);
  const auto& partner = entry_of(node_of(inventory, "fin1"), t.s.partner);
  EXPECT_TRUE(partner.managed) << "added by trustctl, no longer mentioned: prune would remove it";
  EXPECT_EQ(partner.wanted, Wanted::unmentioned);
}

TEST(Inventory, EntriesAreSortedByFileName) {
  InventoryScenario t;
  auto inventory = t.inventory();
  const auto& entries = node_of(inventory, "uccx1").stores.at(0).entries;
  for (std::size_t k = 1; k < entries.size(); ++k) EXPECT_LT(entries[k - 1].file, entries[k].file);
}

TEST(Inventory, IdentitiesListTomcatFirstAndEveryUnitRead) {
  InventoryScenario t;
  auto inventory = t.inventory();
  const auto& fin1 = node_of(inventory, "fin1");
  ASSERT_EQ(fin1.identities.size(), 2u);
  EXPECT_EQ(fin1.identities[0].unit, "tomcat");
  EXPECT_EQ(fin1.identities[1].unit, "tomcat-ECDSA");
}

TEST(Inventory, PortsAreComparedWithTheStoredIdentity) {
  InventoryScenario t;
  auto inventory = t.inventory();
  for (const auto& port : node_of(inventory, "fin1").ports) {
    ASSERT_TRUE(port.matches_identity.has_value());
    EXPECT_EQ(*port.matches_identity, port.presented.port.port != 8445) << port.presented.port.port;
  }
  for (const auto& port : node_of(inventory, "uccx1").ports) {
    EXPECT_EQ(port.matches_identity.has_value(), port.presented.port.port != 7443) << "no answer, nothing to compare";
  }
}

TEST(Inventory, AnUnreadNodeCarriesItsErrorAndTheFix) {
  InventoryScenario t;
  auto inventory = t.inventory();
  const auto& uccx2 = node_of(inventory, "uccx2");
  EXPECT_FALSE(uccx2.read);
  ASSERT_TRUE(uccx2.error.has_value());
  EXPECT_EQ(uccx2.error->code, ErrorCode::connection);
  EXPECT_NE(uccx2.advice.find("check that uccx2 is up"), std::string::npos) << uccx2.advice;
}

TEST(Inventory, ExternalHostsShowTheChainTheyPresent) {
  InventoryScenario t;
  auto inventory = t.inventory();
  const auto& gadget = node_of(inventory, "gadget1");
  EXPECT_TRUE(gadget.read);
  ASSERT_EQ(gadget.presented_chain.size(), 1u);
  EXPECT_EQ(gadget.presented_chain[0], t.gadgets);
  EXPECT_TRUE(gadget.stores.empty());
}

TEST(Inventory, UnresolvableRequirementsMakeWantedUnknownWithANote) {
  InventoryScenario t;
  // MediaSense trusts both UCCX nodes' identities; uccx2 was not read, so that requirement cannot be resolved.
  t.s.add_cluster("ms", Product::mediasense, {"ms1"});
  t.s.site.integrations.push_back({.from = "ms", .to = "uccx"});
  auto inventory = t.inventory();
  EXPECT_EQ(entry_of(node_of(inventory, "uccx1"), t.s.root).wanted, Wanted::unknown);
  ASSERT_EQ(inventory.notes.size(), 1u);
  EXPECT_NE(inventory.notes[0].find("unknown"), std::string::npos) << inventory.notes[0];
}

TEST(Inventory, AdviceFollowsTheKindOfFailure) {
  Node node;
  node.name = "uccx1";
  node.fqdn = "uccx1.lab.example";
  node.address = "127.0.0.1";
  node.connection.ssh_port = 2222;
  EXPECT_NE(unread_advice(Error(ErrorCode::timeout, "x"), node).find("127.0.0.1:2222"), std::string::npos);
  EXPECT_NE(unread_advice(Error(ErrorCode::protocol, "x"), node).find("show cert list trust"), std::string::npos);
  EXPECT_EQ(unread_advice(Error(ErrorCode::host_key, "x"), node), "") << "the host-key message says what to do";
}

// An outside CA signs uccx1 and uccx2: uccx1's certificate is back in signed_dir, uccx2's is not.
TEST(Inventory, PendingCsrsSayWhatTheyAskForWhereTheyAreExportedAndWhetherTheCaAnsweredThem) {
  auto ca = testing::make_root("Corp CA");
  Site site;
  CaEntry entry;
  entry.name = "corp-ca";
  entry.certificates = {ca.certificate};
  entry.signed_dir = "/signed";
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));
  IdentityPolicy policy;
  policy.unit = "tomcat";
  policy.issuer = "corp-ca";
  site.clusters[0].identities.push_back(policy);
  LiveState live;
  auto key1 = *pki::KeyPair::generate("rsa-2048"), key2 = *pki::KeyPair::generate("rsa-2048");
  auto signed1 = *pki::issue_certificate({.common_name = "uccx1.lab.example", .dns_names = {"uccx1.lab.example"}},
                                         key1, &ca.certificate, ca.key);
  entry.signed_files.push_back(SignedFile{"/signed/from-the-ca-1.cer", {signed1}});
  site.cas.push_back(entry);
  auto unsigned2 = *pki::self_signed({.common_name = "uccx2.lab.example"}, key2);
  for (const char* n : {"uccx1", "uccx2"}) {
    live.nodes[n].node = n;
    live.nodes[n].identities["tomcat"] = {testing::make_root(std::string(n) + ".lab.example").certificate};
  }
  live.nodes["uccx1"].pending_csrs["tomcat"] = PendingCsr{"csr", {"uccx1.lab.example"}, signed1.public_key_pem()};
  live.nodes["uccx2"].pending_csrs["tomcat"] = PendingCsr{"csr", {"uccx2.lab.example"}, unsigned2.public_key_pem()};
  auto registry = providers::make_registry();
  auto inventory = make_inventory(site, live, registry, {}, {}, now_utc());

  const auto& uccx1 = node_of(inventory, "uccx1");
  ASSERT_EQ(uccx1.pending_csrs.size(), 1u);
  const auto& answered = uccx1.pending_csrs[0];
  EXPECT_EQ(answered.unit, "tomcat");
  EXPECT_EQ(answered.dns_names, std::vector<std::string>{"uccx1.lab.example"});
  EXPECT_EQ(answered.ca, "corp-ca");
  EXPECT_EQ(answered.export_file, "uccx1.lab.example.tomcat.csr");
  EXPECT_EQ(answered.signed_file, "/signed/from-the-ca-1.cer");
  EXPECT_NE(answered.status.find("apply installs it"), std::string::npos) << answered.status;

  const auto& uccx2 = node_of(inventory, "uccx2");
  ASSERT_EQ(uccx2.pending_csrs.size(), 1u);
  const auto& waiting = uccx2.pending_csrs[0];
  EXPECT_EQ(waiting.export_file, "uccx2.lab.example.tomcat.csr");
  EXPECT_TRUE(waiting.signed_file.empty());
  EXPECT_NE(waiting.status.find("waits for a certificate signed by corp-ca"), std::string::npos) << waiting.status;
  EXPECT_NE(waiting.status.find("/signed"), std::string::npos) << waiting.status;
}

TEST(Inventory, APendingCsrNoPolicyNeedsIsShownAsLeftOver) {
  InventoryScenario t;
  const auto inventory = t.inventory();
  const auto& fin1 = node_of(inventory, "fin1");
  ASSERT_EQ(fin1.pending_csrs.size(), 1u);
  EXPECT_TRUE(fin1.pending_csrs[0].ca.empty());
  EXPECT_TRUE(fin1.pending_csrs[0].export_file.empty());
  EXPECT_NE(fin1.pending_csrs[0].status.find("not needed"), std::string::npos) << fin1.pending_csrs[0].status;
}

}  // namespace
}  // namespace trustctl::plans
