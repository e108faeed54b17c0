// Starts the real vos-sim binary on loopback and drives it over real SSH: the system OpenSSH client (through sshpass,
// as a person would) and libssh's client (as trustctl does). Each test uses its own 127.0.5x.y addresses so the
// suite runs under ctest -j.

#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <libssh/libssh.h>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace vossim {
namespace {

using test::SimProcess;

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPasswordEnv = "VOSSIM_TEST_PASSWORD";
constexpr const char* kPassword = "Lab-Secret-1";
constexpr int kPort = 2222;

std::string site_text(const std::string& subnet, const std::string& password_env) {
  return "version = 1\n"
         "[site]\nname = \"vossim-test\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n"
         "[credentials.os-admin]\nusername = \"admin\"\npassword_env = \"" + password_env + "\"\n"
         "[connection]\ncredentials = \"os-admin\"\nssh_port = " + std::to_string(kPort) +
         "\nknown_hosts = \"state/known_hosts\"\n"
         "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
         "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" + subnet + ".1\" },\n"
         "  { name = \"uccx2\", fqdn = \"uccx2.lab.example\", role = \"subscriber\", address = \"" + subnet + ".2\" },\n"
         "]\n"
         "[cluster.identity.tomcat]\nissuer = \"self\"\n"
         "[[cluster]]\nname = \"partner\"\nproduct = \"external\"\n"
         "nodes = [{ name = \"partner\", fqdn = \"api.partner.example\", address = \"" + subnet + ".9\" }]\n";
}

class ProtocolTest : public ::testing::Test {
 protected:
  void start_lab(const std::string& subnet) {
    m_subnet = subnet;
    ::setenv(kPasswordEnv, kPassword, 1);
    m_site = m_dir.path() / "site.toml";
    std::ofstream(m_site) << site_text(subnet, kPasswordEnv);
    m_sim = std::make_unique<SimProcess>(m_site, m_dir.path());
    const std::string ready = m_sim->wait_ready();
    ASSERT_EQ(ready, "vos-sim: 2 nodes listening\n") << m_sim->stderr_text();
  }

  // Runs the system ssh client under sshpass, feeding lines with pauses, and returns what the session printed.
  std::string run_openssh(const std::string& address, const std::vector<std::string>& lines, int* exit_code,
                          const std::string& password = kPassword) {
    const fs::path script = m_dir.path() / "input.sh";
    const fs::path output = m_dir.path() / "ssh-output.txt";
    {
      std::ofstream out(script);
      out << "sleep 1\n";
      for (const auto& line : lines) out << "printf '%s\\n' '" << line << "'\nsleep 1\n";
    }
    const std::string command =
        "sh " + script.string() + " | SSHPASS='" + password + "' timeout 60 sshpass -e ssh -F /dev/null -tt " +
        "-o UserKnownHostsFile=" + (m_dir.path() / "state" / "known_hosts").string() +
        " -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no"
        " -o ConnectTimeout=10 -p " + std::to_string(kPort) + " admin@" + address + " > " + output.string() + " 2>&1";
    const int status = std::system(command.c_str());
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return test::read_file(output);
  }

