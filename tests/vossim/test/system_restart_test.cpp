// trustctl's SSH client (providers/transport, providers/vos) against the real vos-sim binary over real SSH: a system
// restart that drops the session and the reconnect that follows (same host key, checked against known_hosts), a node
// that never comes back, and keep-alives during a long wait (vos-sim notes each one on stderr). Each test uses its
// own 127.0.55.x / 127.0.56.x addresses so the suite runs under ctest -j.

#include "providers/transport/ssh_cli_session.hpp"
#include "providers/vos/vos_cli.hpp"
#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace vossim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::SimProcess;
using trustctl::ErrorCode;

constexpr const char* kPasswordEnv = "VOSSIM_RESTART_TEST_PASSWORD";
constexpr const char* kPassword = "Restart-Secret-1";
constexpr int kSsh = 2222;

// One UCCX cluster whose nodes sit at the given addresses (publisher first).
std::string site_text(const std::vector<std::string>& addresses) {
  std::string nodes;
  for (std::size_t k = 0; k < addresses.size(); ++k) {
    const std::string name = "uccx" + std::to_string(k + 1);
    nodes += "  { name = \"" + name + "\", fqdn = \"" + name + ".lab.example\", role = \"" +
             (k == 0 ? "publisher" : "subscriber") + "\", address = \"" + addresses[k] + "\" },\n";
  }
  return "version = 1\n"
         "[site]\nname = \"restart\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
         "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"" + std::string(kPasswordEnv) + "\"\n"
         "[connection]\ncredentials = \"os-admin\"\nssh_port = " + std::to_string(kSsh) +
         "\nknown_hosts = \"state/known_hosts\"\n"
         "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n" + nodes + "]\n";
}

class SystemRestartTest : public ::testing::Test {
 protected:
  void start_lab(const std::vector<std::string>& addresses, std::vector<std::string> extra) {
    ::setenv(kPasswordEnv, kPassword, 1);
    m_addresses = addresses;
    const fs::path site = m_dir.path() / "site.toml";
    std::ofstream(site) << site_text(addresses);
    extra.push_back("--control-port");
    extra.push_back("0");
    m_sim = std::make_unique<SimProcess>(site, m_dir.path(), extra);
    const std::string ready = m_sim->wait_ready();
    ASSERT_NE(ready.find("nodes listening control=127.0.0.1:"), std::string::npos) << ready << m_sim->stderr_text();
    m_control_port = std::stoi(ready.substr(ready.rfind(':') + 1));
    m_token = test::read_file(m_dir.path() / "state" / "vos-sim" / "control.token");
    while (!m_token.empty() && m_token.back() == '\n') m_token.pop_back();
  }

  trustctl::transport::SshTarget target(std::size_t node = 0) const {
    trustctl::transport::SshTarget t;
    t.node = "uccx" + std::to_string(node + 1);
    t.host = m_addresses[node];
    t.port = kSsh;
    t.username = "admin";
    t.password = kPassword;
    t.credentials = "os-admin";
    t.known_hosts = known_hosts();
    t.answer_delay = 20ms;
    t.login_timeout = 10s;
    t.timeout = 30s;
    t.reconnect_backoff = 100ms;
    t.reconnect_backoff_cap = 500ms;
    return t;
  }
  fs::path known_hosts() const { return m_dir.path() / "state" / "known_hosts"; }

  int system_restarts(const std::string& node) {
    const auto state = test::http_call("127.0.0.1", m_control_port, "GET", "/state", m_token);
    EXPECT_EQ(state.status, 200) << state.body;
    const auto json = nlohmann::json::parse(state.body, nullptr, false);
    for (const auto& n : json.value("nodes", nlohmann::json::array())) {
      if (n.value("name", "") == node) return n.value("system_restarts", -1);
    }
    ADD_FAILURE() << "no node " << node << " in " << state.body;
    return -1;
  }

  // How many keep-alives vos-sim has noted for the node so far.
  std::size_t keepalives(const std::string& label) const {
    const std::string err = m_sim->stderr_text();
    const std::string needle = "vos-sim: " + label + ": keep-alive\n";
    std::size_t count = 0;
    for (std::size_t pos = 0; (pos = err.find(needle, pos)) != std::string::npos; pos += needle.size()) ++count;
    return count;
  }

  test::TempDir m_dir;
  std::vector<std::string> m_addresses;
  std::unique_ptr<SimProcess> m_sim;
  int m_control_port = 0;
  std::string m_token;
};

TEST_F(SystemRestartTest, TheSessionComesBackAfterTheRestartAndTheSameObjectCarriesOn) {
  start_lab({"127.0.55.1"}, {"--restart-ms", "1500"});
  auto session = trustctl::transport::open_ssh_cli(target());
  ASSERT_TRUE(session) << session.error().describe();
  ASSERT_TRUE(trustctl::vos::list_services(**session));
  const std::string known_before = test::read_file(known_hosts());

  const auto begin = std::chrono::steady_clock::now();
  auto restarted = trustctl::vos::restart_system(**session, 30s);
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_TRUE(restarted) << restarted.error().describe();
  EXPECT_GE(took, 1400ms) << "the node was down for --restart-ms: the call waited for it";
  EXPECT_EQ(system_restarts("uccx1"), 1);

  // The same session object works: the prompt is back and pagination is off (a long listing is not paged).
  auto services = trustctl::vos::list_services(**session);
  ASSERT_TRUE(services) << services.error().describe();
  EXPECT_FALSE(services->empty());
  auto listed = (*session)->run("show cert list trust");
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_EQ(listed->find("Press <enter>"), std::string::npos);
  EXPECT_NE(listed->find("tomcat-trust/"), std::string::npos) << *listed;
  EXPECT_EQ(test::read_file(known_hosts()), known_before) << "a reconnect never records a key";
}

