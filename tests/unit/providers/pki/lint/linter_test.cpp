#include "providers/pki/lint/linter.hpp"

#include "lint_test_pki.hpp"

#include <gtest/gtest.h>

namespace trustctl::pki::lint::testing {
namespace {

std::vector<std::string> rules_of(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.rule);
  return out;
}

TEST(LintCertificate, RunsOnlyTheRulesOfTheProductAndUnit) {
  // Self-signed, 4096-bit RSA, wildcard: UCCX's identity rules find all three problems...
  auto cert = leaf("*.lab.example", nullptr, "rsa-4096");
  EXPECT_EQ(rules_of(lint_certificate(cert, identity_context(Product::uccx))),
            (std::vector<std::string>{"TC001", "TC011", "TC014"}));
  // ...an external host's identity is not uploaded anywhere: no key-size, wildcard or bundle rules.
  EXPECT_TRUE(lint_certificate(cert, identity_context(Product::external)).empty());
}

TEST(LintProbe, ReportsDheAndPssFromWhatTheHostPresented) {
  auto pss_root = root_ca("PSS Root", "rsa-3072", {.days = 3650, .rsa_pss = true});
  auto host = leaf("gadget.partner.example", &pss_root, "rsa-2048");
  transport::ProbeResult probe{.host = "gadget.partner.example",
                               .port = 8443,
                               .cipher = "DHE-RSA-AES128-SHA",
                               .cipher_standard = "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
                               .key_exchange = "DHE",
                               .ephemeral_key_bits = 2048,
                               .chain = {host, pss_root.certificate}};
  auto findings = lint_probe(probe);
  EXPECT_EQ(rules_of(findings), (std::vector<std::string>{"TC004", "TC010"}));
  EXPECT_EQ(findings[0].subject, label(pss_root.certificate));

  probe.key_exchange = "ECDHE";
  probe.chain = {leaf("gadget.partner.example", nullptr, "rsa-2048", {.days = 1, .not_before_offset_days = -5})};
  EXPECT_TRUE(lint_probe(probe).empty()) << "the probe judges only the suite and the signatures";
}

}  // namespace
}  // namespace trustctl::pki::lint::testing
