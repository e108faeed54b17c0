// The HTTPS side against a real vos-sim over real sockets: the CUCM 14 certificate REST (trust upload and read-back,
// CSR signed here and uploaded as the identity, then the rotation of the pin after the restart), the failures that
// must never be retried (wrong password, wrong pin: nothing reaches the appliance), and Finesse SystemInfo on UCCX.
// Nodes listen on 127.0.8N.x (one subnet per test); service ports other than https_port are shifted by --port-offset.

#include "engine/config/secrets.hpp"
#include "engine/config/site_loader.hpp"
#include "providers/cucm/cucm_rest.hpp"
#include "providers/finesse/system_info.hpp"
#include "providers/pki/csr_signer.hpp"
#include "providers/transport/http_client.hpp"
#include "providers/transport/ssh_cli_session.hpp"
#include "providers/transport/tls_pins.hpp"
#include "providers/vos/port_handshakes.hpp"
#include "providers/vos/vos_cli.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_units.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace trustctl {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::write_text;

constexpr int kHttpsPort = 18443;
constexpr int kSshPort = 22080;
constexpr const char* kPassword = "https-e2e-secret";

class HttpsLab : public ::testing::Test {
 protected:
  // ctest runs each test in its own process, possibly at the same time: each gets its own loopback subnet.
  static std::string subnet() {
    static const char* const names[] = {"TrustUploadedByRestIsReadBackExactlyAsSent",
                                        "CsrSignedByTheSiteCaBecomesTheIdentityAndThePinFollowsTheRotation",
                                        "AWrongPasswordIsAnAuthenticationErrorNamingUserAndCredentialSet",
                                        "AWrongPinIsATlsErrorAndNoRequestReachesTheAppliance",
                                        "SystemInfoOnAUccxNodeIsInService"};
    std::string current = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (int i = 0; i < 5; ++i) {
      if (current == names[i]) return "127.0." + std::to_string(80 + i) + ".";
    }
    return "127.0.89.";
  }

  void SetUp() override {
    const std::string net = subnet();
    m_dir = fs::temp_directory_path() / ("trustctl-e2e-https-" + std::to_string(getpid()));
    fs::remove_all(m_dir);
    write_text(m_dir / "pki/corp-root.pem", m_root.certificate.pem());
    write_text(m_dir / "secrets/os-admin", std::string(kPassword) + "\n");
    fs::permissions(m_dir / "secrets/os-admin", fs::perms::owner_read | fs::perms::owner_write);
    write_text(m_dir / "site.toml",
               "version = 1\n\n[site]\nname = \"https-e2e\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n\n"
               "[credentials.os-admin]\nusername = \"admin\"\npassword_file = \"secrets/os-admin\"\n\n"
               "[connection]\ncredentials = \"os-admin\"\nssh_port = " + std::to_string(kSshPort) +
               "\nhttps_port = " + std::to_string(kHttpsPort) +
               "\nknown_hosts = \"state/known_hosts\"\ntls_pins = \"state/tls_pins\"\ntimeout_s = 30\n"
               "answer_delay_ms = 20\n\n"
               "[[ca]]\nname = \"corp-root\"\ncertificate = \"pki/corp-root.pem\"\n\n"
               "[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14\"\nnodes = [\n"
               "  { name = \"cucm1\", fqdn = \"cucm1.lab.example\", role = \"publisher\", address = \"" + net + "1\" },\n"
               "  { name = \"cucm2\", fqdn = \"cucm2.lab.example\", role = \"subscriber\", address = \"" + net + "2\" },\n"
               "]\n\n"
               "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
               "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" + net + "3\" },\n"
               "]\n");
    m_sim = std::make_unique<testing::Server>(
        std::vector<std::string>{VOS_SIM_BIN, (m_dir / "site.toml").string(), "--state-dir", (m_dir / "sim").string(),
                                 "--port-offset", "20000", "--replication-delay-ms", "200", "--restart-ms", "100",
                                 // The fixture reads the identities from the state directory at once: wait for
                                 // them however loaded the machine is.
                                 "--identity-wait-ms", "120000"},
        "nodes listening");
    auto site = config::load_site_or_error(m_dir / "site.toml", providers::vos_units());
    ASSERT_TRUE(site) << site.error().describe();
    m_site = std::move(*site);
    auto secret = config::resolve_credentials(*m_site.find_credentials("os-admin"));
    ASSERT_TRUE(secret) << secret.error().describe();
    m_secret = *secret;
    // Like an administrator after the install: pin each node's platform certificate. vos-sim may have written the
    // same lines already; update_pins keeps one line per host:port either way.
    for (const char* name : {"cucm1", "cucm2", "uccx1"}) {
      const Node& node = *m_site.find_node(name);
      auto presented = presented_identity(name);
      ASSERT_TRUE(update_pins(node, presented.fingerprint()));
    }
  }
  void TearDown() override {
    m_sim.reset();
    fs::remove_all(m_dir);
  }

