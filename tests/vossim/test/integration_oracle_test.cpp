// The integration oracle (control API GET /integrations) against the real binary, changed only through the admin
// CLI over SSH as an administrator (or trustctl) would: the caller judges with the tomcat-trust its service loaded at
// its last start; the callee's port is handshaken as a Java peer would (tomcat-ECDSA where section 10 presents it);
// UCCX -> CUCM fails on a critical extended key usage and on an expired certificate; Finesse refuses DHE and
// RSASSA-PSS gadget hosts. Addresses: 127.0.135-137.x.

#include "tests/vossim/integration_oracle.hpp"
#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/site_text.hpp"
#include "tests/vossim/test/ssh_shell.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <thread>

namespace vossim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kPasswordEnv = "VOSSIM_ORACLE_PASSWORD";
constexpr const char* kPassword = "Oracle-1";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class OracleTest : public ::testing::Test {
 protected:
  void start(const std::string& subnet, const std::vector<test::SiteCluster>& clusters, const std::string& extra,
             std::vector<std::string> flags = {}) {
    m_subnet = subnet;
    ::setenv(kPasswordEnv, kPassword, 1);
    std::ofstream(m_dir.path() / "site.toml") << test::site_toml(subnet, kPasswordEnv, clusters, extra);
    flags.insert(flags.end(), {"--control-port", "0"});
    m_sim = std::make_unique<test::SimProcess>(m_dir.path() / "site.toml", m_dir.path(), flags);
    const std::string ready = m_sim->wait_ready();
    ASSERT_NE(ready.find("listening control=127.0.0.1:"), std::string::npos) << ready << m_sim->stderr_text();
    m_control = std::stoi(ready.substr(ready.rfind(':') + 1));
    m_token = test::read_file(state() / "control.token");
    m_token.pop_back();
  }
  fs::path state() const { return m_dir.path() / "state" / "vos-sim"; }
  std::string identity_pem(const std::string& node, const std::string& unit) const {
    return test::read_file(state() / node / unit / (unit + ".pem"));
  }
  json integrations() {
    const auto answer = test::http_call("127.0.0.1", m_control, "GET", "/integrations", m_token);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return json::parse(answer.body);
  }
  // The oracle's row for from -> to:port (null json when there is none).
  json row(const std::string& from, const std::string& to, int port) {
    const json all = integrations();
    for (const auto& r : all["integrations"]) {
      if (r["from"] == from && r["to"] == to && r["port"] == port) return r;
    }
    ADD_FAILURE() << "no row " << from << " -> " << to << ":" << port;
    return json();
  }
  std::unique_ptr<test::ShellClient> cli(int host) {
    auto shell = std::make_unique<test::ShellClient>(m_subnet + "." + std::to_string(host), test::kSitePort,
                                                     m_dir.path() / "state" / "known_hosts", kPassword);
    EXPECT_TRUE(shell->ok() && shell->ready());
    shell->run("set cli pagination off");
    return shell;
  }
  void restart(test::ShellClient& shell, const std::string& service) {
    EXPECT_TRUE(contains(shell.run("utils service restart " + service), service + "[STARTED]"));
  }

  test::TempDir m_dir;
  std::string m_subnet;
  int m_control = 0;
  std::string m_token;
  std::unique_ptr<test::SimProcess> m_sim;
};

