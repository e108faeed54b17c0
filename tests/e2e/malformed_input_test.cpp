// The malformed-input corpus (tests/e2e/data/malformed/): damaged sites, saved plans, certificates and state files
// (journal, lock, managed record, TLS pins), each run through the real trustctl commands that read it. Every run must
// end with exit status 1 (never a signal, a sanitizer abort or an uncaught exception), within a time limit (no hang),
// with a message on stderr that names the damaged file, and without trustctl having opened a connection to any node:
// the nodes' addresses are listening sockets that count every connection made to them.
//
// Loopback subnets: 127.0.30.x (sites), 127.0.31.x (plans), 127.0.32.x (state files), 127.0.33.x (TLS pins).
// Each test prints its counts: inputs, runs, clear errors, poor messages, crashes, hangs, connections.

#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kSshPort = 2230;  // what the corpus's sites and the valid sites below name
// Every port trustctl opens on a node: SSH (the sites' ssh_port and the default), HTTPS (REST, service handshakes).
constexpr int kTrappedPorts[] = {kSshPort, 22, 443, 8443};
constexpr std::chrono::seconds kRunLimit{60};

fs::path corpus_dir() { return fs::path(TRUSTCTL_SOURCE_DIR) / "tests/e2e/data/malformed"; }

// Listening sockets on every node address and port of a subnet; any connection trustctl makes completes the TCP
// handshake in the kernel and waits in the accept queue, where connections() finds it.
class NodeTrap {
 public:
  NodeTrap(int subnet, int hosts) {
    for (int host = 1; host <= hosts; ++host) {
      for (int port : kTrappedPorts) {
        std::string address = "127.0." + std::to_string(subnet) + "." + std::to_string(host);
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
          ADD_FAILURE() << "cannot listen on " << address << ":" << port << ": " << std::strerror(errno);
          ::close(fd);
          continue;
        }
        m_sockets.push_back({fd, address + ":" + std::to_string(port)});
      }
    }
  }
  ~NodeTrap() {
    for (const auto& s : m_sockets) ::close(s.fd);
  }
  NodeTrap(const NodeTrap&) = delete;
  NodeTrap& operator=(const NodeTrap&) = delete;

  // The addresses connected to since the last call (each connection is accepted and closed).
  std::vector<std::string> connections() {
    std::vector<std::string> out;
    for (const auto& s : m_sockets) {
      for (int fd; (fd = ::accept(s.fd, nullptr, nullptr)) >= 0;) {
        ::close(fd);
        out.push_back(s.name);
      }
    }
    return out;
  }

 private:
  struct Socket {
    int fd;
    std::string name;
  };
  std::vector<Socket> m_sockets;
};

// One input of the corpus and the command lines that read it; every run is judged the same way.
struct Run {
  std::string input;                // the corpus file, for messages
  std::vector<std::string> args;    // trustctl's arguments
  std::string names;                // what the message must mention: the damaged file's name
  // lint prints its findings (TC011: not a certificate) on stdout, and --format json its errors as JSON there.
  bool report_on_stdout = false;
};

struct Tally {
  std::set<std::string> inputs;
  int runs = 0, clear = 0, poor = 0, crashes = 0, hangs = 0, connections = 0;

