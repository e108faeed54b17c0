// The commands of docs/appliances.md section 7 beyond listing and trust import, and the identity rules of section 4, at
// the interpreter level: CSR generation, own import, regen, delete, system restart, show network cluster, restarts of
// every product service, and the command faults.

#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/lab.hpp"
#include "tests/vossim/messages.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using trustctl::Product;
using trustctl::Role;

class CliCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { make(Product::uccx); }

  void make(Product product) {
    m_cli.reset();
    m_peer.reset();
    m_node.reset();
    m_dir = std::make_unique<test::TempDir>();
    m_node = std::make_unique<SimNode>(NodeSpec{"node1", "node1.lab.example", "c", product, Role::publisher,
                                                "127.0.0.1", "14.0"},
                                       m_dir->path() / "node1");
    m_peer = std::make_unique<SimNode>(NodeSpec{"node2", "node2.lab.example", "c", product, Role::subscriber,
                                                "127.0.0.2", "14.0"},
                                       m_dir->path() / "node2");
    ASSERT_TRUE(m_node->load_or_initialize().has_value());
    ASSERT_TRUE(m_peer->load_or_initialize().has_value());
    std::vector<const SimNode*> cluster = {m_node.get(), m_peer.get()};
    m_node->set_cluster(cluster);
    m_peer->set_cluster(cluster);
    CliSettings settings;
    settings.timings.restart = 3000ms;
    settings.restart_tick = 500ms;
    settings.faults = &m_faults;
    m_cli = std::make_unique<CliInterpreter>(*m_node, settings, [this] { return m_now; });
    m_cli->start();
    m_cli->feed("set cli pagination off\r");
  }

  CliInterpreter::Output feed(const std::string& line) { return m_cli->feed(line + "\r"); }
  std::string run(const std::string& line) { return feed(line).text(); }

  std::string csr_gen(const std::string& answer = "yes") {
    std::string out = run("set csr gen tomcat");
    EXPECT_NE(out.find(msg::kCsrOuQuestion), std::string::npos) << out;
    EXPECT_EQ(m_cli->mode(), CliInterpreter::Mode::confirm);
    return out + run(answer);
  }

  std::string import_own(const std::string& pem) {
    std::string out = run("set cert import own tomcat");
    EXPECT_NE(out.find(msg::kPastePrompt), std::string::npos) << out;
    return m_cli->feed(pem.ends_with('\n') ? pem + "\n" : pem + "\n\n").text();
  }

  void trust(const test::Issued& ca) { m_node->import_trust({ca.certificate}, Clock::now()); }

  std::unique_ptr<test::TempDir> m_dir;
  Clock::time_point m_now = Clock::now();
  FaultBook m_faults;
  std::unique_ptr<SimNode> m_node;
  std::unique_ptr<SimNode> m_peer;
  std::unique_ptr<CliInterpreter> m_cli;
};

TEST_F(CliCommandsTest, CsrGenAsksAboutOuAndShowCsrPrintsOnlyThePem) {
  const std::string out = csr_gen("yes");
  EXPECT_NE(out.find("\r\nSuccessfully Generated CSR for tomcat\r\n"), std::string::npos) << out;
  const std::string shown = run("show csr own tomcat");
  const auto begin = shown.find("-----BEGIN CERTIFICATE REQUEST-----");
  const auto end = shown.find("-----END CERTIFICATE REQUEST-----");
  ASSERT_NE(begin, std::string::npos) << shown;
  ASSERT_NE(end, std::string::npos);
  // Nothing but whitespace between the END line and the prompt.
  const std::string after = shown.substr(end + 33);
  EXPECT_EQ(after, "\r\n\r\nadmin:");
  auto csr = parse_csr(m_node->pending_csr()->pem);
  ASSERT_TRUE(csr.has_value());
  EXPECT_EQ(csr->common_name, "node1.lab.example");
  EXPECT_EQ(csr->dns_names, (std::vector<std::string>{"node1.lab.example", "lab.example"}));
  // The key stays on the node, mode 0600, and is never printed.
  const auto key_path = m_dir->path() / "node1" / "tomcat" / "keys" / "tomcat.csr.key";
  ASSERT_TRUE(std::filesystem::exists(key_path));
  EXPECT_EQ(std::filesystem::status(key_path).permissions() & std::filesystem::perms::group_read,
            std::filesystem::perms::none);
  EXPECT_EQ(shown.find("PRIVATE KEY"), std::string::npos);
}

TEST_F(CliCommandsTest, NewCsrReplacesThePendingOne) {
  csr_gen("no");
  const std::string first = m_node->pending_csr()->pem;
  csr_gen("yes");
  EXPECT_NE(m_node->pending_csr()->pem, first);
  EXPECT_EQ(test::count_of(run("show csr own tomcat"), "BEGIN CERTIFICATE REQUEST"), 1);
}