  test::TempDir m_dir;
  fs::path m_site;
  std::string m_subnet;
  std::unique_ptr<SimProcess> m_sim;
};

TEST_F(ProtocolTest, OpenSshClientGetsBannerPromptAndTrustList) {
  start_lab("127.0.50");
  int exit_code = 0;
  const std::string out = run_openssh("127.0.50.1", {"show cert list trust", "exit"}, &exit_code);
  EXPECT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("Welcome to the Platform Command Line Interface"), std::string::npos) << out;
  EXPECT_NE(out.find("\nadmin:show cert list trust\r\n"), std::string::npos) << out;
  const std::string own1 = test::read_file(m_dir.path() / "state" / "vos-sim" / "uccx1" / "tomcat" / "tomcat.pem");
  auto certificate = trustctl::parse_certificates(own1);
  ASSERT_TRUE(certificate.has_value());
  EXPECT_NE(out.find("tomcat-trust/" + certificate->front().trust_file_name() + ": Trust Certificate"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("ERROR"), std::string::npos);

  const std::string log = test::read_file(m_dir.path() / "state" / "vos-sim" / "uccx1" / "commands.log");
  EXPECT_NE(log.find("\"command\":\"show cert list trust\""), std::string::npos) << log;
  EXPECT_EQ(log.find(kPassword), std::string::npos);
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST_F(ProtocolTest, WrongPasswordIsRefused) {
  start_lab("127.0.51");
  int exit_code = 0;
  const std::string out = run_openssh("127.0.51.2", {"show cert list trust"}, &exit_code, "not-the-password");
  EXPECT_EQ(exit_code, 5) << out;  // sshpass: invalid password
  EXPECT_EQ(out.find("admin:"), std::string::npos) << out;
}

// trustctl's way in: libssh client, host key checked against the known_hosts file vos-sim wrote.
TEST_F(ProtocolTest, LibsshClientAcceptsHostKeyAndGetsShellButNoExec) {
  start_lab("127.0.52");
  for (const std::string address : {"127.0.52.1", "127.0.52.2"}) {
    ssh_session session = ssh_new();
    const int port = kPort;
    const std::string known_hosts = (m_dir.path() / "state" / "known_hosts").string();
    ssh_options_set(session, SSH_OPTIONS_HOST, address.c_str());
    ssh_options_set(session, SSH_OPTIONS_PORT, &port);
    ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
    ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    ASSERT_EQ(ssh_connect(session), SSH_OK) << ssh_get_error(session);
    EXPECT_EQ(ssh_session_is_known_server(session), SSH_KNOWN_HOSTS_OK) << address;
    EXPECT_EQ(ssh_userauth_password(session, "admin", "wrong"), SSH_AUTH_DENIED);
    ASSERT_EQ(ssh_userauth_password(session, "admin", kPassword), SSH_AUTH_SUCCESS);

    ssh_channel exec = ssh_channel_new(session);
    ASSERT_EQ(ssh_channel_open_session(exec), SSH_OK);
    EXPECT_NE(ssh_channel_request_exec(exec, "show cert list trust"), SSH_OK);  // the appliance has no exec
    ssh_channel_free(exec);
    ssh_disconnect(session);
    ssh_free(session);

    // A fresh connection for the shell (five at once, as clients open them in parallel).
    std::vector<ssh_session> sessions;
    std::vector<ssh_channel> channels;
    for (int i = 0; i < 5; ++i) {
      ssh_session s = ssh_new();
      ssh_options_set(s, SSH_OPTIONS_HOST, address.c_str());
      ssh_options_set(s, SSH_OPTIONS_PORT, &port);
      ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str());
      ASSERT_EQ(ssh_connect(s), SSH_OK);
      ASSERT_EQ(ssh_userauth_password(s, "admin", kPassword), SSH_AUTH_SUCCESS);
      ssh_channel c = ssh_channel_new(s);
      ASSERT_EQ(ssh_channel_open_session(c), SSH_OK);
      ASSERT_EQ(ssh_channel_request_pty_size(c, "vt100", 80, 24), SSH_OK);
      ASSERT_EQ(ssh_channel_request_shell(c), SSH_OK);
      sessions.push_back(s);
      channels.push_back(c);
    }
    for (ssh_channel c : channels) {
      std::string seen;
      char buffer[1024];
      const auto deadline = std::chrono::steady_clock::now() + 10s;
      while (seen.find("\nadmin:") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        const int n = ssh_channel_read_timeout(c, buffer, sizeof buffer, 0, 200);
        if (n > 0) seen.append(buffer, static_cast<std::size_t>(n));
        if (n < 0) break;
      }
      EXPECT_NE(seen.find("Welcome to the Platform Command Line Interface"), std::string::npos) << seen;
      ASSERT_GE(seen.size(), 7u);
      EXPECT_EQ(seen.substr(seen.size() - 7), "\nadmin:");
    }
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      ssh_channel_close(channels[i]);
      ssh_channel_free(channels[i]);
      ssh_disconnect(sessions[i]);
      ssh_free(sessions[i]);
    }
  }
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST_F(ProtocolTest, ImportOnPublisherReplicatesAndLabRestartKeepsState) {
  start_lab("127.0.53");
  const auto root = test::make_certificate("Protocol Root", true);
  std::vector<std::string> lines = {"set cli pagination off", "set cert import trust tomcat"};
  std::istringstream pem(root.certificate.pem());
  for (std::string line; std::getline(pem, line);) lines.push_back(line);
  lines.push_back("");
  lines.push_back("utils service restart Cisco Tomcat");
  lines.push_back("exit");
  int exit_code = 0;
  const std::string out = run_openssh("127.0.53.1", lines, &exit_code);
  EXPECT_EQ(exit_code, 0) << out;
  EXPECT_NE(out.find("Successfully imported certificate for tomcat."), std::string::npos) << out;
  EXPECT_NE(out.find("Cisco Tomcat[STARTED]"), std::string::npos) << out;

  const fs::path state = m_dir.path() / "state" / "vos-sim";
  const std::string file = root.certificate.trust_file_name();
  EXPECT_TRUE(fs::exists(state / "uccx1" / "tomcat-trust" / file));
  EXPECT_TRUE(fs::exists(state / "uccx2" / "tomcat-trust" / file));  // replicated (delay 200 ms, session took longer)
  EXPECT_NE(test::read_file(state / "uccx1" / "restarts.json").find("\"Cisco Tomcat\": 1"), std::string::npos);
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);

