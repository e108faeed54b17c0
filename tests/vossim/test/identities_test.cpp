// Identities (issue 3, points 4 and 9): background creation with waiting first uses (IdentityFactory, SimNode's gate),
// the TLS pins file, multi-server (SAN) CSRs distributed from the publisher, and the tomcat-ECDSA unit with its
// EC key rules.

#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/identity_factory.hpp"
#include "tests/vossim/lab.hpp"
#include "tests/vossim/messages.hpp"
#include "tests/vossim/replicator.hpp"
#include "tests/vossim/tls_pins_writer.hpp"
#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include <atomic>
#include <map>
#include <sstream>
#include <thread>

namespace vossim {
namespace {

using namespace std::chrono_literals;
using trustctl::Product;
using trustctl::Role;
namespace fs = std::filesystem;

// ---- IdentityFactory -----------------------------------------------------------------------------------------

TEST(IdentityFactoryTest, WorkersRunEveryJobAndAWaiterRunsAQueuedJobItself) {
  IdentityFactory factory(1);
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  std::thread::id job2_thread;
  factory.add([&] {
    while (!release) std::this_thread::sleep_for(1ms);  // the only worker is busy here
    ++ran;
  });
  factory.add([&] { ++ran; });
  const std::size_t third = factory.add([&] {
    job2_thread = std::this_thread::get_id();
    ++ran;
  });
  factory.start();
  std::this_thread::sleep_for(20ms);
  factory.wait(third);  // not started yet: runs here, at once, while the worker is still busy
  EXPECT_EQ(job2_thread, std::this_thread::get_id());
  EXPECT_EQ(ran.load(), 1);
  EXPECT_FALSE(factory.wait_all_for(10ms));
  release = true;
  EXPECT_TRUE(factory.wait_all_for(5s));
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(factory.pending(), 0u);
}

TEST(IdentityFactoryTest, WaitOnARunningJobBlocksUntilItIsDone) {
  IdentityFactory factory(2);
  std::atomic<bool> done{false};
  const std::size_t job = factory.add([&] {
    std::this_thread::sleep_for(100ms);
    done = true;
  });
  factory.start();
  std::this_thread::sleep_for(20ms);
  factory.wait(job);
  EXPECT_TRUE(done.load());
}

// ---- SimNode: load first, identities later -------------------------------------------------------------------

TEST(DeferredIdentityTest, AFreshNodeWaitsForItsIdentityAndAWarmOneDoesNot) {
  test::TempDir dir;
  NodeSpec spec{"n1", "n1.lab.example", "c", Product::uccx, Role::publisher, "127.0.0.1", "12.5"};
  {
    SimNode node(spec, dir.path() / "n1");
    ASSERT_TRUE(node.load_state().has_value());
    EXPECT_TRUE(node.identities_missing());
    EXPECT_TRUE(node.fresh());
    EXPECT_FALSE(node.ready());
    EXPECT_FALSE(node.stored_tomcat_if_present().has_value());
    int waits = 0;
    node.set_identity_waiter([&] {
      ++waits;
      ASSERT_TRUE(node.create_missing_identities().has_value());
      node.finish_start();
    });
    const auto own = node.own_tomcat();  // the first use runs the waiter
    EXPECT_EQ(waits, 1);
    EXPECT_TRUE(node.ready());
    EXPECT_EQ(own.common_name(), "n1.lab.example");
    EXPECT_EQ(own.key_type(), "RSA");
    EXPECT_TRUE(node.find_trust("tomcat-trust/" + own.trust_file_name()).has_value());
    EXPECT_TRUE(node.loaded_identity("Cisco Tomcat", Clock::now()).has_value());
    node.trust_store();
    EXPECT_EQ(waits, 1);  // open gate: no more waiting
  }
  SimNode again(spec, dir.path() / "n1");
  ASSERT_TRUE(again.load_state().has_value());
  EXPECT_FALSE(again.identities_missing());
  EXPECT_FALSE(again.fresh());
  again.finish_start();
  EXPECT_TRUE(again.ready());
}

// ---- TLS pins -------------------------------------------------------------------------------------------------

TEST(TlsPinsTest, CreatesUpdatesAndKeepsOtherHosts) {
  test::TempDir dir;
  const fs::path file = dir.path() / "sub" / "tls_pins";
  ASSERT_TRUE(update_tls_pins(file, {TlsPin{"a.lab.example", 8443, "sha256/aa", true},
                                     TlsPin{"127.0.1.1", 8443, "sha256/aa", true}})
                  .has_value());
  std::string text = test::read_file(file);
  EXPECT_EQ(text.rfind("# ", 0), 0u) << text;
  EXPECT_NE(text.find("\na.lab.example:8443 sha256/aa\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n127.0.1.1:8443 sha256/aa\n"), std::string::npos) << text;

  std::ofstream(file, std::ios::app) << "# kept\nother.example:443 sha256/ff\n";
  // Not fresh: an existing line stays (trustctl's own update after a rotation wins); a missing one is added.
  ASSERT_TRUE(update_tls_pins(file, {TlsPin{"a.lab.example", 8443, "sha256/bb", false},
                                     TlsPin{"b.lab.example", 8443, "sha256/cc", false}})
                  .has_value());
  text = test::read_file(file);
  EXPECT_NE(text.find("a.lab.example:8443 sha256/aa\n"), std::string::npos) << text;
  EXPECT_NE(text.find("b.lab.example:8443 sha256/cc\n"), std::string::npos) << text;
  // Fresh: replaced in place; other hosts and comments kept.
  ASSERT_TRUE(update_tls_pins(file, {TlsPin{"a.lab.example", 8443, "sha256/dd", true}}).has_value());
  text = test::read_file(file);
  EXPECT_EQ(text.find("sha256/aa\na"), std::string::npos);
  EXPECT_NE(text.find("a.lab.example:8443 sha256/dd\n"), std::string::npos) << text;
  EXPECT_NE(text.find("127.0.1.1:8443 sha256/aa\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# kept\nother.example:443 sha256/ff\n"), std::string::npos) << text;
  EXPECT_EQ(test::count_of(text, "a.lab.example:8443"), 1);
  EXPECT_EQ(tls_pin_key("::1", 8443), "[::1]:8443");
}

// ---- Multi-server CSRs and tomcat-ECDSA at the interpreter ----------------------------------------------------

class IdentityUnitsTest : public ::testing::Test {
 protected:
  void make(Product product, const std::string& version) {
    m_dir = std::make_unique<test::TempDir>();
    m_publisher = std::make_unique<SimNode>(
        NodeSpec{"pub", "pub.lab.example", "c", product, Role::publisher, "127.0.0.1", version}, m_dir->path() / "pub");
    m_subscriber = std::make_unique<SimNode>(
        NodeSpec{"sub", "sub.lab.example", "c", product, Role::subscriber, "127.0.0.2", version}, m_dir->path() / "sub");
    ASSERT_TRUE(m_publisher->load_or_initialize().has_value());
    ASSERT_TRUE(m_subscriber->load_or_initialize().has_value());
    std::vector<SimNode*> members = {m_publisher.get(), m_subscriber.get()};
    Lab::seed_cluster_trust(members);
    Lab::connect_cluster(members, m_replicator);
    std::vector<const SimNode*> view(members.begin(), members.end());
    for (SimNode* member : members) member->set_cluster(view);
    m_replicator.start();
    m_pub_cli = cli(*m_publisher);
    m_sub_cli = cli(*m_subscriber);
  }
  std::unique_ptr<CliInterpreter> cli(SimNode& node) {
    CliSettings settings;
    settings.restart_duration = 50ms;
    auto interpreter = std::make_unique<CliInterpreter>(node, settings);
    interpreter->start();
    interpreter->feed("set cli pagination off\r");
    return interpreter;
  }
  static std::string run(CliInterpreter& cli, const std::string& line) { return cli.feed(line + "\r").text(); }
  static std::string paste(CliInterpreter& cli, const std::string& command, const std::string& pem) {
    std::string out = run(cli, command);
    EXPECT_NE(out.find(msg::kPastePrompt), std::string::npos) << out;
    return cli.feed(pem + "\n\n").text();
  }

