// Issue 12, points 2 and 3, against a real vos-sim: deployed certificates are judged (a CUCM identity with a critical
// EKU is reported by plan and lint and fails verify), tomcat-ECDSA chains travel like the RSA ones (an EC lab CA
// made by `trustctl ca init --key ec-256` signs UCCX's tomcat-ECDSA and reaches SocialMiner), and an ECDSA identity an
// RSA key signed is refused before anything is written (TC005); and (point 5) an identity regenerated inside its
// renewal window reaches its peers in the same apply. Addresses: 127.0.45-48.x.

#include "support/by_hand.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_cli.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Certificate stored_identity(const Lab& lab, const std::string& node, const std::string& unit) {
  auto certs = parse_certificates(read_text(lab.sim_state() / node / unit / (unit + ".pem")));
  EXPECT_TRUE(certs && !certs->empty());
  return certs->front();
}

int imports(const Lab& lab, const std::string& node) {
  int n = 0;
  for (const auto& c : lab.commands(node)) {
    const std::string command = c.value("command", "");
    n += command.rfind("set cert import", 0) == 0 || command.rfind("set csr gen", 0) == 0 ||
         command.rfind("set cert regen", 0) == 0;
  }
  return n;
}

std::string socialminer(const Lab& lab) {
  return "\n[[cluster]]\nname = \"socialminer\"\nproduct = \"socialminer\"\nversion = \"12.5\"\n"
         "nodes = [{ name = \"sm1\", fqdn = \"sm1.lab.example\", role = \"publisher\", address = \"" +
         lab.address(3) + "\" }]\n";
}

// docs/appliances.md section 10: a CUCM identity with a critical EKU breaks UCCX -> CUCM although nothing trustctl
// uploaded is wrong. Plan and lint name the node and the integration; verify fails that relation with the fix.
TEST(LiveCertificates, ACucmIdentityWithACriticalEkuIsReportedByPlanAndLintAndFailsVerify) {
  Lab lab("live-eku", {.subnet = 45});
  auto cucm_ca = make_root("CUCM Issuing CA");
  write_text(lab.dir() / "pki/cucm-ca.pem", cucm_ca.certificate.pem());
  lab.write_site("\n[[ca]]\nname = \"cucm-ca\"\ncertificate = \"pki/cucm-ca.pem\"\n"
                 "\n[[cluster]]\nname = \"cucm\"\nproduct = \"cucm\"\nversion = \"12.5\"\n"
                 "nodes = [{ name = \"cucm1\", fqdn = \"cucm1.lab.example\", role = \"publisher\", address = \"" +
                 lab.address(3) + "\" }]\n"
                 "\n[[trust]]\ncluster = \"cucm\"\ncertificates = [\"cucm-ca\"]\n"
                 "\n[[trust]]\ncluster = \"uccx\"\ncertificates = [\"cucm-ca\"]\n"
                 "\n[[integration]]\nfrom = \"uccx\"\nto = \"cucm\"\n");
  lab.start_sim();
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  auto clean = lab.trustctl({"verify", lab.site().string()});
  ASSERT_EQ(clean.exit_code, 0) << clean.out << clean.err;

  auto installed = by_hand(lab.site(), "cucm1", [&](transport::CliSession& session) -> Result<void> {
    if (auto ok = vos::generate_csr(session, "tomcat"); !ok) return ok;
    auto csr = vos::read_csr(session, "tomcat");
    if (!csr) return fail(csr.error());
    auto leaf = sign_csr_with_extensions(*csr, cucm_ca, {{"extendedKeyUsage", "critical,serverAuth,clientAuth"}});
    if (auto ok = vos::import_own(session, {leaf, cucm_ca.certificate}, "tomcat"); !ok) return ok;
    return vos::restart_service(session, "Cisco Tomcat");
  });
  ASSERT_TRUE(installed) << installed.error().describe();

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "TC003 error")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "(tomcat on cucm1)")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "it breaks the integration uccx -> cucm")) << plan.out;

  auto lint = lab.trustctl({"lint", lab.site().string()});
  EXPECT_EQ(lint.exit_code, 1) << lint.out << lint.err;
  EXPECT_TRUE(contains(lint.out, "TC003 error")) << lint.out;
  EXPECT_TRUE(contains(lint.out, "(tomcat on cucm1)")) << lint.out;

  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 1) << verify.out << verify.err;
  for (const char* caller : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(contains(verify.out, std::string(caller) + " cannot call cucm1:8443: TC003")) << verify.out;
  }
  EXPECT_TRUE(contains(verify.out, "fix: have the CA issue it again with")) << verify.out;
  EXPECT_TRUE(contains(verify.out, "trusted by: uccx1✗ uccx2✗")) << verify.out;
  EXPECT_EQ(lab.sim->stop(), 0);
}