  // What the node's Tomcat loaded at its last start: the stored identity before any restart.
  Certificate presented_identity(const std::string& node) const {
    auto certificates = parse_certificates(read_text(m_dir / "sim" / node / "tomcat/tomcat.pem"));
    EXPECT_TRUE(certificates);
    return certificates->front();
  }

  Result<void> update_pins(const Node& node, const std::string& fingerprint) const {
    return transport::update_pins(node.connection.tls_pins,
                                  {transport::pin_key(node.fqdn, kHttpsPort), transport::pin_key(node.address, kHttpsPort)},
                                  fingerprint);
  }

  std::unique_ptr<transport::HttpClient> https(const std::string& name, config::Secret secret) {
    auto client = transport::open_https(*m_site.find_node(name), m_site, secret,
                                        [this](const std::string& line) { m_log.push_back(line); });
    EXPECT_TRUE(client) << client.error().describe();
    return std::move(*client);
  }
  std::unique_ptr<transport::HttpClient> https(const std::string& name) { return https(name, m_secret); }

  int rest_calls(const std::string& node) const {
    int n = 0;
    std::ifstream in(m_dir / "sim" / node / "commands.log");
    for (std::string line; std::getline(in, line);) {
      n += !line.empty() && nlohmann::json::parse(line).value("channel", "") == "rest";
    }
    return n;
  }

  fs::path m_dir;
  testing::TestCa m_root = testing::make_root("Corp Root CA");
  std::unique_ptr<testing::Server> m_sim;
  Site m_site;
  config::Secret m_secret;
  std::vector<std::string> m_log;
};

TEST_F(HttpsLab, TrustUploadedByRestIsReadBackExactlyAsSent) {
  auto cucm1 = https("cucm1");
  ASSERT_TRUE(cucm::upload_trust(*cucm1, {m_root.certificate}, "trustctl e2e: corp-root"));
  // Uploading what is there already is a 200 no-op.
  ASSERT_TRUE(cucm::upload_trust(*cucm1, {m_root.certificate}, "trustctl e2e: corp-root"));

  auto listed = cucm::list_trust(*cucm1);
  ASSERT_TRUE(listed) << listed.error().describe();
  auto found = std::find_if(listed->begin(), listed->end(),
                            [&](const cucm::RestCertificate& c) { return c.certificate == m_root.certificate; });
  ASSERT_NE(found, listed->end());
  EXPECT_EQ(found->pem, m_root.certificate.pem());  // clients compare strings

  auto snapshot = cucm::read_snapshot(*cucm1);
  ASSERT_TRUE(snapshot) << snapshot.error().describe();
  EXPECT_EQ(snapshot->host_name, "cucm1.lab.example");
  auto state = cucm::to_node_state("cucm1", *snapshot);
  EXPECT_TRUE(state.holds("tomcat-trust", m_root.certificate.fingerprint()));
  ASSERT_EQ(state.identities["tomcat"].size(), 1u);
  EXPECT_EQ(state.identities["tomcat"][0], presented_identity("cucm1"));

  // Every request was logged, and no log line carries the password or a header.
  ASSERT_FALSE(m_log.empty());
  for (const auto& line : m_log) {
    EXPECT_EQ(line.find(kPassword), std::string::npos) << line;
    EXPECT_EQ(line.find("Authorization"), std::string::npos) << line;
  }
}