TEST_F(OracleTest, TheCallerJudgesWithTheTrustItsServiceLoadedAtItsLastStart) {
  start("127.0.135",
        {{"uccx", "uccx", "12.5", {{"uccx1", "publisher", 1}, {"uccx2", "subscriber", 2}}},
         {"socialminer", "socialminer", "12.5", {{"sm1", "publisher", 3}}}},
        "[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n");
  const json first = integrations();
  // UCCX calls SocialMiner's REST (443) and notifications (7443); SocialMiner calls each UCCX node's Tomcat.
  ASSERT_EQ(first["integrations"].size(), 6u) << first.dump(2);
  for (const auto& r : first["integrations"]) {
    EXPECT_FALSE(r["ok"].get<bool>()) << r.dump();
    EXPECT_TRUE(contains(r["reason"], "self-signed certificate")) << r.dump();
    EXPECT_EQ(r["integration"], "uccx -> socialminer");
  }
  EXPECT_EQ(row("sm1", "uccx2", 8443)["caller_service"], "SocialMiner Runtime");
  EXPECT_TRUE(contains(row("uccx1", "sm1", 7443)["reason"], "CN=sm1-EC.lab.example")) << "Openfire presents ECDSA";

  // SocialMiner's RSA identity uploaded on the subscriber: it replicates to the publisher, but the Engine still
  // judges with what it loaded at its start.
  auto uccx2 = cli(2);
  EXPECT_TRUE(contains(uccx2->paste("set cert import trust tomcat", identity_pem("sm1", "tomcat")),
                       "Successfully imported certificate for tomcat."));
  std::this_thread::sleep_for(500ms);  // the replication delay (200 ms)
  EXPECT_FALSE(row("uccx1", "sm1", 443)["ok"].get<bool>());
  auto uccx1 = cli(1);
  restart(*uccx1, "Cisco Unified CCX Engine");
  const json rest = row("uccx1", "sm1", 443);
  EXPECT_TRUE(rest["ok"].get<bool>()) << rest.dump();
  EXPECT_TRUE(contains(rest["reason"], "accepts CN=sm1.lab.example")) << rest.dump();
  EXPECT_FALSE(row("uccx2", "sm1", 443)["ok"].get<bool>()) << "uccx2's Engine was not restarted";
  EXPECT_FALSE(row("uccx1", "sm1", 7443)["ok"].get<bool>()) << "the EC identity is not trusted yet";
  restart(*uccx1, "Cisco Tomcat");
  EXPECT_FALSE(row("uccx2", "sm1", 443)["ok"].get<bool>()) << "restarting another service changes nothing";

  // The EC identity too, then the Engine: the notifications call works.
  uccx1->paste("set cert import trust tomcat", identity_pem("sm1", "tomcat-ECDSA"));
  restart(*uccx1, "Cisco Unified CCX Engine");
  EXPECT_TRUE(row("uccx1", "sm1", 7443)["ok"].get<bool>());
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST_F(OracleTest, ACriticalExtendedKeyUsageOrAnExpiredCucmIdentityBreaksUccxToCucm) {
  start("127.0.136",
        {{"uccx", "uccx", "12.5", {{"uccx1", "publisher", 1}}},
         {"cucm", "cucm", "14", {{"cucm1", "publisher", 3, "https_port = 9443"}}}},
        "[[integration]]\nfrom = \"uccx\"\nto = \"cucm\"\n");
  const auto ca = test::make_certificate("Corp Issuing CA", true);
  auto uccx1 = cli(1);
  auto cucm1 = cli(3);
  uccx1->paste("set cert import trust tomcat", ca.certificate.pem());
  restart(*uccx1, "Cisco Unified CCX Engine");
  cucm1->paste("set cert import trust tomcat", ca.certificate.pem());
  // A CA-signed CUCM identity: its Tomcat presents it after a restart.
  auto install = [&](const test::SignOptions& options) {
    cucm1->answer("set csr gen tomcat", "no");
    std::string csr = cucm1->run("show csr own tomcat");
    csr = csr.substr(csr.find("-----BEGIN"), csr.find("-----END CERTIFICATE REQUEST-----") + 33 - csr.find("-----BEGIN"));
    const auto leaf = test::sign_csr(csr, ca, "cucm1.lab.example", {"cucm1.lab.example", "lab.example"}, nullptr,
                                     options);
    EXPECT_TRUE(contains(cucm1->paste("set cert import own tomcat", leaf.pem()), "Successfully imported"));
    restart(*cucm1, "Cisco Tomcat");
  };
  install({"serverAuth,clientAuth"});
  json r = row("uccx1", "cucm1", 9443);
  EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();

  install({"critical,serverAuth,clientAuth"});
  r = row("uccx1", "cucm1", 9443);
  EXPECT_FALSE(r["ok"].get<bool>()) << r.dump();
  EXPECT_TRUE(contains(r["reason"], "critical extension(s) X509v3 Extended Key Usage")) << r.dump();
  EXPECT_TRUE(contains(r["reason"], "Invalid user ID/password")) << r.dump();

  install({"serverAuth,clientAuth", 4});  // lasts four seconds
  EXPECT_TRUE(row("uccx1", "cucm1", 9443)["ok"].get<bool>());
  std::this_thread::sleep_for(5s);
  r = row("uccx1", "cucm1", 9443);
  EXPECT_FALSE(r["ok"].get<bool>()) << r.dump();
  EXPECT_TRUE(contains(r["reason"], "certificate has expired")) << r.dump();
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST_F(OracleTest, FinesseRefusesDheAndRsaPssGadgetHostsAndTrustsOnlyAfterItsRestart) {
  // Three gadget hosts under one RSA root: one negotiating only DHE, one whose chain is signed with RSASSA-PSS, one
  // that does neither.
  const auto root = test::make_certificate("Gadget Root CA", true, nullptr, 365, 0, "rsa-2048");
  std::vector<std::string> flags;
  std::string extra;
  int host = 5;
  for (const std::string name : {"dhe", "pss", "good"}) {
    auto key = trustctl::pki::KeyPair::generate("rsa-2048");
    trustctl::pki::CertificateSpec spec{.common_name = name + ".gadgets.example",
                                       .dns_names = {name + ".gadgets.example"}};
    spec.rsa_pss = name == "pss";
    auto leaf = trustctl::pki::issue_certificate(spec, *key, &root.certificate, root.key);
    ASSERT_TRUE(leaf.has_value());
    const fs::path chain = m_dir.path() / (name + ".pem");
    const fs::path key_file = m_dir.path() / (name + ".key");
    std::ofstream(chain) << leaf->pem() << root.certificate.pem();
    std::ofstream(key_file) << key->private_pem();
    flags.insert(flags.end(), {"--external", name + "=" + chain.string() + ":" + key_file.string() +
                                                 (name == "dhe" ? ":DHE-RSA-AES256-SHA" : "")});
    extra += "[[cluster]]\nname = \"" + name + "\"\nproduct = \"external\"\nnodes = [{ name = \"" + name +
             "\", fqdn = \"" + name + ".gadgets.example\", https_port = 443, address = \"127.0.137." +
             std::to_string(host++) + "\" }]\n";
  }
  for (const std::string name : {"dhe", "pss", "good"}) {
    extra += "[[integration]]\nfrom = \"finesse\"\nto = \"" + name + "\"\n";
  }
  start("127.0.137", {{"finesse", "finesse", "12.5", {{"fin1", "publisher", 1}}}}, extra, flags);
  EXPECT_TRUE(contains(row("fin1", "dhe", 443)["reason"], "negotiated the DHE suite DHE-RSA-AES256-SHA"));
  EXPECT_TRUE(contains(row("fin1", "pss", 443)["reason"], "RSASSA-PSS"));
  json good = row("fin1", "good", 443);
  EXPECT_FALSE(good["ok"].get<bool>());
  EXPECT_TRUE(contains(good["reason"], "self-signed certificate in certificate chain")) << good.dump();
  EXPECT_EQ(good["caller_service"], "Cisco Finesse Tomcat");

  auto fin1 = cli(1);
  fin1->paste("set cert import trust tomcat", root.certificate.pem());
  EXPECT_FALSE(row("fin1", "good", 443)["ok"].get<bool>()) << "Finesse Tomcat still runs with its old trust";
  restart(*fin1, "Cisco Finesse Tomcat");
  EXPECT_TRUE(row("fin1", "good", 443)["ok"].get<bool>());
  EXPECT_FALSE(row("fin1", "dhe", 443)["ok"].get<bool>()) << "trusted, but DHE";
  EXPECT_FALSE(row("fin1", "pss", 443)["ok"].get<bool>()) << "trusted, but RSASSA-PSS";
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST(OracleTable, EveryIntegrationOfTheGuidesHasItsCallsAndOthersHaveNone) {
  using trustctl::Product;
  EXPECT_EQ(oracle_calls(Product::uccx, Product::socialminer, "").size(), 3u);
  EXPECT_EQ(oracle_calls(Product::uccx, Product::cucm, "")[0].critical_extensions_break, true);
  EXPECT_EQ(oracle_calls(Product::uccx, Product::external, "script").size(), 1u);
  EXPECT_EQ(oracle_calls(Product::uccx, Product::external, "script")[0].caller_service, "Cisco Unified CCX Engine");
  EXPECT_TRUE(oracle_calls(Product::finesse, Product::external, "")[0].finesse_gadget_rules);
  EXPECT_EQ(oracle_calls(Product::mediasense, Product::uccx, "")[0].callee_port, 8445);
  EXPECT_EQ(oracle_calls(Product::finesse, Product::cuic, "").size(), 2u);
  EXPECT_TRUE(oracle_calls(Product::cucm, Product::uccx, "").empty());
  EXPECT_TRUE(oracle_calls(Product::finesse, Product::external, "script").empty());
}

}  // namespace
}  // namespace vossim