// docs/appliances.md section 10, the recommended setup: an RSA tomcat and an EC-CA-signed tomcat-ECDSA. The EC lab
// CA (ca init --key ec-256) signs UCCX's tomcat-ECDSA; it reaches SocialMiner, which UCCX's Socket.IO presents it
// to, and SocialMiner's own EC identity (Openfire) reaches UCCX. No --ecdsa-cop: every port presents what the table
// says.
TEST(LiveCertificates, UccxWithAnEcCaSignedTomcatEcdsaAppliesAndItsEcCaReachesSocialMiner) {
  Lab lab("live-ec-ca", {.subnet = 46});
  auto made = lab.trustctl({"ca", "init", "--name", "ec-ca", "--key", "ec-256", "--out-dir", (lab.dir() / "pki").string()});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  auto ec_ca = parse_certificates(read_text(lab.dir() / "pki/ec-ca.pem"));
  ASSERT_TRUE(ec_ca && ec_ca->front().key_type() == "EC");
  lab.write_site("\n[[ca]]\nname = \"ec-ca\"\ncertificate = \"pki/ec-ca.pem\"\nlocal_key = \"pki/ec-ca.key\"\n" +
                     socialminer(lab) + "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n",
                 "[cluster.identity.tomcat-ECDSA]\nissuer = \"ec-ca\"\n");
  lab.start_sim();

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(ec_ca->front().issued(stored_identity(lab, node, "tomcat-ECDSA"))) << node;
  }
  EXPECT_TRUE(lab.store_holds("sm1", ec_ca->front())) << "the EC CA behind UCCX's tomcat-ECDSA reaches SocialMiner";
  const Certificate sm_ec = stored_identity(lab, "sm1", "tomcat-ECDSA");
  EXPECT_TRUE(sm_ec.is_self_issued());
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(lab.store_holds(node, sm_ec)) << node << " trusts what SocialMiner's Openfire presents";
  }
  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(contains(verify.out, "uccx1.lab.example:12015")) << verify.out;
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;

  // Browsers: the EC CA serves exactly the ports that present the EC identity (UCCX Socket.IO).
  auto bundle_file = (lab.dir() / "agents.pem").string();
  auto bundle = lab.trustctl({"bundle", lab.site().string(), "--out", bundle_file});
  ASSERT_EQ(bundle.exit_code, 0) << bundle.out << bundle.err;
  auto manifest = nlohmann::json::parse(read_text(bundle_file + ".manifest.json"));
  bool found = false;
  for (const auto& entry : manifest["entries"]) {
    if (entry["fingerprint_sha256"] != ec_ca->front().fingerprint()) continue;
    found = true;
    EXPECT_EQ(entry["serves"], (nlohmann::json{"https://uccx1.lab.example:12015/", "https://uccx2.lab.example:12015/"}))
        << entry.dump();
  }
  EXPECT_TRUE(found) << manifest.dump(2);
  EXPECT_EQ(lab.sim->stop(), 0);
}

