// CUCM 14+ through its certificate REST API, driven by trustctl against a real vos-sim: reads and trust uploads go
// over HTTPS (pinned platform certificate), restarts over the CLI.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(CucmRest, TrustIsUploadedOverRestAndUccxTrustsCucm) {
  Lab lab("cucm-rest", {.subnet = 73});
  lab.write_site("\n[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"14\"\nnodes = [{ name = \"cucm1\", "
                 "fqdn = \"cucm1.lab.example\", role = \"publisher\", address = \"" + lab.address(3) +
                 "\" }]\n\n[[integration]]\nfrom = \"uccx\"\nto = \"cucm\"\n\n[[trust]]\ncluster = \"cucm\"\n"
                 "certificates = [\"corp-root\"]\n");
  lab.start_sim();
  ASSERT_TRUE(contains(read_text(lab.state() / "tls_pins"), "cucm1.lab.example:8443 sha256/"))
      << "vos-sim records the platform certificate like an administrator would";

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_TRUE(lab.store_holds("cucm1", lab.root.certificate));
  EXPECT_EQ(lab.count_commands("cucm1", "set cert import trust tomcat"), 0) << "CUCM 14 uses REST, not the CLI";
  EXPECT_EQ(lab.count_commands("cucm1", "utils service restart Cisco Tomcat"), 1) << "restarts stay on the CLI";
  // UCCX trusts CUCM's self-signed identity (integration), and verify proves it with a handshake.
  EXPECT_TRUE(contains(apply.out, "Verify:")) << apply.out;
  EXPECT_TRUE(contains(apply.out, "0 failing")) << apply.out;

  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

}  // namespace
}  // namespace trustctl::testing
