// The rest of the identity lifecycle against a real vos-sim: one multi-server (SAN) certificate for a UCCX pair, the
// tomcat-ECDSA unit, and identities an outside CA signs (CSRs exported by `trustctl csr`, signed certificates picked up
// from the CA's signed_dir).

#include "providers/pki/csr_signer.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Certificate stored(const Lab& lab, const std::string& node, const std::string& unit = "tomcat") {
  auto certs = parse_certificates(read_text(lab.sim_state() / node / unit / (unit + ".pem")));
  EXPECT_TRUE(certs && !certs->empty()) << node << " " << unit;
  return certs && !certs->empty() ? certs->front() : make_root("missing").certificate;
}

bool names(const Certificate& c, const std::string& fqdn) {
  auto list = c.dns_names();
  return std::find(list.begin(), list.end(), fqdn) != list.end();
}

void write_lab_ca(const Lab& lab, const TestCa& ca) {
  write_text(lab.dir() / "pki/lab-ca.pem", ca.certificate.pem());
  write_text(lab.dir() / "pki/lab-ca.key", ca.key.private_pem());
}

const char* kLabCa = "\n[[ca]]\nname = \"lab-ca\"\ncertificate = \"pki/lab-ca.pem\"\nlocal_key = \"pki/lab-ca.key\"\n";