TEST_F(CliCommandsTest, ShowCsrWithoutCsrFails) {
  const std::string out = run("show csr own tomcat");
  EXPECT_NE(out.find(msg::kExecutedUnsuccessfully), std::string::npos) << out;
}

TEST_F(CliCommandsTest, ImportOwnWithoutCsrNamesTheMissingFile) {
  const auto ca = test::make_certificate("Own Root", true);
  const auto leaf = test::make_certificate("node1.lab.example", false, &ca);
  const std::string out = import_own(leaf.certificate.pem());
  EXPECT_NE(out.find("File /usr/local/platform/.security/tomcat/keys/tomcat.csr does not exist"), std::string::npos)
      << out;
}

TEST_F(CliCommandsTest, ImportOwnChecksKeySanAndIssuerThenStoresButDoesNotLoadUntilRestart) {
  const auto ca = test::make_certificate("Own Root", true);
  csr_gen();
  const std::string csr = m_node->pending_csr()->pem;
  const std::vector<std::string> names = {"node1.lab.example", "lab.example"};

  // Another key than the CSR's.
  auto other = trustctl::pki::KeyPair::generate("rsa-2048");
  ASSERT_TRUE(other.has_value());
  std::string out = import_own(test::sign_csr(csr, ca, "node1.lab.example", names, &*other).pem());
  EXPECT_NE(out.find("CSR public key and Certificate public key do not match"), std::string::npos) << out;

  // A CA that added a name.
  out = import_own(test::sign_csr(csr, ca, "node1.lab.example", {"node1.lab.example", "lab.example", "www.node1"}).pem());
  EXPECT_NE(out.find("CSR SAN and Certificate SAN does not match"), std::string::npos) << out;

  // The CA is not trusted yet.
  const auto signed_cert = test::sign_csr(csr, ca, "node1.lab.example", {"lab.example", "node1.lab.example"});
  out = import_own(signed_cert.pem());
  EXPECT_NE(out.find("CA Certificate is not available in the trust-store"), std::string::npos) << out;

  trust(ca);
  const auto before = m_node->own_tomcat();
  out = import_own(signed_cert.pem());  // SAN in another order: still equal as a set
  EXPECT_NE(out.find("Successfully imported certificate for tomcat."), std::string::npos) << out;
  EXPECT_EQ(out.find("ERROR"), std::string::npos);
  EXPECT_EQ(m_node->own_tomcat(), signed_cert);
  EXPECT_FALSE(m_node->pending_csr().has_value());  // consumed
  EXPECT_NE(run("show cert list own").find("tomcat/tomcat.pem: Certificate Signed by"), std::string::npos);

  // Loaded only at the next restart of the service.
  EXPECT_EQ(m_node->loaded_identity("Cisco Tomcat", m_now)->certificate, before);
  run("utils service restart Cisco Tomcat");
  EXPECT_EQ(m_node->loaded_identity("Cisco Tomcat", m_now + 1s)->certificate, before);  // still restarting
  EXPECT_EQ(m_node->loaded_identity("Cisco Tomcat", m_now + 4s)->certificate, signed_cert);
  const auto loaded = m_node->loaded_identity("Cisco Tomcat", m_now + 4s);
  ASSERT_EQ(loaded->chain.size(), 1u);  // the issuer, found in tomcat-trust
  EXPECT_EQ(loaded->chain[0], ca.certificate);
  EXPECT_EQ(m_node->loaded_identity("Cisco Finesse Tomcat", m_now + 4s)->certificate, before);  // not restarted

  // The CSR is gone: a second import of the same certificate has nothing to match.
  out = import_own(signed_cert.pem());
  EXPECT_NE(out.find(msg::kNoCsr), std::string::npos) << out;
}

TEST_F(CliCommandsTest, UccxRefuses4096BitIdentityButCucmTakesIt) {
  const auto ca = test::make_certificate("Size Root", true);
  for (Product product : {Product::uccx, Product::cucm}) {
    make(product);
    trust(ca);
    // A 4096-bit CSR as the REST API makes it; signed for that key.
    auto csr = m_node->generate_csr(CsrRequest{"node1.lab.example", {"node1.lab.example"}, "rsa-4096", false});
    ASSERT_TRUE(csr.has_value());
    const auto cert = test::sign_csr(csr->pem, ca, "node1.lab.example", {"node1.lab.example"});
    const std::string out = import_own(cert.pem());
    if (product == Product::uccx) {
      EXPECT_NE(out.find(msg::kUccxTexts.identity_key_refused), std::string::npos) << out;
    } else {
      EXPECT_NE(out.find("Successfully imported certificate for tomcat."), std::string::npos) << out;
    }
  }
  EXPECT_FALSE(m_node->identity_key_allowed("RSA", 8192));
}

