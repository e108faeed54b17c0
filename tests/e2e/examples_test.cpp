// Every example site is loaded, planned, applied and planned again against a real vos-sim, as a user would run it.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

class Example : public ::testing::TestWithParam<std::string> {};

TEST_P(Example, PlansAppliesAndEndsWithNoChanges) {
  const std::string name = GetParam();
  fs::path dir = fs::temp_directory_path() / ("trustctl-example-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples" / (name + ".toml"), dir / "site.toml");
  fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples" / "pki", dir / "pki", fs::copy_options::recursive);
  setenv("LAB_OS_ADMIN_PASSWORD", ("example-" + name).c_str(), 1);

  std::vector<std::string> sim_args = {VOS_SIM_BIN, (dir / "site.toml").string(), "--state-dir", (dir / "sim").string(),
                                       "--replication-delay-ms", "200", "--restart-ms", "100",
                                       // pins and identities exist at the ready line, however loaded the machine
                                       "--identity-wait-ms", "120000"};
  if (name == "pcce") {
    auto ca = run({TRUSTCTL_BIN, "ca", "init", "--out-dir", (dir / "pki").string(), "--name", "lab-ca"});
    ASSERT_EQ(ca.exit_code, 0) << ca.err;
  }
  if (name == "uccx-full") {
    // The partner's real root key is not in the repository: stand up a partner with a root made here.
    auto root = make_root("Partner Root CA");
    auto key = *pki::KeyPair::generate("ec-256");
    auto leaf = *pki::issue_certificate({.common_name = "api.partner.example", .dns_names = {"api.partner.example"}},
                                        key, &root.certificate, root.key);
    write_text(dir / "pki/partner-root.pem", root.certificate.pem());
    write_text(dir / "partner-chain.pem", leaf.pem() + root.certificate.pem());
    write_text(dir / "partner.key", key.private_pem());
    sim_args.push_back("--external");
    sim_args.push_back("partner=" + (dir / "partner-chain.pem").string() + ":" + (dir / "partner.key").string());
  }
  auto validate = run({TRUSTCTL_BIN, "validate", (dir / "site.toml").string()});
  ASSERT_EQ(validate.exit_code, 0) << validate.err;
  Server sim(sim_args, "nodes listening");

  auto plan = run({TRUSTCTL_BIN, "plan", (dir / "site.toml").string(), "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  auto apply = run({TRUSTCTL_BIN, "apply", (dir / "site.toml").string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_NE(apply.out.find("0 failing"), std::string::npos) << apply.out;
  auto again = run({TRUSTCTL_BIN, "plan", (dir / "site.toml").string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(sim.stop(), 0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Sites, Example, ::testing::Values("uccx-lab", "uccx-full", "pcce"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

}  // namespace
}  // namespace trustctl::testing
