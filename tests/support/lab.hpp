#pragma once
// A simulated lab for end-to-end tests: a site file with a UCCX pair on its own loopback addresses, CA files made by
// OpenSSL in the test, and a real vos-sim process serving it.

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace trustctl::testing {

// A GET on the control API of a vos-sim listening at control (host:port) whose state directory is sim_state (where
// control.token is); the answer parsed (null when it is not JSON).
inline nlohmann::json vos_control_get(const std::string& control, const std::filesystem::path& sim_state,
                                      const std::string& path) {
  std::string token = read_text(sim_state / "control.token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  auto answer = run({"/usr/bin/curl", "-sS", "-f", "-H", "Authorization: Bearer " + token, "http://" + control + path});
  return nlohmann::json::parse(answer.out, nullptr, false);
}

// The control API address in vos-sim's ready line ("... control=127.0.0.1:PORT"), or "".
inline std::string vos_control_address(const std::string& ready_line) {
  auto at = ready_line.find("control=");
  if (at == std::string::npos) return "";
  auto end = ready_line.find_first_of(" \n", at);
  return ready_line.substr(at + 8, end - at - 8);
}

struct LabOptions {
  int subnet = 60;  // nodes listen on 127.0.<subnet>.1 and .2: distinct per test so ctest -j works
  int ssh_port = 2222;
  std::string password = "lab-secret-1";
  int restart_ms = 100;            // vos-sim --restart-ms
  int replication_delay_ms = 300;  // vos-sim --replication-delay-ms
};

class Lab {
 public:
  explicit Lab(const std::string& name, LabOptions options = {}) : m_options(options) {
    m_dir = std::filesystem::temp_directory_path() / ("trustctl-e2e-" + name + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "pki");
    root = make_root("Corp Root CA");
    issuing = make_intermediate("Corp Issuing CA", root);
    write_text(m_dir / "pki/corp-root.pem", root.certificate.pem());
    write_text(m_dir / "pki/corp-issuing.pem", issuing.certificate.pem());
    write_text(m_dir / "secrets/os-admin", options.password + "\n");
    std::filesystem::permissions(m_dir / "secrets/os-admin", std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write);
    write_site();
  }
  ~Lab() {
    sim.reset();
    std::filesystem::remove_all(m_dir);
  }

  std::string address(int host) const {
    return "127.0." + std::to_string(m_options.subnet) + "." + std::to_string(host);
  }

  // extra: appended at the end; cluster_extra: inside the uccx [[cluster]] (e.g. an identity policy).
  void write_site(const std::string& extra = "", const std::string& cluster_extra = "") {
    std::ostringstream s;
    s << "version = 1\n\n[site]\nname = \"e2e\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n\n"
      << "[credentials.os-admin]\nusername = \"admin\"\npassword_file = \"secrets/os-admin\"\n\n"
      << "[connection]\ncredentials = \"os-admin\"\nssh_port = " << m_options.ssh_port
      << "\nknown_hosts = \"state/known_hosts\"\ntimeout_s = 60\nanswer_delay_ms = 50\n\n"
      << "[[ca]]\nname = \"corp-root\"\ncertificate = \"pki/corp-root.pem\"\n\n"
      << "[[ca]]\nname = \"corp-issuing\"\ncertificate = \"pki/corp-issuing.pem\"\n\n"
      << "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
      << "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" << address(1)
      << "\" },\n"
      << "  { name = \"uccx2\", fqdn = \"uccx2.lab.example\", role = \"subscriber\", address = \"" << address(2)
      << "\" },\n]\n" << cluster_extra << "\n"
      << "[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\ncertificates = [\"corp-root\", \"corp-issuing\"]\n"
      << extra;
    write_text(site(), s.str());
  }

  // extra_args: more vos-sim options (other than the ones given here).
  void start_sim(const std::vector<std::string>& extra_args = {}) {
    // The ready line waits for every identity (however loaded the machine): tests read the simulator's state files.
    std::vector<std::string> argv{VOS_SIM_BIN,   site().string(), "--state-dir", sim_state().string(),
                                  "--replication-delay-ms", std::to_string(m_options.replication_delay_ms),
                                  "--restart-ms", std::to_string(m_options.restart_ms), "--control-port", "0",
                                  "--identity-wait-ms", "120000"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    sim = std::make_unique<Server>(argv, "nodes listening");
    m_control = vos_control_address(sim->ready_output());
  }

  // Injects a fault through vos-sim's control API (see tests/vossim/README.md), with the real curl client.
  RunResult fault(const nlohmann::json& body) const {
    std::string token = read_text(sim_state() / "control.token");
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return run({"/usr/bin/curl", "-sS", "-f", "-X", "POST", "-H", "Authorization: Bearer " + token, "-H",
                "Content-Type: application/json", "--data", body.dump(), "http://" + m_control + "/faults"});
  }

  // A GET on vos-sim's control API (e.g. "/integrations", the integration oracle), with the real curl client.
  nlohmann::json control_get(const std::string& path) const { return vos_control_get(m_control, sim_state(), path); }

  RunResult trustctl(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), TRUSTCTL_BIN);
    return run(args, input);
  }

  std::filesystem::path site() const { return m_dir / "site.toml"; }
  std::filesystem::path dir() const { return m_dir; }
  std::filesystem::path state() const { return m_dir / "state"; }
  std::filesystem::path sim_state() const { return m_dir / "sim"; }

  // vos-sim's command log for a node: one JSON object per command it ran.
  std::vector<nlohmann::json> commands(const std::string& node) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(sim_state() / node / "commands.log");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }
  int count_commands(const std::string& node, const std::string& command) const {
    int n = 0;
    for (const auto& c : commands(node)) n += c.value("command", "") == command;
    return n;
  }
  bool store_holds(const std::string& node, const Certificate& cert) const {
    auto path = sim_state() / node / "tomcat-trust" / cert.trust_file_name();
    if (!std::filesystem::exists(path)) return false;
    auto certs = parse_certificates(read_text(path));
    return certs && !certs->empty() && certs->front() == cert;
  }

  TestCa root = make_root("unused");
  TestCa issuing = make_root("unused");
  std::unique_ptr<Server> sim;

 private:
  LabOptions m_options;
  std::string m_control;  // host:port of vos-sim's control API
  std::filesystem::path m_dir;
};

}  // namespace trustctl::testing