TEST(IdentityLifecycle, MultiServerCertificateIsMadeOnThePublisherAndReachesTheSubscriber) {
  Lab lab("multi-server", {.subnet = 109});
  auto lab_ca = make_root("trustctl Lab CA");
  write_lab_ca(lab, lab_ca);
  lab.write_site(kLabCa, "[cluster.identity.tomcat]\nissuer = \"lab-ca\"\ndistribution = \"multi-server\"\n");
  lab.start_sim();

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "multi-server (SAN) identity for the cluster")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "wait for the multi-server tomcat identity to reach this node from uccx1")) << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  Certificate on_publisher = stored(lab, "uccx1");
  EXPECT_EQ(stored(lab, "uccx2"), on_publisher) << "one certificate for the cluster";
  EXPECT_TRUE(lab_ca.certificate.issued(on_publisher));
  EXPECT_TRUE(names(on_publisher, "uccx1.lab.example") && names(on_publisher, "uccx2.lab.example"));
  EXPECT_TRUE(contains(on_publisher.common_name(), "-ms")) << on_publisher.common_name();
  EXPECT_EQ(lab.count_commands("uccx1", "set csr gen tomcat multi-server"), 1);
  EXPECT_EQ(lab.count_commands("uccx2", "set csr gen tomcat multi-server") +
                lab.count_commands("uccx2", "set csr gen tomcat"),
            0)
      << "nothing is generated on the subscriber";
  EXPECT_EQ(lab.count_commands("uccx2", "set cert import own tomcat"), 0);
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
  EXPECT_TRUE(contains(apply.out, "Verify: 10 endpoint(s), 10 ok, 0 failing")) << apply.out;

  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST(IdentityLifecycle, OutsideCaCsrsAreExportedThenTheSignedCertificatesArePickedUpByFqdn) {
  Lab lab("outside-ca", {.subnet = 110});
  lab.write_site("\n[[ca]]\nname = \"corp-outside\"\ncertificate = \"pki/corp-issuing.pem\"\nsigned_dir = \"signed\"\n",
                 "[cluster.identity.tomcat]\nissuer = \"corp-outside\"\n");
  lab.start_sim();

  // Nothing signed yet: the plan says what to do and changes no identity.
  auto waiting = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(waiting.exit_code, 0) << waiting.out << waiting.err;
  EXPECT_TRUE(contains(waiting.out, "waits for a certificate signed by corp-outside")) << waiting.out;
  EXPECT_TRUE(contains(waiting.out, "uccx1.lab.example.tomcat.csr")) << waiting.out;
  EXPECT_FALSE(contains(waiting.out, "install ")) << waiting.out;

  auto csr = lab.trustctl({"csr", lab.site().string(), "--out", (lab.dir() / "csrs").string()});
  ASSERT_EQ(csr.exit_code, 0) << csr.out << csr.err;
  EXPECT_TRUE(contains(csr.out, "new CSR generated on the node")) << csr.out;
  for (const char* node : {"uccx1", "uccx2"}) EXPECT_EQ(lab.count_commands(node, "set csr gen tomcat"), 1) << node;
  // Making a CSR writes on the node: it ran through the executor and is journaled like an apply's actions.
  const std::string journaled = read_text(lab.state() / "journal.jsonl");
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_TRUE(contains(journaled, std::string("\"action\":\"") + node + ":export-csr:tomcat\"")) << journaled;
  }
  EXPECT_TRUE(contains(journaled, "\"event\":\"action-done\"")) << journaled;

  // Run again before anything is signed: the pending CSRs are exported again, not replaced.
  auto csr_again = lab.trustctl({"csr", lab.site().string(), "--out", (lab.dir() / "csrs").string(), "--format",
                                 "json"});
  ASSERT_EQ(csr_again.exit_code, 0) << csr_again.out << csr_again.err;
  auto listed = nlohmann::json::parse(csr_again.out);
  ASSERT_EQ(listed["csrs"].size(), 2u);
  EXPECT_EQ(listed["csrs"][0]["origin"], "pending");
  for (const char* node : {"uccx1", "uccx2"}) EXPECT_EQ(lab.count_commands(node, "set csr gen tomcat"), 1) << node;

  // show lists each pending CSR, where it was exported and what it still waits for.
  auto pending = lab.trustctl({"show", lab.site().string(), "--format", "json"});
  ASSERT_EQ(pending.exit_code, 0) << pending.out << pending.err;
  auto inventory = nlohmann::json::parse(pending.out);
  const auto& uccx1_csrs = inventory["clusters"][0]["nodes"][0]["pending_csrs"];
  ASSERT_EQ(uccx1_csrs.size(), 1u) << pending.out;
  EXPECT_EQ(uccx1_csrs[0]["export_file"], "uccx1.lab.example.tomcat.csr");
  EXPECT_EQ(uccx1_csrs[0]["ca"], "corp-outside");
  EXPECT_EQ(uccx1_csrs[0]["signed_file"], "");

  // The outside CA signs them; the files are named as the CA likes, trustctl matches by the names inside.
  for (const char* node : {"uccx1", "uccx2"}) {
    std::string pem = read_text(lab.dir() / "csrs" / (std::string(node) + ".lab.example.tomcat.csr"));
    auto leaf = pki::sign_csr(pem, lab.issuing.certificate, lab.issuing.key);
    ASSERT_TRUE(leaf) << leaf.error().describe();
    write_text(lab.dir() / "signed" / ("ticket-4711-" + std::string(node) + ".cer"), leaf->pem());
  }
  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "as the tomcat identity, signed by corp-outside")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "ticket-4711-uccx1.cer")) << plan.out;
  auto answered = lab.trustctl({"show", lab.site().string()});
  ASSERT_EQ(answered.exit_code, 0) << answered.out << answered.err;
  EXPECT_TRUE(contains(answered.out, "pending CSR tomcat (for corp-outside, exported as uccx2.lab.example.tomcat.csr)"))
      << answered.out;
  EXPECT_TRUE(contains(answered.out, "ticket-4711-uccx2.cer answers it; apply installs it")) << answered.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    Certificate identity = stored(lab, node);
    EXPECT_TRUE(lab.issuing.certificate.issued(identity)) << node;
    EXPECT_TRUE(names(identity, std::string(node) + ".lab.example")) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << node;
  }
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  auto none = lab.trustctl({"csr", lab.site().string(), "--out", (lab.dir() / "csrs").string()});
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_TRUE(contains(none.out, "No CSRs needed")) << none.out;
  auto journal = lab.trustctl({"journal", lab.site().string(), "--format", "json"});
  EXPECT_TRUE(contains(journal.out, "csr-")) << "the CSR run is in the journal: " << journal.out;
}