  // Same state directory, new process: same host keys and stores.
  const std::string known_hosts = test::read_file(m_dir.path() / "state" / "known_hosts");
  SimProcess again(m_site, m_dir.path());
  ASSERT_EQ(again.wait_ready(), "vos-sim: 2 nodes listening\n") << again.stderr_text();
  EXPECT_EQ(test::read_file(m_dir.path() / "state" / "known_hosts"), known_hosts);
  const std::string listed = run_openssh("127.0.53.2", {"show cert list trust", "exit"}, &exit_code);
  EXPECT_NE(listed.find("tomcat-trust/" + file + ": Trust Certificate"), std::string::npos) << listed;
  EXPECT_EQ(again.terminate_and_wait(), 0);
}

TEST_F(ProtocolTest, PortInUseIsAStartupErrorNamingTheNode) {
  start_lab("127.0.54");
  SimProcess second(m_site, m_dir.path());
  EXPECT_EQ(second.wait_ready(), "");
  EXPECT_EQ(second.terminate_and_wait(false), 1);
  const std::string err = second.stderr_text();
  EXPECT_NE(err.find("uccx1"), std::string::npos) << err;
  EXPECT_NE(err.find("127.0.54.1"), std::string::npos) << err;
  EXPECT_NE(err.find("2222"), std::string::npos) << err;
  EXPECT_EQ(m_sim->terminate_and_wait(), 0);
}

TEST_F(ProtocolTest, MissingSecretIsAStartupErrorNamingTheCredentialSet) {
  const fs::path site = m_dir.path() / "site.toml";
  std::ofstream(site) << site_text("127.0.55", "VOSSIM_TEST_UNSET_PASSWORD");
  ::unsetenv("VOSSIM_TEST_UNSET_PASSWORD");
  SimProcess sim(site, m_dir.path());
  EXPECT_EQ(sim.wait_ready(), "");
  EXPECT_EQ(sim.terminate_and_wait(false), 1);
  EXPECT_NE(sim.stderr_text().find("os-admin"), std::string::npos) << sim.stderr_text();
}

}  // namespace
}  // namespace vossim
