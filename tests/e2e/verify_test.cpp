// trustctl verify against a real vos-sim: TLS handshakes on every service port, identities compared with what the
// nodes store, and integration peers' trust checked.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string socialminer(const Lab& lab) {
  return "\n[[cluster]]\nname = \"socialminer\"\nproduct = \"socialminer\"\nnodes = [{ name = \"sm1\", fqdn = "
         "\"sm1.lab.example\", role = \"publisher\", address = \"" +
         lab.address(3) + "\" }]\n\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n";
}

TEST(Verify, AnIntegrationIsTrustedBothWaysAfterApplyAndVerifyProvesIt) {
  Lab lab("verify-integration", {.subnet = 70});
  lab.write_site(socialminer(lab));
  lab.start_sim();

  auto before = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(before.exit_code, 1) << before.out << before.err;
  EXPECT_TRUE(contains(before.out, "sm1 does not trust")) << before.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "Verify: 13 endpoint(s), 13 ok, 0 failing.")) << apply.out;

  auto verify = lab.trustctl({"verify", lab.site().string(), "--format", "json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto doc = nlohmann::json::parse(verify.out);
  EXPECT_TRUE(doc["ok"].get<bool>());
  bool sm1_trusted_by_uccx = false;
  for (const auto& endpoint : doc["endpoints"]) {
    if (endpoint["node"] != "sm1") continue;
    for (const auto& t : endpoint["trusted_by"]) sm1_trusted_by_uccx |= t["node"] == "uccx2" && t["ok"].get<bool>();
  }
  EXPECT_TRUE(sm1_trusted_by_uccx) << verify.out;
  // SocialMiner's own store got each UCCX node's identity (the integration is two-way).
  EXPECT_GE(lab.count_commands("sm1", "set cert import trust tomcat"), 1);
}

TEST(Verify, AnIdentityStoredButNotRestartedIsCaughtByTheHandshake) {
  Lab lab("verify-restart", {.subnet = 71});
  auto lab_ca = make_root("trustctl Lab CA");
  write_text(lab.dir() / "pki/lab-ca.pem", lab_ca.certificate.pem());
  write_text(lab.dir() / "pki/lab-ca.key", lab_ca.key.private_pem());
  lab.write_site("\n[[ca]]\nname = \"lab-ca\"\ncertificate = \"pki/lab-ca.pem\"\nlocal_key = \"pki/lab-ca.key\"\n"
                 "\n[policy]\nrestart = \"manual\"\n",
                 "[cluster.identity.tomcat]\nissuer = \"lab-ca\"\n");
  lab.start_sim();
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(apply.exit_code, 1) << "verify fails: the new identities are not loaded yet\n" << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "has not been restarted since the identity changed")) << apply.out;
  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_TRUE(contains(verify.out, "Cisco Finesse Tomcat has not been restarted")) << verify.out;
}

}  // namespace
}  // namespace trustctl::testing
