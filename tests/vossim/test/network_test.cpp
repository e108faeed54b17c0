// The network faces of a running vos-sim, driven by real clients: TLS listeners on every service port presenting what
// each service loaded at its last start, the HTTPS REST API (curl), system restarts that drop sessions and close
// ports, the control API with every fault, external hosts with configured chains and ciphers, and --port-offset.
// Each test uses its own 127.0.12x/130 addresses so the suite runs under ctest -j.

#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <libssh/libssh.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <thread>

namespace vossim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;
using test::SimProcess;

constexpr const char* kPassword = "Net-Secret-1";
constexpr int kSsh = 2222;

std::string site_text(const std::string& subnet) {
  return "version = 1\n"
         "[site]\nname = \"net\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
         "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"VOSSIM_NET_PASSWORD\"\n"
         "[connection]\ncredentials = \"os-admin\"\nssh_port = 2222\nknown_hosts = \"state/known_hosts\"\n"
         "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
         "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" + subnet + ".1\" },\n"
         "  { name = \"uccx2\", fqdn = \"uccx2.lab.example\", role = \"subscriber\", address = \"" + subnet + ".2\" },\n"
         "]\n"
         "[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14.0\"\nnodes = [\n"
         "  { name = \"cucm1\", fqdn = \"cucm1.lab.example\", role = \"publisher\", address = \"" + subnet + ".3\" },\n"
         "]\n"
         "[[cluster]]\nname = \"partner\"\nproduct = \"external\"\n"
         "nodes = [{ name = \"partner\", fqdn = \"api.partner.example\", address = \"" + subnet + ".9\", https_port = 443 }]\n";
}

class NetworkTest : public ::testing::Test {
 protected:
  void start_lab(const std::string& subnet, std::vector<std::string> extra = {}) {
    m_subnet = subnet;
    ::setenv("VOSSIM_NET_PASSWORD", kPassword, 1);
    m_site = m_dir.path() / "site.toml";
    std::ofstream(m_site) << site_text(subnet);
    extra.push_back("--control-port");
    extra.push_back("0");
    m_sim = std::make_unique<SimProcess>(m_site, m_dir.path(), extra);
    const std::string ready = m_sim->wait_ready();
    ASSERT_EQ(ready.rfind("vos-sim: 3 nodes listening control=127.0.0.1:", 0), 0u) << ready << m_sim->stderr_text();
    m_control_port = std::stoi(ready.substr(ready.rfind(':') + 1));
    m_token = test::read_file(state() / "control.token");
    while (!m_token.empty() && m_token.back() == '\n') m_token.pop_back();
  }
  std::string address(int host) const { return m_subnet + "." + std::to_string(host); }
  fs::path state() const { return m_dir.path() / "state" / "vos-sim"; }
  trustctl::Certificate stored_identity(const std::string& node) const {
    return trustctl::parse_certificates(test::read_file(state() / node / "tomcat" / "tomcat.pem"))->front();
  }
  test::HttpResult control(const std::string& method, const std::string& path, const std::string& body = "") {
    return test::http_call("127.0.0.1", m_control_port, method, path, m_token, body);
  }
  json control_json(const std::string& path) { return json::parse(control("GET", path).body); }
  std::string ssh(int host, const std::vector<std::string>& lines, int* exit_code = nullptr, double pause = 1.0) {
    int code = 0;
    std::string out = test::run_openssh(m_dir.path(), address(host), kSsh, kPassword, lines, &code, pause);
    if (exit_code != nullptr) *exit_code = code;
    return out;
  }
  static bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(25ms);
    }
    return condition();
  }

  test::TempDir m_dir;
  fs::path m_site;
  std::string m_subnet;
  int m_control_port = 0;
  std::string m_token;
  std::unique_ptr<SimProcess> m_sim;
};

TEST_F(NetworkTest, EveryServicePortPresentsTheSelfSignedIdentity) {
  start_lab("127.0.121");
  const auto own = stored_identity("uccx1");
  for (int port : {8443, 8445, 8444, 7443, 12015}) {
    const auto probe = test::tls_probe(address(1), port);
    ASSERT_TRUE(probe.handshake) << port;
    ASSERT_FALSE(probe.chain.empty());
    EXPECT_EQ(probe.chain.front(), own) << port;
  }
  for (int port : {8443, 443}) EXPECT_EQ(test::tls_probe(address(3), port).chain.front(), stored_identity("cucm1"));
  // The system client agrees (openssl s_client).
  const std::string out = test::shell("openssl s_client -connect " + address(1) + ":8445 </dev/null | openssl x509 -noout -subject");
  EXPECT_NE(out.find("uccx1.lab.example"), std::string::npos) << out;
}