// TC005 (docs/appliances.md sections 9 and 10): a tomcat-ECDSA identity a local RSA CA would sign is refused before
// anything is contacted; so is one an outside CA returned signed by an RSA key, before anything is written.
TEST(LiveCertificates, AnRsaSignedTomcatEcdsaOnSocialMinerIsRefusedWithNothingWritten) {
  Lab lab("live-tc005", {.subnet = 47});
  auto made = lab.trustctl({"ca", "init", "--name", "rsa-ca", "--key", "rsa-2048", "--out-dir", (lab.dir() / "pki").string()});
  ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  lab.write_site("\n[[ca]]\nname = \"rsa-ca\"\ncertificate = \"pki/rsa-ca.pem\"\nlocal_key = \"pki/rsa-ca.key\"\n" +
                 socialminer(lab) + "[cluster.identity.tomcat-ECDSA]\nissuer = \"rsa-ca\"\n" +
                 "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n");
  lab.start_sim();
  auto plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.err, "TC005")) << plan.err;
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.err, "TC005")) << apply.err;

  // An outside EC CA, and in its signed_dir a tomcat-ECDSA for sm1 that an RSA key signed.
  auto ec_ca = make_root("Corp EC CA");
  auto rsa_key = *pki::KeyPair::generate("rsa-2048");
  TestCa rsa_ca{rsa_key, *pki::self_signed({.common_name = "Corp RSA CA", .is_ca = true}, rsa_key)};
  auto ec_key = *pki::KeyPair::generate("ec-256");
  auto wrong = *pki::issue_certificate({.common_name = "sm1.lab.example", .dns_names = {"sm1.lab.example"}}, ec_key,
                                       &rsa_ca.certificate, rsa_ca.key);
  write_text(lab.dir() / "pki/corp-ec.pem", ec_ca.certificate.pem());
  std::filesystem::create_directories(lab.dir() / "signed");
  write_text(lab.dir() / "signed/sm1-ecdsa.pem", wrong.pem());
  lab.write_site("\n[[ca]]\nname = \"corp-ec\"\ncertificate = \"pki/corp-ec.pem\"\nsigned_dir = \"signed\"\n" +
                 socialminer(lab) + "[cluster.identity.tomcat-ECDSA]\nissuer = \"corp-ec\"\n" +
                 "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n");
  plan = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "TC005 error")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "(sm1-ecdsa.pem in corp-ec's signed_dir, for sm1 tomcat-ECDSA)")) << plan.out;
  apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(apply.exit_code, 1) << apply.out << apply.err;
  EXPECT_TRUE(contains(apply.out, "TC005")) << apply.out;  // with the plan apply printed
  EXPECT_TRUE(contains(apply.err, "nothing was changed")) << apply.err;
  for (const char* node : {"uccx1", "uccx2", "sm1"}) EXPECT_EQ(imports(lab, node), 0) << node;
  EXPECT_EQ(lab.sim->stop(), 0);
}

// Issue 12 point 5: uccx1's self-signed identity has 20 days left (inside the renewal window: at least 30 days).
// One apply regenerates it and carries the new one to SocialMiner, which must trust each UCCX node (docs/appliances.md
// section 6); verify passes at once and the next plan has nothing to do.
TEST(LiveCertificates, AnIdentityInsideItsRenewalWindowIsRenewedAndReachesItsPeersInOneApply) {
  Lab lab("one-apply-renewal", {.subnet = 48});
  lab.write_site(socialminer(lab) + "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n",
                 "[cluster.identity.tomcat]\nissuer = \"self\"\n");
  lab.start_sim();
  auto first = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_EQ(lab.sim->stop(), 0);

  // The same key and names, 20 days left; vos-sim's warm start loads it as the node's identity.
  const Certificate old = stored_identity(lab, "uccx1", "tomcat");
  auto key = pki::KeyPair::from_pem(read_text(lab.sim_state() / "uccx1/tomcat/tomcat.key"));
  ASSERT_TRUE(key) << key.error().message;
  auto due = pki::self_signed({.common_name = old.common_name(), .dns_names = old.dns_names(), .days = 20}, *key);
  ASSERT_TRUE(due);
  write_text(lab.sim_state() / "uccx1/tomcat/tomcat.pem", due->pem());
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "regenerate tomcat")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "the new tomcat identity of uccx1 (known after apply)")) << plan.out;
  EXPECT_FALSE(contains(plan.out, "upload uccx1.lab.example (" + due->fingerprint().substr(0, 8) + ")"))
      << "the identity it replaces goes nowhere\n" << plan.out;
  EXPECT_TRUE(contains(plan.out, "TC006 warning")) << "the deployed identity inside its window is a finding\n" << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  const Certificate renewed = stored_identity(lab, "uccx1", "tomcat");
  EXPECT_FALSE(renewed == *due);
  EXPECT_TRUE(renewed.is_self_issued());
  EXPECT_TRUE(lab.store_holds("sm1", renewed)) << "SocialMiner got the new identity in the same apply";
  auto verify = lab.trustctl({"verify", lab.site().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(contains(again.out, "No changes.")) << again.out;
  EXPECT_EQ(lab.sim->stop(), 0);
}

}  // namespace
}  // namespace trustctl::testing