TEST_F(CliCommandsTest, RegenAsksThenOverwritesCaSignedIdentity) {
  const auto before = m_node->own_tomcat();
  std::string out = run("set cert regen tomcat");
  EXPECT_NE(out.find(msg::kRegenWarning), std::string::npos) << out;
  EXPECT_NE(out.find("Proceed with regeneration (yes|no)?"), std::string::npos);
  out = run("no");
  EXPECT_NE(out.find(msg::kRegenCancelled), std::string::npos) << out;
  EXPECT_EQ(m_node->own_tomcat(), before);

  run("set cert regen tomcat");
  out = run("yes");
  EXPECT_NE(out.find("Successfully Regenerated Certificate for tomcat."), std::string::npos) << out;
  const auto after = m_node->own_tomcat();
  EXPECT_NE(after, before);
  EXPECT_TRUE(after.is_self_issued());
  // The new self-signed identity replaced the old one (same CN) in tomcat-trust.
  EXPECT_TRUE(m_node->find_trust("tomcat-trust/" + after.trust_file_name()).has_value());
  EXPECT_FALSE(m_node->find_trust("tomcat-trust/" + before.trust_file_name()).has_value());
}

TEST_F(CliCommandsTest, DeleteTrustAsksNoConfirmation) {
  const auto ca = test::make_certificate("Delete Me Root", true);
  trust(ca);
  const std::string file = "tomcat-trust/" + ca.certificate.trust_file_name();
  const std::string out = run("set cert delete tomcat-trust " + ca.certificate.trust_file_name());
  EXPECT_NE(out.find(std::string(msg::kDeletedPrefix) + file), std::string::npos) << out;
  EXPECT_EQ(out.find("(yes|no)"), std::string::npos);
  EXPECT_FALSE(m_node->find_trust(file).has_value());
  EXPECT_FALSE(std::filesystem::exists(m_dir->path() / "node1" / file));
  const std::string again = run("set cert delete tomcat-trust " + ca.certificate.trust_file_name());
  EXPECT_NE(again.find(msg::kExecutedUnsuccessfully), std::string::npos) << again;
  const std::string own = run("set cert delete tomcat tomcat.pem");
  EXPECT_NE(own.find(msg::kExecutedUnsuccessfully), std::string::npos) << own;
}

TEST_F(CliCommandsTest, SystemRestartAsksThenDropsAndTakesTheNodeDown) {
  std::string out = run("utils system restart");
  EXPECT_NE(out.find("Do you really want to restart ?Enter (yes/no)?"), std::string::npos) << out;
  auto cancelled = feed("no");
  EXPECT_FALSE(cancelled.drop);
  EXPECT_FALSE(m_node->is_down(Clock::now()));

  run("utils system restart");
  auto output = feed("yes");
  EXPECT_TRUE(output.drop);
  EXPECT_TRUE(output.close);
  EXPECT_TRUE(m_node->is_down(Clock::now()));
  EXPECT_FALSE(m_node->is_down(Clock::now() + 3100ms));
  EXPECT_EQ(m_node->system_restart_count(), 1);
  for (const auto& service : m_node->services()) EXPECT_EQ(m_node->restart_count(service), 1) << service;
}

TEST_F(CliCommandsTest, ShowNetworkClusterListsEveryNode) {
  const std::string out = run("show network cluster");
  EXPECT_NE(out.find("127.0.0.1 node1.lab.example node1 Publisher uccx DBPub authenticated"), std::string::npos)
      << out;
  EXPECT_NE(out.find("127.0.0.2 node2.lab.example node2 Subscriber uccx DBSub authenticated"), std::string::npos);
  m_peer->go_down(Clock::time_point::max());
  EXPECT_NE(run("show network cluster").find("node2 Subscriber uccx DBSub not authenticated"), std::string::npos);
}