TEST_F(NetworkTest, CaSignedIdentityIsPresentedOnlyAfterTheServiceRestartsAndThePortRefusesMeanwhile) {
  start_lab("127.0.122", {"--restart-ms", "4000"});
  const auto self_signed = stored_identity("uccx1");
  const auto ca = test::make_certificate("Net Root CA", true);

  // CSR over SSH, signed here, CA and identity imported over SSH.
  std::string out = ssh(1, {"set cli pagination off", "set csr gen tomcat", "yes", "show csr own tomcat", "exit"});
  const auto begin = out.find("-----BEGIN CERTIFICATE REQUEST-----");
  const auto end = out.find("-----END CERTIFICATE REQUEST-----");
  ASSERT_NE(begin, std::string::npos) << out;
  ASSERT_NE(end, std::string::npos) << out;
  std::string csr = out.substr(begin, end + 33 - begin);
  std::string unix_csr;
  for (char c : csr) {
    if (c != '\r') unix_csr += c;
  }
  const auto leaf = test::sign_csr(unix_csr + "\n", ca, "uccx1.lab.example", {"uccx1.lab.example", "lab.example"});
  std::vector<std::string> lines = {"set cert import trust tomcat"};
  for (const auto& line : test::pem_lines(ca.certificate.pem())) lines.push_back(line);
  lines.push_back("");
  lines.push_back("set cert import own tomcat");
  for (const auto& line : test::pem_lines(leaf.pem())) lines.push_back(line);
  lines.push_back("");
  lines.push_back("exit");
  out = ssh(1, lines, nullptr, 0.3);
  EXPECT_EQ(test::count_of(out, "Successfully imported certificate for tomcat."), 2) << out;
  EXPECT_EQ(stored_identity("uccx1"), leaf);

  // Stored, not loaded: every port still presents the self-signed identity.
  EXPECT_EQ(test::tls_probe(address(1), 8443).chain.front(), self_signed);

  std::thread restart([&] { ssh(1, {"utils service restart Cisco Tomcat", "exit"}, nullptr, 6.0); });
  ASSERT_TRUE(wait_for([&] { return !test::port_open(address(1), 8443); }, 5s)) << "8443 never closed";
  EXPECT_TRUE(test::tls_probe(address(1), 8445).handshake);  // another service's port stays up
  ASSERT_TRUE(wait_for([&] { return test::port_open(address(1), 8443); }, 8s)) << "8443 never came back";
  const auto after = test::tls_probe(address(1), 8443);
  restart.join();
  ASSERT_EQ(after.chain.size(), 2u);
  EXPECT_EQ(after.chain[0], leaf);
  EXPECT_EQ(after.chain[1], ca.certificate);  // the issuer, from tomcat-trust
  EXPECT_EQ(test::tls_probe(address(1), 8445).chain.front(), self_signed);  // Finesse Tomcat not restarted

  const json state = control_json("/state");
  for (const auto& node : state["nodes"]) {
    if (node["name"] != "uccx1") continue;
    EXPECT_EQ(node["services"]["Cisco Tomcat"]["loaded"]["fingerprint"], leaf.fingerprint());
    EXPECT_EQ(node["services"]["Cisco Finesse Tomcat"]["loaded"]["fingerprint"], self_signed.fingerprint());
    EXPECT_EQ(node["services"]["Cisco Tomcat"]["restarts"], 1);
  }
}

