// A twin built from an inventory (`vos-sim TWIN.toml --from-inventory INVENTORY.json`), against the real binary:
// trust stores hold exactly the inventory's files; identities keep subject, SANs, issuer, serial, validity and
// extensions on fresh keys (signed by the site's CA when TWIN.toml gives its key, by a stand-in otherwise); a port
// that presented an older identity still does; what the CLI shows and what the ports present agree; stderr says what
// differs; a restarted twin keeps its state; a bad inventory is a clear error. Addresses: 127.0.138.x.

#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/site_text.hpp"
#include "tests/vossim/test/ssh_shell.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace vossim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using trustctl::Certificate;

constexpr const char* kPasswordEnv = "VOSSIM_TWIN_PASSWORD";
constexpr const char* kPassword = "Twin-1";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

json certificate_json(const Certificate& c) {
  return {{"subject", c.subject()}, {"fingerprint_sha256", c.fingerprint()}, {"pem", c.pem()}};
}

json trust_json(const std::vector<Certificate>& certificates) {
  json entries = json::array();
  for (const auto& c : certificates) entries.push_back({{"file", c.trust_file_name()}, {"certificate", certificate_json(c)}});
  return json::array({{{"store", "tomcat-trust"}, {"entries", entries}}});
}

Certificate stored(const fs::path& file) { return trustctl::parse_certificates(test::read_file(file))->front(); }

class TwinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv(kPasswordEnv, kPassword, 1);
    // The live site: uccx1 self-signed (its port 8443 still presents an older one), uccx2 signed by the lab CA (whose
    // key TWIN.toml names), cucm1 signed by an outside CA with a critical extended key usage.
    m_lab_ca = test::make_certificate("Twin Lab CA", true, nullptr, 3650, 0, "rsa-2048");
    m_outside_ca = test::make_certificate("Outside Issuing CA", true, nullptr, 3650, 0, "rsa-2048");
    m_uccx1 = identity("uccx1.lab.example", nullptr);
    m_uccx1_old = identity("uccx1.lab.example", nullptr, -10);
    m_uccx2 = identity("uccx2.lab.example", &m_lab_ca);
    m_cucm1 = identity("cucm1.lab.example", &m_outside_ca, 0, "critical,serverAuth");
    const auto partner = test::make_certificate("Partner Root", true);
    // UCCX's self-signed tomcat-ECDSA identities sit in the cluster's tomcat-trust; the inventory lists no
    // tomcat-ECDSA identity for them (as trustctl show does where it expects none): the twin takes them from there.
    const auto uccx1_ec = ec_self_signed("uccx1");
    const auto uccx2_ec = ec_self_signed("uccx2");
    std::ofstream(m_dir.path() / "lab-ca.pem") << m_lab_ca.certificate.pem();
    std::ofstream(m_dir.path() / "lab-ca.key") << m_lab_ca.key.private_pem();

    json uccx = {{"name", "uccx"}, {"product", "uccx"}, {"nodes", json::array()}};
    const std::vector<Certificate> uccx_trust = {m_lab_ca.certificate, m_uccx1.certificate, m_uccx2.certificate,
                                                 partner.certificate, uccx1_ec, uccx2_ec};
    uccx["nodes"].push_back(node("uccx1", {m_uccx1.certificate}, uccx_trust));
    uccx["nodes"][0]["ports"] = json::array({{{"port", 8443}, {"service", "Cisco Tomcat"}, {"matches_identity", false},
                                              {"presented", certificate_json(m_uccx1_old.certificate)}}});
    uccx["nodes"].push_back(node("uccx2", {m_uccx2.certificate}, uccx_trust));
    json cucm = {{"name", "cucm"}, {"product", "cucm"}, {"nodes", json::array({node("cucm1", {m_cucm1.certificate},
                                                                                   {m_outside_ca.certificate})})}};
    m_inventory = {{"format_version", 1}, {"site", "live"}, {"generated_at", "2026-12-01T00:00:00Z"},
                   {"clusters", json::array({uccx, cucm})}};
    write_inventory(m_inventory);
    std::ofstream(m_dir.path() / "site.toml") << test::site_toml(
        "127.0.138", kPasswordEnv,
        {{"uccx", "uccx", "12.5", {{"uccx1", "publisher", 1}, {"uccx2", "subscriber", 2}}},
         {"cucm", "cucm", "14", {{"cucm1", "publisher", 3, "https_port = 9443"}}}},
        "[[ca]]\nname = \"lab-ca\"\ncertificate = \"lab-ca.pem\"\nlocal_key = \"lab-ca.key\"\n");
  }

  test::Issued identity(const std::string& fqdn, const test::Issued* ca, int offset_days = 0,
                        const std::string& eku = "") {
    auto key = trustctl::pki::KeyPair::generate("rsa-2048");
    trustctl::pki::CertificateSpec spec{.common_name = fqdn, .dns_names = {fqdn, "lab.example"}};
    spec.organization = "Cisco";
    spec.not_before_offset_days = offset_days;
    spec.days = 1000;
    if (!eku.empty()) {
      spec.server_auth = false;
      spec.extra_extensions.push_back({"extendedKeyUsage", eku});
    }
    auto made = ca == nullptr ? trustctl::pki::self_signed(spec, *key)
                              : trustctl::pki::issue_certificate(spec, *key, &ca->certificate, ca->key);
    EXPECT_TRUE(made.has_value());
    return test::Issued{*made, *key};
  }
  static Certificate ec_self_signed(const std::string& host) {
    auto key = trustctl::pki::KeyPair::generate("ec-256");
    trustctl::pki::CertificateSpec spec{.common_name = host + "-EC.lab.example", .dns_names = {host + ".lab.example"}};
    return *trustctl::pki::self_signed(spec, *key);
  }
  json node(const std::string& name, const std::vector<Certificate>& identities,
            const std::vector<Certificate>& trust) {
    json ids = json::array();
    for (const auto& c : identities) ids.push_back({{"unit", "tomcat"}, {"certificate", certificate_json(c)}, {"chain", json::array()}});
    return {{"name", name}, {"read", true}, {"identities", ids}, {"trust_stores", trust_json(trust)},
            {"ports", json::array()}, {"pending_csrs", json::array()}};
  }
  void write_inventory(const json& doc) { std::ofstream(m_dir.path() / "inventory.json") << doc.dump(2); }
  std::unique_ptr<test::SimProcess> start() {
    return std::make_unique<test::SimProcess>(
        m_dir.path() / "site.toml", m_dir.path(),
        std::vector<std::string>{"--from-inventory", (m_dir.path() / "inventory.json").string()});
  }
  fs::path state() const { return m_dir.path() / "state" / "vos-sim"; }

  test::TempDir m_dir;
  test::Issued m_lab_ca = test::make_certificate("unused", true);
  test::Issued m_outside_ca = m_lab_ca, m_uccx1 = m_lab_ca, m_uccx1_old = m_lab_ca, m_uccx2 = m_lab_ca,
               m_cucm1 = m_lab_ca;
  json m_inventory;
};