TEST_F(CliCommandsTest, EveryProductServiceRestartsAndShowsStartingMeanwhile) {
  const std::map<Product, std::vector<std::string>> expected = {
      {Product::uccx,
       {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Unified CCX Engine", "Cisco Unified CCX Notification Service",
        "Cisco Unified CCX Socket.IO Service", "Cisco Unified Intelligence Center Reporting Service"}},
      {Product::finesse, {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco Finesse Notification Service"}},
      {Product::cuic,
       {"Cisco Tomcat", "Cisco Unified Intelligence Center Reporting Service",
        "Cisco Unified Intelligence Center Live Data"}},
      {Product::socialminer, {"Cisco Tomcat", "SocialMiner Runtime"}},
      {Product::mediasense, {"Cisco Tomcat", "MediaSense API service"}},
      {Product::cucm, {"Cisco Tomcat", "Cisco UDS Tomcat", "Cisco AXL Tomcat"}},
  };
  for (const auto& [product, services] : expected) {
    make(product);
    for (const auto& service : services) {
      const auto out = feed("utils service restart " + service);
      EXPECT_NE(out.text().find(service + "[STARTED]"), std::string::npos) << out.text();
      EXPECT_EQ(out.total_delay(), 3000ms);
      m_now += 1s;
      EXPECT_NE(run("utils service list").find(service + "[STARTING]"), std::string::npos) << service;
      m_now += 3s;
      EXPECT_NE(run("utils service list").find(service + "[STARTED]"), std::string::npos) << service;
      EXPECT_EQ(m_node->restart_count(service), 1) << service;
    }
  }
}

TEST_F(CliCommandsTest, RestartFailsFaultEndsFailedAndLeavesTheServiceStopped) {
  m_faults.add(Fault{"node1", FaultKind::restart_fails, "Cisco Tomcat", "", 0ms, 1, {}});
  const std::string out = run("utils service restart Cisco Tomcat");
  EXPECT_NE(out.find("Cisco Tomcat[FAILED]"), std::string::npos) << out;
  EXPECT_EQ(out.find("Cisco Tomcat[STARTED]"), std::string::npos);
  m_now += 4s;
  EXPECT_EQ(m_node->service_state("Cisco Tomcat", m_now), ServiceState::stopped);
  EXPECT_NE(run("utils service list").find("Cisco Tomcat[STOPPED]"), std::string::npos);
  // One-shot: the next restart succeeds.
  EXPECT_NE(run("utils service restart Cisco Tomcat").find("Cisco Tomcat[STARTED]"), std::string::npos);
}

TEST_F(CliCommandsTest, RefuseFaultAnswersTheMessageAndChangesNothing) {
  m_faults.add(Fault{"node1", FaultKind::refuse, "set cert import", "Simulated refusal", 0ms, 1, {}});
  const std::string out = run("set cert import trust tomcat");
  EXPECT_NE(out.find("Simulated refusal"), std::string::npos) << out;
  EXPECT_EQ(m_cli->mode(), CliInterpreter::Mode::command);
  EXPECT_EQ(run("set cert import trust tomcat").find("Simulated refusal"), std::string::npos);  // count 1: gone
}

TEST_F(CliCommandsTest, DropBeforeReplyDropsWithoutRunning) {
  m_faults.add(Fault{"node1", FaultKind::drop_before_reply, "utils service restart", "", 0ms, 1, {}});
  const auto out = feed("utils service restart Cisco Tomcat");
  EXPECT_TRUE(out.drop);
  EXPECT_EQ(out.text().find("STOPPING"), std::string::npos) << out.text();
  EXPECT_EQ(m_node->restart_count("Cisco Tomcat"), 0);
}

TEST_F(CliCommandsTest, DropAfterCommitCommitsButSendsNoReply) {
  const auto ca = test::make_certificate("Dropped Reply Root", true);
  m_faults.add(Fault{"node1", FaultKind::drop_after_commit, "set cert import trust", "", 0ms, 1, {}});
  run("set cert import trust tomcat");
  const auto out = m_cli->feed(ca.certificate.pem() + "\n");
  EXPECT_TRUE(out.drop);
  EXPECT_EQ(out.text().find("Successfully imported"), std::string::npos) << out.text();
  EXPECT_TRUE(m_node->find_trust("tomcat-trust/" + ca.certificate.trust_file_name()).has_value());
}

TEST_F(CliCommandsTest, DelayFaultDelaysTheReplyCountedTimes) {
  m_faults.add(Fault{"node1", FaultKind::delay, "show cert list", "", 700ms, 2, {}});
  EXPECT_EQ(feed("show cert list own").total_delay(), 700ms);
  EXPECT_EQ(feed("show cert list trust").total_delay(), 700ms);
  EXPECT_EQ(feed("show cert list own").total_delay(), 0ms);
  // count 0: until cleared.
  m_faults.add(Fault{"node1", FaultKind::delay, "", "", 100ms, 0, {}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(feed("show cert list own").total_delay(), 100ms);
  m_faults.clear();
  EXPECT_EQ(feed("show cert list own").total_delay(), 0ms);
}

TEST_F(CliCommandsTest, FaultsForAnotherNodeDoNotFire) {
  m_faults.add(Fault{"node2", FaultKind::refuse, "", "not me", 0ms, 0, {}});
  EXPECT_EQ(run("show cert list own").find("not me"), std::string::npos);
}

}  // namespace
}  // namespace vossim
