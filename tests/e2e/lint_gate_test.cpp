// The lint gate in plan and apply, against a real vos-sim: an error finding stops apply before any change.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(LintGate, ACriticalExtensionUccxRefusesToTrustBlocksApplyUntilLintIsWarn) {
  Lab lab("lint-gate", {.subnet = 72});
  // A root with a critical name constraint: the CUCM/UCCX breakage of DOMAIN.md section 6 (TC003).
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

}  // namespace
}  // namespace trustctl::testing