TEST_F(TwinTest, StoresAreTheInventorysAndIdentitiesTheLiveOnesOnFreshKeys) {
  auto sim = start();
  ASSERT_EQ(sim->wait_ready(), "vos-sim: 3 nodes listening\n") << sim->stderr_text();
  const std::string err = sim->stderr_text();

  // Identities: the same fields, a new key; the lab CA signed uccx2's copy, a stand-in cucm1's.
  const Certificate uccx1 = stored(state() / "uccx1/tomcat/tomcat.pem");
  const Certificate uccx2 = stored(state() / "uccx2/tomcat/tomcat.pem");
  const Certificate cucm1 = stored(state() / "cucm1/tomcat/tomcat.pem");
  for (const auto& [copy, live] : {std::pair{uccx1, m_uccx1.certificate}, std::pair{uccx2, m_uccx2.certificate},
                                   std::pair{cucm1, m_cucm1.certificate}}) {
    EXPECT_EQ(copy.subject(), live.subject());
    EXPECT_EQ(copy.issuer(), live.issuer());
    EXPECT_EQ(copy.serial_hex(), live.serial_hex());
    EXPECT_EQ(copy.dns_names(), live.dns_names());
    EXPECT_EQ(copy.not_before(), live.not_before());
    EXPECT_EQ(copy.not_after(), live.not_after());
    EXPECT_NE(copy.public_key_pem(), live.public_key_pem());
    EXPECT_EQ(copy.trust_file_name(), live.trust_file_name());
  }
  EXPECT_TRUE(uccx1.is_self_issued());
  EXPECT_TRUE(m_lab_ca.certificate.issued(uccx2));
  EXPECT_FALSE(m_outside_ca.certificate.issued(cucm1));
  EXPECT_EQ(cucm1.signer_key_type(), "RSA");
  const int eku = X509_get_ext_by_NID(cucm1.native(), NID_ext_key_usage, -1);
  ASSERT_GE(eku, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(cucm1.native(), eku)), 1) << "extensions are copied, critical ones too";
  // UCCX's tomcat-ECDSA: a copy of the self-signed one tomcat-trust held, which the stores now hold instead.
  const Certificate uccx1_ec = stored(state() / "uccx1/tomcat-ECDSA/tomcat-ECDSA.pem");
  EXPECT_EQ(uccx1_ec.common_name(), "uccx1-EC.lab.example");
  EXPECT_EQ(stored(state() / "uccx2/tomcat-trust" / uccx1_ec.trust_file_name()), uccx1_ec);

  // Trust stores: exactly the inventory's files; uccx1's identity in uccx2's store is the twin's copy.
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(state() / "uccx2" / "tomcat-trust")) files.insert(entry.path().filename());
  std::set<std::string> expected;
  for (const auto& entry : m_inventory["clusters"][0]["nodes"][1]["trust_stores"][0]["entries"]) expected.insert(entry["file"]);
  EXPECT_EQ(files, expected);
  EXPECT_EQ(stored(state() / "uccx2/tomcat-trust" / m_uccx1.certificate.trust_file_name()), uccx1);
  EXPECT_EQ(stored(state() / "uccx2/tomcat-trust" / m_lab_ca.certificate.trust_file_name()), m_lab_ca.certificate);

  // The ports present what the CLI shows, except uccx1:8443, whose Tomcat still runs an older identity (a copy).
  auto shell = test::ShellClient("127.0.138.2", test::kSitePort, m_dir.path() / "state" / "known_hosts", kPassword);
  ASSERT_TRUE(shell.ready());
  shell.run("set cli pagination off");
  const std::string own = shell.run("show cert own tomcat");
  EXPECT_TRUE(contains(own, test::pem_lines(uccx2.pem())[1])) << own;
  EXPECT_EQ(test::tls_probe("127.0.138.2", 8443).chain.front(), uccx2);
  EXPECT_EQ(test::tls_probe("127.0.138.3", 9443).chain.front(), cucm1);
  const auto stale = test::tls_probe("127.0.138.1", 8443).chain.front();
  EXPECT_EQ(stale.subject(), m_uccx1_old.certificate.subject());
  EXPECT_EQ(stale.not_before(), m_uccx1_old.certificate.not_before());
  EXPECT_EQ(test::tls_probe("127.0.138.1", 8445).chain.front(), uccx1);

  // stderr says what differs and why.
  EXPECT_TRUE(contains(err, "vos-sim: twin: twin of 'live'")) << err;
  EXPECT_TRUE(contains(err, "fresh keys")) << err;
  EXPECT_TRUE(contains(err, "uccx2 tomcat CN=uccx2.lab.example,O=Cisco: sha256 " + m_uccx2.certificate.short_fingerprint() +
                                " -> " + uccx2.short_fingerprint()))
      << err;
  EXPECT_TRUE(contains(err, "signed by [[ca]] 'lab-ca'")) << err;
  EXPECT_TRUE(contains(err, "whose key the twin does not have")) << err;
  EXPECT_TRUE(contains(err, "which plan will want on the twin only: cucm1 tomcat")) << err;
  EXPECT_TRUE(contains(err, "uccx1 Cisco Tomcat: presents the twin's copy of an older identity")) << err;
  EXPECT_FALSE(contains(err, "PRIVATE KEY")) << err;
  EXPECT_EQ(sim->terminate_and_wait(), 0);

  // Started again: the twin keeps its state (a rehearsal's changes), and says so.
  auto again = start();
  ASSERT_EQ(again->wait_ready(), "vos-sim: 3 nodes listening\n") << again->stderr_text();
  EXPECT_TRUE(contains(again->stderr_text(), "kept the state these nodes already have")) << again->stderr_text();
  EXPECT_EQ(stored(state() / "uccx2/tomcat/tomcat.pem"), uccx2);
  EXPECT_EQ(again->terminate_and_wait(), 0);
}