TEST_F(SystemRestartTest, ANodeThatNeverComesBackIsAClearTimeoutNamingTheNodeAndTheOperation) {
  start_lab({"127.0.56.1"}, {"--restart-ms", "120000"});
  auto session = trustctl::transport::open_ssh_cli(target());
  ASSERT_TRUE(session) << session.error().describe();

  const auto begin = std::chrono::steady_clock::now();
  auto restarted = trustctl::vos::restart_system(**session, 3s);
  const auto took = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(restarted);
  const auto& error = restarted.error();
  EXPECT_EQ(error.code, ErrorCode::timeout);
  EXPECT_EQ(error.node, "uccx1");
  EXPECT_EQ(error.operation, "restart system");
  EXPECT_NE(error.message.find("uccx1 did not come back after 'utils system restart'"), std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("within 3 s"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("127.0.56.1"), std::string::npos) << "the last attempt's cause: " << error.message;
  EXPECT_GE(took, 3s);
  EXPECT_LT(took, 15s) << "the timeout bounds the wait";

  // Nothing is sent on a session that never came back.
  auto later = (*session)->run("show cert list trust");
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, ErrorCode::connection);
  EXPECT_NE(later.error().message.find("was not sent"), std::string::npos) << later.error().message;
}

TEST_F(SystemRestartTest, AReconnectStillChecksTheHostKeyAgainstKnownHosts) {
  start_lab({"127.0.55.3", "127.0.55.4"}, {"--restart-ms", "1000"});
  auto session = trustctl::transport::open_ssh_cli(target(0));
  ASSERT_TRUE(session) << session.error().describe();

  // While uccx1 is down, its known_hosts line is made to hold uccx2's key: the key uccx1 comes back with no longer
  // matches the file, and the reconnect must refuse it at once rather than wait out the timeout.
  std::string text = test::read_file(known_hosts());
  std::string uccx1_key, uccx2_key;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {  // "[fqdn]:2222,[address]:2222 ssh-ed25519 AAAA..."
    if (line.find("[127.0.55.3]:2222 ") != std::string::npos) uccx1_key = line.substr(line.find(' ') + 1);
    if (line.find("[127.0.55.4]:2222 ") != std::string::npos) uccx2_key = line.substr(line.find(' ') + 1);
  }
  ASSERT_FALSE(uccx1_key.empty()) << text;
  ASSERT_FALSE(uccx2_key.empty()) << text;
  for (std::size_t pos = 0; (pos = text.find(uccx1_key, pos)) != std::string::npos; pos += uccx2_key.size()) {
    text.replace(pos, uccx1_key.size(), uccx2_key);  // the address line and the FQDN line alike
  }
  std::ofstream(known_hosts()) << text;

  const auto begin = std::chrono::steady_clock::now();
  auto restarted = trustctl::vos::restart_system(**session, 30s);
  ASSERT_FALSE(restarted);
  EXPECT_EQ(restarted.error().code, ErrorCode::host_key) << restarted.error().describe();
  EXPECT_EQ(restarted.error().operation, "restart system");
  EXPECT_NE(restarted.error().message.find("does not match"), std::string::npos) << restarted.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 20s) << "refused at once, not retried until the timeout";
}

TEST_F(SystemRestartTest, KeepAlivesAreSentWhileALongCommandRuns) {
  start_lab({"127.0.55.2"}, {"--command-latency-ms", "2500"});
  auto t = target();
  t.keepalive_interval = 300ms;
  auto session = trustctl::transport::open_ssh_cli(t);  // pagination off waits 2.5 s too
  ASSERT_TRUE(session) << session.error().describe();
  const std::string label = "uccx1 (127.0.55.2:2222)";
  const std::size_t after_login = keepalives(label);

  auto listed = (*session)->run("show cert list trust");
  ASSERT_TRUE(listed) << listed.error().describe();
  EXPECT_NE(listed->find("tomcat-trust/"), std::string::npos) << "keep-alives never reach the CLI: " << *listed;

  // 2.5 s of silence at one keep-alive per 300 ms: about eight, each answered while the command was still running.
  std::size_t during = 0;
  for (int k = 0; k < 50 && during < 4; ++k) {
    during = keepalives(label) - after_login;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(during, 4u) << m_sim->stderr_text();

  // A session with keep-alives off sends none.
  auto quiet = target();
  quiet.keepalive_interval = 0ms;
  auto silent = trustctl::transport::open_ssh_cli(quiet);
  ASSERT_TRUE(silent) << silent.error().describe();
  const std::size_t before_quiet = keepalives(label);
  ASSERT_TRUE((*silent)->run("show cert list own"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(keepalives(label), before_quiet);
}

}  // namespace
}  // namespace vossim
