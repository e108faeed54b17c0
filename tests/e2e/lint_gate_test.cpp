// The lint gate in plan and apply, against a real vos-sim: an error finding stops apply before any change.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(LintGate, ACriticalExtensionUccxRefusesToTrustBlocksApplyUntilLintIsWarn) {
  Lab lab("lint-gate", {.subnet = 72});
  // A root with a critical name constraint: the CUCM/UCCX breakage of docs/appliances.md section 6 (TC003).
  auto key = *pki::KeyPair::generate("ec-256");
  auto constrained = *pki::self_signed(
      {.common_name = "Constrained Root", .is_ca = true, .days = 3650,
       .extra_extensions = {{"nameConstraints", "critical,permitted;DNS:.lab.example"}}},
      key);
  write_text(lab.dir() / "pki/constrained.pem", constrained.pem());
  lab.write_site("\n[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\ncertificates = [\"file:pki/constrained.pem\"]\n");
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_TRUE(contains(plan.out, "TC003")) << plan.out;

  auto refused = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "lint errors block apply")) << refused.err;
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 0) << "nothing was changed";

  auto text = read_text(lab.site());
  write_text(lab.site(), text + "\n[policy]\nlint = \"warn\"\n");
  auto applied = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_TRUE(lab.store_holds("uccx1", constrained));
}

// TC010 on a live host: an external gadget server that negotiates a DHE suite with Finesse's cipher list is found
// by plan (and by `lint SITE`), and blocks apply like any other error finding.
TEST(LintGate, AnExternalHostNegotiatingDheIsFoundByPlanAndLintAndBlocksApply) {
  Lab lab("lint-gate-dhe", {.subnet = 112});
  auto key = *pki::KeyPair::generate("rsa-2048");
  auto host = *pki::self_signed(
      {.common_name = "gadget.partner.example", .dns_names = {"gadget.partner.example"}, .is_ca = true}, key);
  write_text(lab.dir() / "pki/gadget.pem", host.pem());
  write_text(lab.dir() / "gadget.key", key.private_pem());
  int port = free_port();
  Server gadget({openssl_binary(), "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                 (lab.dir() / "pki/gadget.pem").string(), "-key", (lab.dir() / "gadget.key").string(), "-www",
                 "-tls1_2", "-cipher", "DHE-RSA-AES256-SHA"},
                "ACCEPT");
  lab.write_site("\n[[ca]]\nname = \"gadget-root\"\ncertificate = \"pki/gadget.pem\"\n"
                 "\n[[cluster]]\nname = \"gadget\"\nproduct = \"external\"\nnodes = [{ name = \"gadget\", fqdn = "
                 "\"gadget.partner.example\", address = \"127.0.0.1\", https_port = " +
                 std::to_string(port) + " }]\n\n[[integration]]\nfrom = \"uccx\"\nto = \"gadget\"\nkind = \"script\"\n");
  lab.start_sim();

  auto lint = lab.trustctl({"lint", lab.site().string()});
  EXPECT_EQ(lint.exit_code, 1) << lint.out << lint.err;
  EXPECT_TRUE(contains(lint.out, "TC010 error 127.0.0.1:" + std::to_string(port))) << lint.out;
  auto offline = lab.trustctl({"lint", lab.site().string(), "--offline"});
  EXPECT_FALSE(contains(offline.out, "TC010")) << offline.out;

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "TC010")) << plan.out;
  auto refused = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(refused.exit_code, 1);
  // Listed once with the plan apply printed (stdout), then the refusal (stderr).
  EXPECT_TRUE(contains(refused.out, "TC010")) << refused.out;
  EXPECT_TRUE(contains(refused.err, "lint errors block apply")) << refused.err;
  EXPECT_EQ(lab.count_commands("uccx1", "set cert import trust tomcat"), 0) << "nothing was changed";
}

}  // namespace
}  // namespace trustctl::testing