  void TearDown() override { m_replicator.stop_and_flush(); }  // before the nodes go

  Replicator m_replicator{20ms};
  std::unique_ptr<test::TempDir> m_dir;
  std::unique_ptr<SimNode> m_publisher;
  std::unique_ptr<SimNode> m_subscriber;
  std::unique_ptr<CliInterpreter> m_pub_cli;
  std::unique_ptr<CliInterpreter> m_sub_cli;
};

TEST_F(IdentityUnitsTest, MultiServerCsrOnThePublisherIsDistributedToEveryNodeItNames) {
  make(Product::uccx, "12.5");
  std::string out = run(*m_pub_cli, "set csr gen tomcat multi-server");
  EXPECT_NE(out.find(msg::kCsrOuQuestion), std::string::npos) << out;
  out = run(*m_pub_cli, "no");
  EXPECT_NE(out.find("Successfully Generated CSR for tomcat\r\n"), std::string::npos) << out;
  const auto csr = m_publisher->pending_csr();
  ASSERT_TRUE(csr.has_value());
  EXPECT_EQ(csr->common_name, "pub-ms.lab.example");
  EXPECT_EQ(csr->dns_names, (std::vector<std::string>{"pub.lab.example", "sub.lab.example"}));
  EXPECT_TRUE(m_publisher->pending_csr_multi_server());
  EXPECT_EQ(m_publisher->describe(Clock::now())["pending_csr"]["distribution"], "multi-server");

  // Only on the publisher.
  out = run(*m_sub_cli, "set csr gen tomcat multi-server");
  EXPECT_NE(out.find(msg::kMultiServerOnPublisher), std::string::npos) << out;
  EXPECT_FALSE(m_subscriber->pending_csr().has_value());

  // The CA signs it; the CA goes to the publisher's tomcat-trust (and replicates); the import distributes.
  const auto ca = test::make_certificate("Lab Root", true);
  m_publisher->import_trust({ca.certificate}, Clock::now());
  const auto signed_cert = test::sign_csr(csr->pem, ca, csr->common_name, csr->dns_names);
  const auto sub_before = m_subscriber->own_tomcat();
  out = paste(*m_pub_cli, "set cert import own tomcat", signed_cert.pem());
  EXPECT_NE(out.find("Successfully imported certificate for tomcat."), std::string::npos) << out;
  EXPECT_NE(out.find(std::string(msg::kDistributedPrefix) + "sub.lab.example"), std::string::npos) << out;
  EXPECT_EQ(m_publisher->own_tomcat(), signed_cert);
  EXPECT_FALSE(m_publisher->pending_csr().has_value());

  // After the replication delay the subscriber stores it too (its services load it at their next restart).
  for (int i = 0; i < 200 && m_subscriber->own_tomcat() == sub_before; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(m_subscriber->own_tomcat(), signed_cert);
  EXPECT_TRUE(fs::exists(m_dir->path() / "sub" / "tomcat" / "tomcat.pem"));
  EXPECT_EQ(m_subscriber->loaded_identity("Cisco Tomcat", Clock::now())->certificate, sub_before);
  const auto plan = m_subscriber->begin_restart("Cisco Tomcat", Clock::now(), 0ms);
  EXPECT_EQ(m_subscriber->loaded_identity("Cisco Tomcat", plan.end())->certificate, signed_cert);

  // A SAN that differs from the CSR's is still refused.
  run(*m_pub_cli, "set csr gen tomcat multi-server");
  run(*m_pub_cli, "yes");
  const auto again = m_publisher->pending_csr();
  const auto wrong = test::sign_csr(again->pem, ca, again->common_name, {"pub.lab.example"});
  out = paste(*m_pub_cli, "set cert import own tomcat", wrong.pem());
  EXPECT_NE(out.find(msg::kCsrSanMismatch), std::string::npos) << out;
}

TEST_F(IdentityUnitsTest, TomcatEcdsaUnitWithItsCommandsAndKeyRules) {
  make(Product::finesse, "12.5");
  ASSERT_TRUE(m_publisher->has_unit(kTomcatEcdsaUnit));
  const auto ec = m_publisher->own_identity(kTomcatEcdsaUnit);
  ASSERT_TRUE(ec.has_value());
  EXPECT_EQ(ec->key_type(), "EC");
  EXPECT_EQ(ec->key_bits(), 256);
  EXPECT_EQ(ec->common_name(), "pub-EC.lab.example");
  EXPECT_TRUE(ec->is_self_issued());
  // Its own and its peer's EC self-signed certificates sit in tomcat-trust (DOMAIN.md section 2).
  EXPECT_TRUE(m_publisher->find_trust("tomcat-trust/" + ec->trust_file_name()).has_value());
  EXPECT_TRUE(m_subscriber->find_trust("tomcat-trust/" + ec->trust_file_name()).has_value());
  EXPECT_TRUE(fs::exists(m_dir->path() / "pub" / "tomcat-ECDSA" / "tomcat-ECDSA.pem"));

  std::string out = run(*m_pub_cli, "show cert list own");
  EXPECT_NE(out.find("tomcat-ECDSA/tomcat-ECDSA.pem: Self-signed certificate generated by system"), std::string::npos)
      << out;
  out = run(*m_pub_cli, "show cert own tomcat-ECDSA");
  EXPECT_NE(out.find("Key: EC (256 bits)"), std::string::npos) << out;
  EXPECT_NE(out.find("CN=pub-EC.lab.example"), std::string::npos) << out;

  // No CSR yet: the unit's own path in the message.
  const auto ca = test::make_certificate("Lab EC Root", true);
  m_publisher->import_trust({ca.certificate}, Clock::now());
  out = paste(*m_pub_cli, "set cert import own tomcat-ECDSA", ca.certificate.pem());
  EXPECT_NE(out.find("File /usr/local/platform/.security/tomcat-ECDSA/keys/tomcat-ECDSA.csr does not exist"),
            std::string::npos)
      << out;

  out = run(*m_pub_cli, "set csr gen tomcat-ECDSA");
  EXPECT_NE(out.find(msg::kCsrOuQuestion), std::string::npos) << out;
  out = run(*m_pub_cli, "yes");
  EXPECT_NE(out.find("Successfully Generated CSR for tomcat-ECDSA\r\n"), std::string::npos) << out;
  out = run(*m_pub_cli, "show csr own tomcat-ECDSA");
  EXPECT_NE(out.find("-----BEGIN CERTIFICATE REQUEST-----"), std::string::npos) << out;
  EXPECT_FALSE(m_publisher->pending_csr().has_value());  // the tomcat unit has its own (none)
  const auto csr = m_publisher->pending_csr(kTomcatEcdsaUnit);
  ASSERT_TRUE(csr.has_value());
  EXPECT_TRUE(fs::exists(m_dir->path() / "pub" / "tomcat-ECDSA" / "keys" / "tomcat-ECDSA.csr"));

  // An RSA key is refused for tomcat-ECDSA (EC 256/384/521 only), before the key match.
  auto rsa = trustctl::pki::KeyPair::generate("rsa-2048");
  ASSERT_TRUE(rsa.has_value());
  const auto rsa_cert = test::sign_csr(csr->pem, ca, csr->common_name, csr->dns_names, &*rsa);
  out = paste(*m_pub_cli, "set cert import own tomcat-ECDSA", rsa_cert.pem());
  EXPECT_NE(out.find(msg::kEcdsaKeyRefused), std::string::npos) << out;
  EXPECT_FALSE(m_publisher->identity_key_allowed("EC", 224, kTomcatEcdsaUnit));
  EXPECT_TRUE(m_publisher->identity_key_allowed("EC", 384, kTomcatEcdsaUnit));
  EXPECT_TRUE(m_publisher->identity_key_allowed("EC", 521, kTomcatEcdsaUnit));

  const auto signed_cert = test::sign_csr(csr->pem, ca, csr->common_name, csr->dns_names);
  out = paste(*m_pub_cli, "set cert import own tomcat-ECDSA", signed_cert.pem());
  EXPECT_NE(out.find("Successfully imported certificate for tomcat-ECDSA."), std::string::npos) << out;
  EXPECT_EQ(*m_publisher->own_identity(kTomcatEcdsaUnit), signed_cert);
  EXPECT_TRUE(m_publisher->own_tomcat().is_self_issued());  // the RSA unit is untouched

  // Regen overwrites the CA-signed one with a new EC self-signed identity, which replaces the old one in trust.
  out = run(*m_pub_cli, "set cert regen tomcat-ECDSA");
  EXPECT_NE(out.find(std::string(msg::kRegenWarningPrefix) + "tomcat-ECDSA"), std::string::npos) << out;
  out = run(*m_pub_cli, "yes");
  EXPECT_NE(out.find("Successfully Regenerated Certificate for tomcat-ECDSA."), std::string::npos) << out;
  const auto regenerated = m_publisher->own_identity(kTomcatEcdsaUnit);
  EXPECT_TRUE(regenerated->is_self_issued());
  EXPECT_EQ(regenerated->key_type(), "EC");
  EXPECT_NE(*regenerated, *ec);
  EXPECT_TRUE(m_publisher->find_trust("tomcat-trust/" + regenerated->trust_file_name()).has_value());
  EXPECT_FALSE(m_publisher->find_trust("tomcat-trust/" + ec->trust_file_name()).has_value());
}

TEST_F(IdentityUnitsTest, TomcatEcdsaExistsOnUccxFrom11Point5AndLater) {
  // docs/appliances.md section 2: UCCX, MediaSense and SocialMiner have tomcat-ECDSA from 11.5 and later.
  make(Product::uccx, "12.5");
  EXPECT_TRUE(m_publisher->has_unit(kTomcatEcdsaUnit));
  std::string out = run(*m_pub_cli, "show cert list own");
  EXPECT_NE(out.find("tomcat-ECDSA/tomcat-ECDSA.pem: "), std::string::npos) << out;
  out = run(*m_pub_cli, "set csr gen tomcat-ECDSA");
  EXPECT_NE(out.find(msg::kCsrOuQuestion), std::string::npos) << out;

  for (Product product : {Product::uccx, Product::socialminer, Product::mediasense, Product::cucm}) {
    for (const char* version : {"11.5", "11.5(1)", "11.6", "12.5", "15.0", ""}) {
      EXPECT_TRUE(supports_ecdsa(product, version)) << trustctl::to_string(product) << " " << version;
    }
    EXPECT_FALSE(supports_ecdsa(product, "11.0")) << trustctl::to_string(product);
    EXPECT_FALSE(supports_ecdsa(product, "10.5")) << trustctl::to_string(product);
  }
  EXPECT_FALSE(supports_ecdsa(Product::external, "14.0"));
}

TEST_F(IdentityUnitsTest, Before11Point5ThereIsNoTomcatEcdsa) {
  make(Product::uccx, "11.0");
  EXPECT_FALSE(m_publisher->has_unit(kTomcatEcdsaUnit));
  std::string out = run(*m_pub_cli, "show cert own tomcat-ECDSA");
  EXPECT_NE(out.find(std::string(msg::kNoSuchUnit) + "tomcat-ECDSA"), std::string::npos) << out;
  out = run(*m_pub_cli, "set csr gen tomcat-ECDSA");
  EXPECT_NE(out.find(msg::kNoValidCommand), std::string::npos) << out;
  out = run(*m_pub_cli, "show cert list own");
  EXPECT_EQ(out.find("tomcat-ECDSA"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(m_dir->path() / "pub" / "tomcat-ECDSA"));
}

// ---- The binary: listening before identities exist, TLS pins -------------------------------------------------

std::string pins_site(const std::string& subnet) {
  return "version = 1\n"
         "[site]\nname = \"pins\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
         "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"VOSSIM_PINS_PASSWORD\"\n"
         "[connection]\ncredentials = \"os-admin\"\nssh_port = 2222\nknown_hosts = \"state/known_hosts\"\n"
         "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
         "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" + subnet + ".1\" },\n"
         "  { name = \"uccx2\", fqdn = \"uccx2.lab.example\", role = \"subscriber\", address = \"" + subnet + ".2\" },\n"
         "]\n"
         "[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14.0\"\nnodes = [\n"
         "  { name = \"cucm1\", fqdn = \"cucm1.lab.example\", role = \"publisher\", address = \"" + subnet +
         ".3\", https_port = 9443, tls_pins = \"state/cucm_pins\" },\n"
         "]\n";
}

std::map<std::string, std::string> read_pins(const fs::path& file) {
  std::map<std::string, std::string> pins;
  std::istringstream in(test::read_file(file));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string key;
    std::string pin;
    words >> key >> pin;
    pins[key] = pin;
  }
  return pins;
}

TEST(IdentityProcessTest, ListensBeforeIdentitiesExistAndPinsEachPlatformCertificate) {
  test::TempDir dir;
  ::setenv("VOSSIM_PINS_PASSWORD", "Pins-Secret-1", 1);
  const std::string subnet = "127.0.181";
  const fs::path site = dir.path() / "site.toml";
  std::ofstream(site) << pins_site(subnet);
  fs::create_directories(dir.path() / "state");
  std::ofstream(dir.path() / "state" / "tls_pins") << "# recorded by hand\nother.example:443 sha256/00ff\n";

  std::map<std::string, std::string> first;
  {
    // No grace for identities: the ready line comes as soon as every socket listens.
    test::SimProcess sim(site, dir.path(), {"--identity-wait-ms", "0"});
    ASSERT_EQ(sim.wait_ready(), "vos-sim: 3 nodes listening\n") << sim.stderr_text();
    // The first use of a node waits for (or makes) its identity: the handshake succeeds.
    const auto probe = test::tls_probe(subnet + ".2", 8443);
    ASSERT_TRUE(probe.handshake) << sim.stderr_text();
    const auto cucm = test::tls_probe(subnet + ".3", 9443);
    ASSERT_TRUE(cucm.handshake) << sim.stderr_text();
    const auto uccx1 = test::tls_probe(subnet + ".1", 8443);
    ASSERT_TRUE(uccx1.handshake);

    first = read_pins(dir.path() / "state" / "tls_pins");
    EXPECT_EQ(first["uccx2.lab.example:8443"], "sha256/" + probe.chain.front().fingerprint());
    EXPECT_EQ(first[subnet + ".2:8443"], "sha256/" + probe.chain.front().fingerprint());
    EXPECT_EQ(first["uccx1.lab.example:8443"], "sha256/" + uccx1.chain.front().fingerprint());
    EXPECT_EQ(first[subnet + ".1:8443"], "sha256/" + uccx1.chain.front().fingerprint());
    EXPECT_EQ(first["other.example:443"], "sha256/00ff");  // other hosts kept
    EXPECT_EQ(first.count("cucm1.lab.example:9443"), 0u);   // the node's own override
    EXPECT_EQ(test::read_file(dir.path() / "state" / "tls_pins").rfind("# recorded by hand\n", 0), 0u);
    const auto cucm_pins = read_pins(dir.path() / "state" / "cucm_pins");
    EXPECT_EQ(cucm_pins.at("cucm1.lab.example:9443"), "sha256/" + cucm.chain.front().fingerprint());
    EXPECT_EQ(cucm_pins.at(subnet + ".3:9443"), "sha256/" + cucm.chain.front().fingerprint());
    // The pin is SHA-256 over the DER certificate.
    EXPECT_EQ(first["uccx2.lab.example:8443"].size(), 7u + 64u);
    EXPECT_EQ(sim.terminate_and_wait(), 0);
  }
  // The stored identity changed while the lab was down (as after an import and a restart): the node serves the new
  // one, but vos-sim leaves the pins alone; updating them is trustctl's job, as on a real appliance.
  const auto replacement = test::make_certificate("uccx2.lab.example", false);
  std::ofstream(dir.path() / "sim-key.pem") << replacement.key.private_pem();
  std::ofstream(dir.path() / "state" / "vos-sim" / "uccx2" / "tomcat" / "tomcat.pem", std::ios::trunc)
      << replacement.certificate.pem();
  std::ofstream(dir.path() / "state" / "vos-sim" / "uccx2" / "tomcat" / "tomcat.key", std::ios::trunc)
      << replacement.key.private_pem();
  test::SimProcess again(site, dir.path());
  ASSERT_EQ(again.wait_ready(), "vos-sim: 3 nodes listening\n") << again.stderr_text();
  const auto probe = test::tls_probe(subnet + ".2", 8443);
  ASSERT_TRUE(probe.handshake);
  EXPECT_EQ(probe.chain.front(), replacement.certificate);
  EXPECT_EQ(read_pins(dir.path() / "state" / "tls_pins"), first);
}

}  // namespace
}  // namespace vossim