TEST_F(HttpsLab, CsrSignedByTheSiteCaBecomesTheIdentityAndThePinFollowsTheRotation) {
  const Node& node = *m_site.find_node("cucm1");
  auto cucm1 = https("cucm1");
  ASSERT_TRUE(cucm::upload_trust(*cucm1, {m_root.certificate}, "trustctl e2e: corp-root"));

  cucm::CsrParameters parameters;
  parameters.common_name = node.fqdn;
  parameters.alt_names = {"cucm.lab.example"};
  auto csr = cucm::generate_csr(*cucm1, parameters);
  ASSERT_TRUE(csr) << csr.error().describe();
  auto info = pki::inspect_csr(*csr);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->common_name, "cucm1.lab.example");
  EXPECT_NE(std::find(info->dns_names.begin(), info->dns_names.end(), "cucm.lab.example"), info->dns_names.end());
  EXPECT_EQ(info->key_bits, 2048);

  auto leaf = pki::sign_csr(*csr, m_root.certificate, m_root.key);
  ASSERT_TRUE(leaf) << leaf.error().message;
  ASSERT_TRUE(cucm::upload_identity(*cucm1, {*leaf, m_root.certificate}));

  auto snapshot = cucm::read_snapshot(*cucm1);
  ASSERT_TRUE(snapshot) << snapshot.error().describe();
  auto identities = cucm::to_node_state("cucm1", *snapshot).identities;
  ASSERT_FALSE(identities["tomcat"].empty());
  EXPECT_EQ(identities["tomcat"].front(), *leaf);

  // The CSR was consumed: uploading again is the documented permanent 500, not something to retry.
  auto again = cucm::upload_identity(*cucm1, {*leaf, m_root.certificate});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::appliance_refused);
  EXPECT_NE(again.error().message.find("does not exist"), std::string::npos) << again.error().message;

  // Cisco Tomcat still presents the old certificate until it restarts (over the CLI: REST cannot restart).
  {
    transport::SshTarget target;
    target.node = node.name;
    target.host = node.address;
    target.port = node.connection.ssh_port;
    target.username = m_secret.username;
    target.password = m_secret.password;
    target.credentials = "os-admin";
    target.known_hosts = node.connection.known_hosts;
    target.answer_delay = std::chrono::milliseconds(20);
    auto cli = transport::open_ssh_cli(target);
    ASSERT_TRUE(cli) << cli.error().describe();
    ASSERT_TRUE(vos::restart_service(**cli, "Cisco Tomcat"));
  }
  // As apply does after every restart: wait until the port listens again (it reopens after the CLI reports STARTED).
  auto answered = providers::wait_ports_answer(node, {{node.connection.https_port, "Cisco Tomcat", "platform (Tomcat)"}},
                                               std::chrono::seconds(10), std::chrono::milliseconds(50));
  ASSERT_TRUE(answered) << answered.error().describe();
  EXPECT_EQ(answered->front().chain.front(), *leaf) << "the restart loads the new identity";
  // The old pin now refuses the node: the rotation is visible, and nothing is sent.
  const int before = rest_calls("cucm1");
  auto stale = cucm::read_snapshot(*cucm1);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::tls);
  EXPECT_NE(stale.error().message.find(leaf->fingerprint()), std::string::npos) << stale.error().message;
  EXPECT_EQ(rest_calls("cucm1"), before);

  // trustctl updates the pin after it rotated the identity; the same client follows at once.
  ASSERT_TRUE(update_pins(node, leaf->fingerprint()));
  auto fresh = cucm::read_snapshot(*cucm1);
  ASSERT_TRUE(fresh) << fresh.error().describe();

  // Without any pin the site's CA validates the new chain and its name.
  write_text(node.connection.tls_pins, "# no pins\n");
  auto by_ca = cucm::list_trust(*cucm1);
  ASSERT_TRUE(by_ca) << by_ca.error().describe();
}

TEST_F(HttpsLab, AWrongPasswordIsAnAuthenticationErrorNamingUserAndCredentialSet) {
  auto cucm1 = https("cucm1", config::Secret{"admin", "not-the-password"});
  auto snapshot = cucm::read_snapshot(*cucm1);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::authentication);
  EXPECT_FALSE(is_transient(snapshot.error().code));
  EXPECT_EQ(snapshot.error().node, "cucm1");
  EXPECT_EQ(snapshot.error().operation, "read certificates (REST)");
  EXPECT_NE(snapshot.error().message.find("'admin'"), std::string::npos) << snapshot.error().message;
  EXPECT_NE(snapshot.error().message.find("'os-admin'"), std::string::npos) << snapshot.error().message;
  EXPECT_EQ(snapshot.error().message.find("not-the-password"), std::string::npos);
}

TEST_F(HttpsLab, AWrongPinIsATlsErrorAndNoRequestReachesTheAppliance) {
  const Node& node = *m_site.find_node("cucm1");
  const int before = rest_calls("cucm1");
  const std::string wrong(64, '0');
  ASSERT_TRUE(update_pins(node, wrong));
  auto cucm1 = https("cucm1");
  auto uploaded = cucm::upload_trust(*cucm1, {m_root.certificate}, "must not arrive");
  ASSERT_FALSE(uploaded);
  const Error& e = uploaded.error();
  EXPECT_EQ(e.code, ErrorCode::tls);
  EXPECT_EQ(e.operation, "upload trust (REST)");
  EXPECT_NE(e.message.find("cucm1.lab.example:" + std::to_string(kHttpsPort)), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sha256/" + wrong), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(presented_identity("cucm1").fingerprint()), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("update " + node.connection.tls_pins.string()), std::string::npos) << e.message;
  EXPECT_EQ(rest_calls("cucm1"), before);
  EXPECT_FALSE(fs::exists(m_dir / "sim/cucm1/tomcat-trust" / m_root.certificate.trust_file_name()));
}

TEST_F(HttpsLab, SystemInfoOnAUccxNodeIsInService) {
  auto uccx1 = https("uccx1");
  auto info = finesse::read_system_info(*uccx1);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->status, "IN_SERVICE");
  EXPECT_TRUE(info->in_service());
  EXPECT_EQ(info->deployment_type, "UCCX");
  EXPECT_EQ(info->host, "uccx1.lab.example");
  auto waited = finesse::wait_in_service(*uccx1, std::chrono::seconds(10), std::chrono::milliseconds(100));
  ASSERT_TRUE(waited) << waited.error().describe();

  // A CUCM node serves no SystemInfo: the answer is understood as a refusal, not as "not ready yet".
  auto cucm = finesse::read_system_info(*https("cucm1"));
  ASSERT_FALSE(cucm);
  EXPECT_EQ(cucm.error().code, ErrorCode::appliance_refused);
}

}  // namespace
}  // namespace trustctl