TEST_F(NetworkTest, SystemRestartDropsSessionsClosesEveryPortAndComesBack) {
  start_lab("127.0.123", {"--restart-ms", "3000"});
  // An idle libssh shell session that must be dropped.
  ssh_session idle = ssh_new();
  const int port = kSsh;
  const std::string host = address(1);
  const std::string known_hosts = (m_dir.path() / "state" / "known_hosts").string();
  ssh_options_set(idle, SSH_OPTIONS_HOST, host.c_str());
  ssh_options_set(idle, SSH_OPTIONS_PORT, &port);
  ssh_options_set(idle, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
  ASSERT_EQ(ssh_connect(idle), SSH_OK);
  ASSERT_EQ(ssh_userauth_password(idle, "admin", kPassword), SSH_AUTH_SUCCESS);
  ssh_channel channel = ssh_channel_new(idle);
  ASSERT_EQ(ssh_channel_open_session(channel), SSH_OK);
  ASSERT_EQ(ssh_channel_request_pty_size(channel, "vt100", 80, 24), SSH_OK);
  ASSERT_EQ(ssh_channel_request_shell(channel), SSH_OK);

  int code = 0;
  const std::string out = ssh(1, {"utils system restart", "yes"}, &code);
  EXPECT_NE(out.find("Do you really want to restart ?Enter (yes/no)?"), std::string::npos) << out;
  EXPECT_NE(code, 0) << out;  // the session dropped instead of exiting
  for (int p : {kSsh, 8443, 8445, 8444, 7443, 12015}) EXPECT_FALSE(test::port_open(address(1), p)) << p;
  EXPECT_TRUE(test::port_open(address(2), kSsh));  // the peer is up

  char buffer[4096];
  bool closed = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    const int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 200);
    closed = n < 0 || ssh_channel_is_eof(channel) || ssh_channel_is_closed(channel) || !ssh_is_connected(idle);
  }
  EXPECT_TRUE(closed);
  ssh_channel_free(channel);
  ssh_free(idle);

  ASSERT_TRUE(wait_for([&] { return test::port_open(address(1), kSsh) && test::port_open(address(1), 12015); }, 6s));
  const std::string restarts = test::read_file(state() / "uccx1" / "restarts.json");
  EXPECT_NE(restarts.find("\"Cisco Tomcat\": 1"), std::string::npos) << restarts;
  EXPECT_NE(ssh(1, {"utils service list", "exit"}).find("Cisco Finesse Tomcat[STARTED]"), std::string::npos);
}