  void print(const std::string& kind) const {
    std::cout << "malformed " << kind << ": " << inputs.size() << " inputs, " << runs << " runs: " << clear
              << " clear errors, " << poor << " poor messages, " << crashes << " crashes, " << hangs << " hangs, "
              << connections << " connections to a node\n";
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs one command line and judges it. A poor message (exit 1, but the file is not named or nothing is said) fails.
void judge(const Run& r, NodeTrap& trap, Tally& tally) {
  std::vector<std::string> argv{TRUSTCTL_BIN};
  argv.insert(argv.end(), r.args.begin(), r.args.end());
  auto started = std::chrono::steady_clock::now();
  RunResult result = run(argv, "", kRunLimit);
  auto took = std::chrono::steady_clock::now() - started;
  tally.inputs.insert(r.input);
  ++tally.runs;
  std::string command = "trustctl";
  for (const auto& a : r.args) command += " " + a;
  std::string context = r.input + ": `" + command + "` exit " + std::to_string(result.exit_code) + "\nstderr: " +
                        result.err.substr(0, 2000) + "\nstdout: " + result.out.substr(0, 500);

  auto reached = trap.connections();
  if (!reached.empty()) {
    ++tally.connections;
    ADD_FAILURE() << context << "\nreached a node: " << reached.front();
  }
  if (took >= kRunLimit) {
    ++tally.hangs;
    ADD_FAILURE() << context << "\nstill running after " << kRunLimit.count() << " s (killed)";
    return;
  }
  // 128 + signal: killed by a signal (SIGABRT from an uncaught exception or a sanitizer, SIGSEGV, ...).
  bool crashed = result.exit_code > 128 || result.exit_code < 0 || contains(result.err, "terminate called") ||
                 contains(result.err, "Sanitizer") || contains(result.err, "runtime error:");
  if (crashed) {
    ++tally.crashes;
    ADD_FAILURE() << context << "\ncrashed";
    return;
  }
  EXPECT_EQ(result.exit_code, 1) << context;
  if (result.exit_code != 1) return;
  const std::string& message = r.report_on_stdout ? result.out + result.err : result.err;
  bool named = contains(message, r.names);
  if (named && message.size() > r.names.size() + 10) {
    ++tally.clear;
  } else {
    ++tally.poor;
    ADD_FAILURE() << context << "\nthe message does not name " << r.names << " with what is wrong";
  }
}

std::vector<fs::path> corpus_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A directory laid out like the corpus (sites/, certificates/, ...) next to the CA files and the password file the
// corpus's sites name (../pki/corp-root.pem, ../secrets/os-admin).
class Workspace {
 public:
  Workspace() {
    fs::copy(corpus_dir(), m_dir.path() / "malformed", fs::copy_options::recursive);
    TestCa root = make_root("Malformed Corpus Root");
    write_text(m_dir / "malformed/pki/corp-root.pem", root.certificate.pem());
    write_text(m_dir / "malformed/secrets/os-admin", "corpus-secret\n");
    fs::permissions(m_dir / "malformed/secrets/os-admin", fs::perms::owner_read | fs::perms::owner_write);
  }
  fs::path operator/(const std::string& relative) const { return m_dir.path() / "malformed" / relative; }

  // A valid UCCX pair on `subnet` whose nodes are only the trap's sockets.
  fs::path valid_site(const std::string& name, int subnet) const {
    std::string prefix = "127.0." + std::to_string(subnet) + ".";
    return write_site(name,
                      "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12.5\"\nnodes = [\n"
                      "  { name = \"uccx1\", fqdn = \"uccx1.lab.example\", role = \"publisher\", address = \"" +
                          prefix + "1\" },\n"
                          "  { name = \"uccx2\", fqdn = \"uccx2.lab.example\", role = \"subscriber\", address = \"" +
                          prefix + "2\" },\n]\n\n[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\n"
                          "certificates = [\"corp-root\"]\n");
  }

  // A valid site holding `clusters` (the [[cluster]] and [[trust]] tables), in its own directory `name`.
  fs::path write_site(const std::string& name, const std::string& clusters) const {
    std::string text =
        "version = 1\n\n[site]\nname = \"valid\"\ndomain = \"lab.example\"\nstate_dir = \"state\"\n\n"
        "[credentials.os-admin]\nusername = \"admin\"\npassword_file = \"../secrets/os-admin\"\n\n"
        "[connection]\ncredentials = \"os-admin\"\nssh_port = " + std::to_string(kSshPort) +
        "\nknown_hosts = \"state/known_hosts\"\ntimeout_s = 10\n\n"
        "[[ca]]\nname = \"corp-root\"\ncertificate = \"../pki/corp-root.pem\"\n\n" + clusters;
    fs::path dir = m_dir.path() / "malformed" / name;
    fs::remove_all(dir);
    write_text(dir / "site.toml", text);
    return dir / "site.toml";
  }

 private:
  TempDir m_dir{"trustctl-malformed"};
};

TEST(MalformedInput, SitesAreRefusedByValidateAndPlanWithoutContactingANode) {
  Workspace ws;
  NodeTrap trap(30, 2);
  Tally tally;
  for (const auto& site : corpus_files(ws / "sites")) {
    std::string name = site.filename().string();
    // validate checks the file, not the secrets it names (resolved when a node is contacted).
    if (name != "password-file-missing.toml") judge({name, {"validate", site.string()}, name}, trap, tally);
    judge({name, {"plan", site.string()}, name}, trap, tally);
  }
  tally.print("sites");
  EXPECT_GE(tally.inputs.size(), 35u);
}

TEST(MalformedInput, CertificatesAreRefusedByLint) {
  Workspace ws;
  NodeTrap trap(30, 0);  // lint of a file contacts nothing; no node to trap
  Tally tally;
  for (const auto& cert : corpus_files(ws / "certificates")) {
    std::string name = cert.filename().string();
    judge({name, {"lint", "--product", "uccx", cert.string()}, name, true}, trap, tally);
  }
  tally.print("certificates");
  EXPECT_GE(tally.inputs.size(), 10u);
}

TEST(MalformedInput, SavedPlansAreRefusedBeforeAnyNodeIsRead) {
  Workspace ws;
  NodeTrap trap(31, 2);
  Tally tally;
  fs::path site = ws.valid_site("plan-site", 31);
  for (const auto& file : corpus_files(ws / "plans")) {
    // The corpus names the site a plan was made for as @SITE@: the valid site above, so a plan that decoded would go
    // on to read its nodes (and be caught here).
    std::string text = read_text(file);
    for (std::size_t at; (at = text.find("@SITE@")) != std::string::npos;) text.replace(at, 6, site.string());
    write_text(file, text);
    std::string name = file.filename().string();
    judge({name, {"apply", file.string(), "--auto-approve"}, name}, trap, tally);
    judge({name, {"plan", "--from", file.string()}, name}, trap, tally);
  }
  tally.print("plans");
  EXPECT_GE(tally.inputs.size(), 40u);
}

// Each damaged state file is put into a valid site's state directory, and every command that reads it is run.
TEST(MalformedInput, StateFilesStopTrustctlBeforeAnyNodeIsRead) {
  Workspace ws;
  NodeTrap trap(32, 2);
  Tally tally;
  fs::path site = ws.valid_site("state-site", 32);
  fs::path state = site.parent_path() / "state";
  struct Kind {
    std::string dir, file;
    std::vector<std::vector<std::string>> commands;
  };
  const std::vector<Kind> kinds = {
      {"journal", "journal.jsonl",
       {{"plan", site.string()}, {"journal", site.string()}, {"journal", site.string(), "--format", "json"},
        {"apply", site.string(), "--auto-approve"}}},
      {"lock", "lock", {{"apply", site.string(), "--auto-approve"}, {"unlock", site.string(), "--id", "0a0a0a0a0a0a"}}},
      {"managed", "managed.json",
       {{"plan", site.string()}, {"show", site.string()}, {"apply", site.string(), "--auto-approve"}}},
  };
  for (const auto& kind : kinds) {
    for (const auto& file : corpus_files(ws / kind.dir)) {
      for (const auto& args : kind.commands) {
        fs::remove_all(state);
        fs::create_directories(state);
        fs::copy_file(file, state / kind.file);
        bool json = std::find(args.begin(), args.end(), "json") != args.end();
        judge({kind.dir + "/" + file.filename().string(), args, kind.file, json}, trap, tally);
      }
    }
  }
  tally.print("state files");
  EXPECT_GE(tally.inputs.size(), 25u);
}

// CUCM 14 is read over HTTPS, pinned by connection.tls_pins: a damaged pins file stops plan before the first request.
TEST(MalformedInput, TlsPinsFilesStopPlanBeforeAnyRequest) {
  Workspace ws;
  NodeTrap trap(33, 1);
  Tally tally;
  fs::path site = ws.write_site("pins-site",
                                 "[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14\"\nnodes = [{ "
                                 "name = \"cucm1\", fqdn = \"cucm1.lab.example\", role = \"publisher\", address = "
                                 "\"127.0.33.1\", tls_pins = \"state/pins\" }]\n\n[[trust]]\ncluster = \"cucm\"\n"
                                 "certificates = [\"corp-root\"]\n");
  fs::path state = site.parent_path() / "state";
  for (const auto& file : corpus_files(ws / "pins")) {
    fs::remove_all(state);
    fs::create_directories(state);
    fs::copy_file(file, state / "pins");
    judge({"pins/" + file.filename().string(), {"plan", site.string()}, "pins"}, trap, tally);
  }
  tally.print("TLS pins files");
  EXPECT_GE(tally.inputs.size(), 4u);
}

// Not malformed, but found with the corpus: an apply that was interrupted has no end record, and a journal whose
// start record is gone has no start; `trustctl journal` aborted on both (json::value() on null).
TEST(MalformedInput, JournalShowsAnInterruptedApplyInTextAndJson) {
  Workspace ws;
  fs::path site = ws.valid_site("journal-site", 32);
  fs::path state = site.parent_path() / "state";
  const std::string start = R"({"event":"apply-start","apply":"a1","user":"ops","host":"h","ts":"2025-01-01T10:00:00Z"})";
  const std::string owed = R"({"event":"restart-owed","apply":"a1","node":"uccx1","service":"Cisco Tomcat","owed_by":"x"})";
  const std::string orphan = R"({"event":"action-done","apply":"b2","kind":"upload_trust","node":"uccx2"})";
  write_text(state / "journal.jsonl", start + "\n" + owed + "\n" + orphan + "\n");
  for (std::vector<std::string> format : {std::vector<std::string>{}, std::vector<std::string>{"--format", "json"}}) {
    std::vector<std::string> argv{TRUSTCTL_BIN, "journal", site.string()};
    argv.insert(argv.end(), format.begin(), format.end());
    RunResult result = run(argv, "", kRunLimit);
    EXPECT_EQ(result.exit_code, 0) << result.err << result.out;
    EXPECT_TRUE(contains(result.out, "uccx1")) << result.out;
    EXPECT_TRUE(contains(result.out, "b2")) << result.out;
  }
}

}  // namespace
}  // namespace trustctl::testing
