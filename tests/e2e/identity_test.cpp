// Identity lifecycle against a real vos-sim: a lab rebuild where every node starts self-signed and ends, after one
// apply, with an identity signed by the lab CA whose key trustctl holds.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Certificate stored_identity(const Lab& lab, const std::string& node, const std::string& unit = "tomcat") {
  auto certs = parse_certificates(read_text(lab.sim_state() / node / unit / (unit + ".pem")));
  EXPECT_TRUE(certs && !certs->empty());
  return certs->front();
}

// The "done when": every node starts self-signed; after one apply every identity is signed by the local CA,
// every integration trusts its peers, verify passes, and the client bundle is written.
TEST(Identity, LabRebuildSignsEveryNodeWithTheLocalCaAfterItsChainIsTrusted) {
  Lab lab("identity", {.subnet = 100});
  auto lab_ca = make_root("trustctl Lab CA");
  write_text(lab.dir() / "pki/lab-ca.pem", lab_ca.certificate.pem());
  write_text(lab.dir() / "pki/lab-ca.key", lab_ca.key.private_pem());
  lab.write_site("\n[[ca]]\nname = \"lab-ca\"\ncertificate = \"pki/lab-ca.pem\"\nlocal_key = \"pki/lab-ca.key\"\n"
                 "\n[[cluster]]\nname = \"socialminer\"\nproduct = \"socialminer\"\nversion = \"12.5\"\n"
                 "nodes = [{ name = \"sm1\", fqdn = \"sm1.lab.example\", role = \"publisher\", address = \"" +
                     lab.address(3) + "\" }]\n[cluster.identity.tomcat]\nissuer = \"lab-ca\"\n"
                 // SocialMiner 12.5 also presents its EC identity to browsers that prefer ECDSA: signed too.
                 "[cluster.identity.tomcat-ECDSA]\nissuer = \"lab-ca\"\nkey = \"ec-256\"\n"
                 "\n[[integration]]\nfrom = \"uccx\"\nto = \"socialminer\"\n",
                 // UCCX 12.5 has a tomcat-ECDSA identity too (from 11.5 on): signed as well, so none stays self-signed.
                 "[cluster.identity.tomcat]\nissuer = \"lab-ca\"\n[cluster.identity.tomcat-ECDSA]\nissuer = \"lab-ca\"\n");
  lab.start_sim();
  for (const char* node : {"uccx1", "uccx2", "sm1"}) EXPECT_TRUE(stored_identity(lab, node).is_self_issued()) << node;

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "renew tomcat identity")) << plan.out;
  EXPECT_TRUE(contains(plan.out, "6 to change")) << plan.out;

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"uccx1", "uccx2", "sm1"}) {
    Certificate identity = stored_identity(lab, node);
    EXPECT_TRUE(lab_ca.certificate.issued(identity)) << node;
    auto names = identity.dns_names();
    EXPECT_NE(std::find(names.begin(), names.end(), std::string(node) + ".lab.example"), names.end()) << node;
    EXPECT_TRUE(lab.store_holds(node, lab_ca.certificate)) << node;
    EXPECT_EQ(lab.count_commands(node, "set csr gen tomcat"), 1) << node;
    EXPECT_EQ(lab.count_commands(node, "utils service restart Cisco Tomcat"), 1) << "one restart for trust and identity";
  }
  // The integration: UCCX trusts SocialMiner's chain and SocialMiner trusts UCCX's, which is the lab CA now.
  EXPECT_TRUE(lab.store_holds("sm1", lab_ca.certificate));
  auto verify = lab.trustctl({"verify", lab.site().string(), "--format", "json"});
  ASSERT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(nlohmann::json::parse(verify.out).value("ok", false)) << verify.out;
  // The CA went into the publisher's trust before its identity upload (the appliance refuses the reverse).
  auto log = lab.commands("uccx1");
  std::size_t trust_at = log.size(), own_at = log.size();
  for (std::size_t k = 0; k < log.size(); ++k) {
    std::string command = log[k].value("command", "");
    if (command == "set cert import trust tomcat" && trust_at == log.size()) trust_at = k;
    if (command == "set cert import own tomcat") own_at = k;
  }
  EXPECT_LT(trust_at, own_at);

  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  auto key_text = read_text(lab.dir() / "pki/lab-ca.key");
  EXPECT_FALSE(contains(apply.out + apply.err + read_text(lab.state() / "journal.jsonl"),
                        key_text.substr(40, 40)))
      << "the CA key never appears in output or journal";

  for (const char* node : {"uccx1", "uccx2", "sm1"}) {
    EXPECT_TRUE(lab_ca.certificate.issued(stored_identity(lab, node, "tomcat-ECDSA"))) << node;
  }

  // What agent and admin browsers must trust now: the lab CA root only (no self-signed identity is left, EC ones
  // included).
  auto bundle_file = (lab.dir() / "agents.pem").string();
  auto bundle = lab.trustctl({"bundle", lab.site().string(), "--out", bundle_file});
  ASSERT_EQ(bundle.exit_code, 0) << bundle.out << bundle.err;
  auto bundled = parse_certificates(read_text(bundle_file));
  ASSERT_TRUE(bundled);
  ASSERT_EQ(bundled->size(), 1u);
  EXPECT_EQ(bundled->front(), lab_ca.certificate);
  auto manifest = nlohmann::json::parse(read_text(bundle_file + ".manifest.json"));
  EXPECT_TRUE(contains(manifest.dump(), "https://sm1.lab.example")) << manifest.dump();
}

TEST(Identity, PruneRemovesWhatTrustctlAddedOnceTheSiteNoLongerWantsIt) {
  Lab lab("prune", {.subnet = 101});
  lab.start_sim();
  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  // Drop the issuing CA from the site and turn prune on.
  auto text = read_text(lab.site());
  auto pos = text.find("\"corp-root\", \"corp-issuing\"");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, std::string("\"corp-root\", \"corp-issuing\"").size(), "\"corp-root\"");
  write_text(lab.site(), text + "\n[policy]\nprune = true\n");
  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "policy.prune")) << plan.out;
  auto prune = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(prune.exit_code, 0) << prune.out << prune.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    EXPECT_FALSE(lab.store_holds(node, lab.issuing.certificate)) << node << ": deleted on every node";
    EXPECT_TRUE(lab.store_holds(node, lab.root.certificate)) << node;
  }
  // The nodes' own self-signed certificates (not added by trustctl) are untouched: each node still holds its peer's.
  int peers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(lab.sim_state() / "uccx1" / "tomcat-trust")) {
    peers += entry.path().filename().string().rfind("uccx2.lab.example_", 0) == 0;
  }
  EXPECT_EQ(peers, 1);
  auto again = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 0) << again.out;
}

}  // namespace
}  // namespace trustctl::testing