TEST_F(NetworkTest, CucmRestApiOverHttpsWithCurl) {
  start_lab("127.0.124");
  const fs::path ca_file = m_dir.path() / "cucm1.pem";
  std::ofstream(ca_file) << stored_identity("cucm1").pem();
  const std::string base = "curl -sS --cacert " + ca_file.string() + " --resolve cucm1.lab.example:8443:" + address(3) +
                           " https://cucm1.lab.example:8443/platformcom/api/v1/certmgr/config/";
  // Verified TLS (no -k), Basic auth.
  std::string out = test::shell(base + "trust/certificate?service=tomcat -u admin:" + kPassword + " -w ' %{http_code}'");
  EXPECT_NE(out.find("\"certificates\""), std::string::npos) << out;
  EXPECT_NE(out.find(" 200"), std::string::npos) << out;
  out = test::shell(base + "snapshot/server -u admin:wrong -o /dev/null -w '%{http_code}'");
  EXPECT_EQ(out, "401");

  const auto root = test::make_certificate("Curl Root", true);
  const fs::path body = m_dir.path() / "upload.json";
  std::ofstream(body) << json({{"service", {"tomcat"}}, {"certificates", {root.certificate.pem()}}}).dump();
  out = test::shell(base + "trust/certificates -u admin:" + kPassword + " -H 'Content-Type: application/json' -d @" +
                    body.string() + " -w ' %{http_code}'");
  EXPECT_NE(out.find(" 200"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(state() / "cucm1" / "tomcat-trust" / root.certificate.trust_file_name()));
  // Garbage is a 400, and the server lives on.
  out = test::shell("printf 'NONSENSE\\r\\n\\r\\n' | timeout 5 openssl s_client -quiet -connect " + address(3) + ":8443 2>/dev/null");
  EXPECT_NE(out.find("400"), std::string::npos) << out;

  // Finesse SystemInfo on a uccx node's Finesse port.
  out = test::shell("curl -sk https://" + address(1) + ":8445/finesse/api/SystemInfo");
  EXPECT_NE(out.find("<status>IN_SERVICE</status>"), std::string::npos) << out;

  const json log = control_json("/log");
  bool saw_rest = false;
  for (const auto& entry : log["entries"]) {
    saw_rest = saw_rest || (entry["channel"] == "rest" && entry["command"] == "POST /platformcom/api/v1/certmgr/config/trust/certificates");
  }
  EXPECT_TRUE(saw_rest) << log.dump();
}

TEST_F(NetworkTest, ControlApiNeedsTheTokenAndShowsStateAndOrderedLog) {
  start_lab("127.0.125");
  struct stat info {};
  ASSERT_EQ(::stat((state() / "control.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(test::http_call("127.0.0.1", m_control_port, "GET", "/state").status, 401);
  EXPECT_EQ(test::http_call("127.0.0.1", m_control_port, "GET", "/state", "wrong-token").status, 401);

  ssh(1, {"show cert list own", "exit"});
  ssh(2, {"show cert list trust", "exit"});
  const json log = control_json("/log");
  ASSERT_GE(log["entries"].size(), 2u);
  EXPECT_EQ(log["entries"][0]["node"], "uccx1");
  EXPECT_EQ(log["entries"][0]["command"], "show cert list own");
  EXPECT_EQ(log["entries"][1]["node"], "uccx2");
  EXPECT_LT(log["entries"][0]["seq"].get<int>(), log["entries"][1]["seq"].get<int>());
  EXPECT_LE(log["entries"][0]["ts_ms"].get<long long>(), log["entries"][1]["ts_ms"].get<long long>());

  const json state_json = control_json("/state");
  ASSERT_EQ(state_json["nodes"].size(), 3u);
  const auto& uccx1 = state_json["nodes"][0];
  EXPECT_EQ(uccx1["name"], "uccx1");
  EXPECT_EQ(uccx1["own"][0]["fingerprint"], stored_identity("uccx1").fingerprint());
  EXPECT_EQ(uccx1["trust"].size(), 4u);  // both nodes' tomcat and tomcat-ECDSA identities
  EXPECT_EQ(uccx1["services"]["Cisco Tomcat"]["state"], "STARTED");
  EXPECT_FALSE(uccx1.contains("pending_csr"));
  EXPECT_EQ(control("GET", "/nothing").status, 404);
  EXPECT_EQ(control("POST", "/faults", "{\"node\":\"uccx1\",\"kind\":\"nonsense\"}").status, 400);
  EXPECT_EQ(control("POST", "/faults", "{\"node\":\"nobody\",\"kind\":\"refuse\"}").status, 404);
}

TEST_F(NetworkTest, FaultsOverTheNetwork) {
  start_lab("127.0.126");
  // refuse, counted twice.
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx1","kind":"refuse","match":"show cert list","message":"Simulated outage","count":2})").status, 201);
  std::string out = ssh(1, {"show cert list own", "show cert list own", "show cert list own", "exit"});
  EXPECT_EQ(test::count_of(out, "Simulated outage"), 2) << out;
  EXPECT_EQ(test::count_of(out, "tomcat/tomcat.pem: Self-signed"), 1) << out;

  // drop_before_reply: the session drops, nothing ran.
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx1","kind":"drop_before_reply","match":"utils service restart"})").status, 201);
  int code = 0;
  out = ssh(1, {"utils service restart Cisco Tomcat", "exit"}, &code);
  EXPECT_NE(code, 0) << out;
  EXPECT_EQ(out.find("[STOPPING]"), std::string::npos) << out;
  EXPECT_EQ(control_json("/state")["nodes"][0]["services"]["Cisco Tomcat"]["restarts"], 0);

  // drop_after_commit: the session drops, but the import is stored (and replicated).
  const auto root = test::make_certificate("Fault Root", true);
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx1","kind":"drop_after_commit","match":"set cert import trust"})").status, 201);
  std::vector<std::string> lines = {"set cert import trust tomcat"};
  for (const auto& line : test::pem_lines(root.certificate.pem())) lines.push_back(line);
  lines.push_back("");
  lines.push_back("exit");
  out = ssh(1, lines, &code, 0.3);
  EXPECT_NE(code, 0) << out;
  EXPECT_EQ(out.find("Successfully imported"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(state() / "uccx1" / "tomcat-trust" / root.certificate.trust_file_name()));

  // delay.
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx2","kind":"delay","match":"show cert list","delay_ms":2500})").status, 201);
  const auto started = std::chrono::steady_clock::now();
  ssh(2, {"show cert list own"}, nullptr, 0.2);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 2500ms);

  // restart_fails.
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx2","kind":"restart_fails","match":"Cisco Tomcat"})").status, 201);
  out = ssh(2, {"utils service restart Cisco Tomcat", "utils service list", "exit"});
  EXPECT_NE(out.find("Cisco Tomcat[FAILED]"), std::string::npos) << out;
  EXPECT_NE(out.find("Cisco Tomcat[STOPPED]"), std::string::npos) << out;
  EXPECT_FALSE(test::port_open(address(2), 8443));  // a failed Tomcat serves nothing

  // node_down until cleared.
  ASSERT_EQ(control("POST", "/faults", R"({"node":"cucm1","kind":"node_down"})").status, 201);
  EXPECT_TRUE(wait_for([&] { return !test::port_open(address(3), kSsh) && !test::port_open(address(3), 8443); }, 2s));
  EXPECT_EQ(control_json("/state")["nodes"][2]["down"], true);
  ASSERT_EQ(control("DELETE", "/faults").status, 200);
  EXPECT_TRUE(wait_for([&] { return test::port_open(address(3), kSsh) && test::port_open(address(3), 443); }, 3s));
}

