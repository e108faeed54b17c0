// The first --trust-on-first-use run on a fresh state directory opens many SSH sessions at once, and each may record
// a host key. They must not race to create the known_hosts directory or file (libssh creates a missing directory
// without allowing for another session creating it meanwhile), nor record one node's key twice.

#include "providers/transport/ssh_cli_session.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace trustctl::testing {
namespace {

constexpr int kNodes = 8;           // uccx1, uccx2 and six Finesse nodes
constexpr int kSessionsPerNode = 3;  // vos-sim takes at least 5 sessions per account at once
constexpr int kRounds = 12;          // each on a fresh directory

std::string finesse_cluster(const Lab& lab) {
  std::string out = "\n[[cluster]]\nname = \"finesse\"\nproduct = \"finesse\"\nversion = \"12.6\"\nnodes = [\n";
  for (int k = 3; k <= kNodes; ++k) {
    out += "  { name = \"fin" + std::to_string(k) + "\", fqdn = \"fin" + std::to_string(k) + ".lab.example\", role = \"" +
           (k == 3 ? "publisher" : "subscriber") + "\", address = \"" + lab.address(k) + "\" },\n";
  }
  return out + "]\n";
}

int lines_naming(const std::string& text, const std::string& host) {
  int n = 0;
  std::size_t at = 0;
  while ((at = text.find("[" + host + "]:", at)) != std::string::npos) {
    ++n;
    ++at;
  }
  return n;
}

TEST(KnownHostsRace, ManyFirstSessionsAtOnceOnAFreshDirectoryAllSucceedAndRecordEachKeyOnce) {
  Lab lab("known-hosts-race", {.subnet = 35});
  lab.write_site(finesse_cluster(lab));
  lab.start_sim();
  for (int round = 0; round < kRounds; ++round) {
    const auto known_hosts = lab.dir() / ("fresh-" + std::to_string(round)) / "state" / "ssh" / "known_hosts";
    std::vector<std::string> errors(kNodes * kSessionsPerNode);
    std::vector<std::thread> threads;
    for (int i = 0; i < kNodes * kSessionsPerNode; ++i) {
      threads.emplace_back([&, i] {
        transport::SshTarget target;
        target.node = "node" + std::to_string(i % kNodes + 1);
        target.host = lab.address(i % kNodes + 1);
        target.port = 2222;
        target.username = "admin";
        target.password = "lab-secret-1";
        target.known_hosts = known_hosts;
        target.trust_on_first_use = true;
        target.answer_delay = std::chrono::milliseconds(0);
        auto session = transport::open_ssh_cli(target);
        if (!session) errors[i] = session.error().describe();
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) EXPECT_EQ(e, "") << "round " << round;
    const std::string recorded = read_text(known_hosts);
    for (int k = 1; k <= kNodes; ++k) {
      EXPECT_EQ(lines_naming(recorded, lab.address(k)), 1) << "round " << round << "\n" << recorded;
    }
  }
}

}  // namespace
}  // namespace trustctl::testing