TEST_F(TwinTest, AnInventoryWithoutPemOrOfAnotherProductIsAClearError) {
  json old = m_inventory;
  old["clusters"][0]["nodes"][0]["identities"][0]["certificate"].erase("pem");
  write_inventory(old);
  auto sim = start();
  EXPECT_EQ(sim->wait_ready(), "");
  EXPECT_EQ(sim->terminate_and_wait(false), 1);
  EXPECT_TRUE(contains(sim->stderr_text(), "uccx1 identity tomcat has no PEM")) << sim->stderr_text();
  EXPECT_TRUE(contains(sim->stderr_text(), "run `trustctl show SITE --format json` again")) << sim->stderr_text();

  json other = m_inventory;
  other["clusters"][1]["product"] = "finesse";
  write_inventory(other);
  auto again = start();
  EXPECT_EQ(again->wait_ready(), "");
  EXPECT_EQ(again->terminate_and_wait(false), 1);
  EXPECT_TRUE(contains(again->stderr_text(), "node cucm1 is a finesse in")) << again->stderr_text();

  std::ofstream(m_dir.path() / "inventory.json") << "not json";
  auto bad = start();
  EXPECT_EQ(bad->wait_ready(), "");
  EXPECT_EQ(bad->terminate_and_wait(false), 1);
  EXPECT_TRUE(contains(bad->stderr_text(), "is not the output of `trustctl show SITE --format json`"));
}

}  // namespace
}  // namespace vossim