TEST_F(NetworkTest, ReplicationStallsUntilClearedAndDeletesDoNotReplicate) {
  start_lab("127.0.127");
  const auto root = test::make_certificate("Stalled Root", true);
  const std::string file = root.certificate.trust_file_name();
  ASSERT_EQ(control("POST", "/faults", R"({"node":"uccx1","kind":"replication_stalls"})").status, 201);
  std::vector<std::string> lines = {"set cert import trust tomcat"};
  for (const auto& line : test::pem_lines(root.certificate.pem())) lines.push_back(line);
  lines.push_back("");
  lines.push_back("exit");
  ssh(1, lines, nullptr, 0.3);
  std::this_thread::sleep_for(800ms);  // well past the 200 ms replication delay
  EXPECT_FALSE(fs::exists(state() / "uccx2" / "tomcat-trust" / file));
  ASSERT_EQ(control("DELETE", "/faults").status, 200);
  EXPECT_TRUE(wait_for([&] { return fs::exists(state() / "uccx2" / "tomcat-trust" / file); }, 3s));

  const std::string out = ssh(1, {"set cert delete tomcat-trust " + file, "exit"});
  EXPECT_NE(out.find("Successfully deleted certificate tomcat-trust/" + file), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(state() / "uccx1" / "tomcat-trust" / file));
  std::this_thread::sleep_for(800ms);
  EXPECT_TRUE(fs::exists(state() / "uccx2" / "tomcat-trust" / file));  // deletes do not replicate
}

TEST_F(NetworkTest, ExternalHostServesItsChainWithTheConfiguredCiphers) {
  // A DHE-only gadget host (Logjam-prone: TC010) with an RSA chain.
  const fs::path dir = m_dir.path();
  int code = 0;
  test::shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + (dir / "dhe.key").string() + " -out " +
                  (dir / "dhe.pem").string() + " -subj /CN=api.partner.example -days 30",
              &code);
  ASSERT_EQ(code, 0);
  start_lab("127.0.128", {"--external", "partner=" + (dir / "dhe.pem").string() + ":" + (dir / "dhe.key").string() +
                                           ":DHE-RSA-AES256-SHA"});
  auto probe = test::tls_probe(address(9), 443, "DHE-RSA-AES256-SHA");
  ASSERT_TRUE(probe.handshake);
  EXPECT_EQ(probe.cipher, "DHE-RSA-AES256-SHA");
  EXPECT_EQ(probe.chain.front().common_name(), "api.partner.example");
  EXPECT_FALSE(test::tls_probe(address(9), 443, "ECDHE-RSA-AES128-GCM-SHA256").handshake);
  const std::string out = test::shell("openssl s_client -connect " + address(9) + ":443 -tls1_2 </dev/null");
  EXPECT_NE(out.find("DHE-RSA-AES256-SHA"), std::string::npos) << out;
}

TEST_F(NetworkTest, ExternalHostWithAnRsaPssChain) {
  const fs::path dir = m_dir.path();
  int code = 0;
  test::shell("openssl req -x509 -newkey rsa-pss -pkeyopt rsa_keygen_bits:2048 -nodes -keyout " +
                  (dir / "pss.key").string() + " -out " + (dir / "pss.pem").string() +
                  " -subj /CN=api.partner.example -days 30",
              &code);
  ASSERT_EQ(code, 0);
  start_lab("127.0.129", {"--external", "partner=" + (dir / "pss.pem").string() + ":" + (dir / "pss.key").string()});
  const auto probe = test::tls_probe(address(9), 443);
  ASSERT_TRUE(probe.handshake);
  EXPECT_EQ(X509_get_signature_nid(probe.chain.front().native()), NID_rsassaPss);
}

TEST_F(NetworkTest, PortOffsetMovesServicePortsButNotHttpsPortOrSsh) {
  start_lab("127.0.130", {"--port-offset", "10000"});
  EXPECT_TRUE(test::tls_probe(address(1), 8443).handshake);   // https_port as the site says
  EXPECT_TRUE(test::tls_probe(address(1), 18445).handshake);  // Finesse 8445 + offset
  EXPECT_TRUE(test::tls_probe(address(3), 10443).handshake);  // CUCM 443 + offset
  EXPECT_FALSE(test::port_open(address(1), 8445));
  EXPECT_TRUE(test::port_open(address(1), kSsh));
}

}  // namespace
}  // namespace vossim