TEST(IdentityLifecycle, EcdsaIdentityOfAFinesseClusterIsSignedByAnEcCa) {
  Lab lab("ecdsa", {.subnet = 111});
  auto lab_ca = make_root("trustctl EC Lab CA");  // EC: an ECDSA identity signed by an RSA CA breaks peers (TC005)
  write_lab_ca(lab, lab_ca);
  std::string finesse =
      "\n[[cluster]]\nname = \"finesse\"\nproduct = \"finesse\"\nversion = \"12.5\"\nnodes = [\n"
      "  { name = \"fin1\", fqdn = \"fin1.lab.example\", role = \"publisher\", address = \"" + lab.address(3) + "\" },\n"
      "  { name = \"fin2\", fqdn = \"fin2.lab.example\", role = \"subscriber\", address = \"" + lab.address(4) +
      "\" },\n]\n[cluster.identity.tomcat-ECDSA]\nissuer = \"lab-ca\"\nkey = \"ec-256\"\n";
  lab.write_site(std::string(kLabCa) + finesse);
  lab.start_sim();
  Certificate before = stored(lab, "fin1", "tomcat");

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "renew tomcat-ECDSA identity")) << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"fin1", "fin2"}) {
    Certificate ec = stored(lab, node, "tomcat-ECDSA");
    EXPECT_EQ(ec.key_type(), "EC") << node;
    EXPECT_TRUE(lab_ca.certificate.issued(ec)) << node;
    EXPECT_EQ(lab.count_commands(node, "set csr gen tomcat-ECDSA"), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Finesse Tomcat"), 1) << node;
  }
  EXPECT_EQ(stored(lab, "fin1", "tomcat"), before) << "the RSA identity is left alone";
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;

  // A Finesse port presents the RSA identity: the ECDSA guide's table (docs/appliances.md section 10) has only UCCX's
  // Socket.IO and SocialMiner's Openfire present tomcat-ECDSA, so the bundle does not offer the EC CA for 8445.
  const std::string bundle_file = (lab.dir() / "agents.pem").string();
  auto bundle = lab.trustctl({"bundle", lab.site().string(), "--out", bundle_file});
  ASSERT_EQ(bundle.exit_code, 0) << bundle.out << bundle.err;
  auto manifest = nlohmann::json::parse(read_text(bundle_file + ".manifest.json"));
  bool ec_ca_serves_finesse = false;
  for (const auto& entry : manifest["entries"]) {
    if (entry["fingerprint_sha256"] != lab_ca.certificate.fingerprint()) continue;
    for (const auto& url : entry["serves"]) ec_ca_serves_finesse |= url == "https://fin1.lab.example:8445/";
  }
  EXPECT_FALSE(ec_ca_serves_finesse) << manifest.dump(2);
  for (const char* node : {"fin1", "fin2"}) {
    EXPECT_TRUE(contains(manifest.dump(), stored(lab, node, "tomcat").fingerprint())) << "the RSA identity stays: " << node;
  }

  // A unit the version does not have (tomcat-ECDSA arrived in 11.5) is refused before anything is contacted, naming
  // the policy in the site file; UCCX 12.5 has it (docs/appliances.md section 2).
  lab.write_site(kLabCa, "[cluster.identity.tomcat-ECDSA]\nissuer = \"lab-ca\"\n");
  EXPECT_EQ(lab.trustctl({"validate", lab.site().string()}).exit_code, 0);
  std::string text = read_text(lab.site());
  text.replace(text.find("version = \"12.5\""), 16, "version = \"11.0\"");
  write_text(lab.site(), text);
  auto refused = lab.trustctl({"plan", lab.site().string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(contains(refused.err, "uccx 11.0 has no tomcat-ECDSA unit (it exists from 11.5 on")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "site.toml:")) << refused.err;
}

}  // namespace
}  // namespace trustctl::testing
