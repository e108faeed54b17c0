// vos-sim's integration oracle (control API GET /integrations) as an independent check of what trustctl's apply
// achieves: the UCCX solution of examples/uccx-full.toml on its own addresses, every relation broken before apply,
// the relations trustctl configures working after it, and UCCX -> CUCM broken again once an administrator installs a
// CUCM identity with a critical extended key usage. Addresses: 127.0.141-142.x.

#include "support/by_hand.hpp"
#include "support/lab.hpp"
#include "providers/vos/vos_cli.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// examples/uccx-full.toml on 127.0.<subnet>.x, with a CA the test holds the key of, trusted by UCCX and CUCM (so a
// CUCM identity it signs fails only for what the certificate itself carries), and the partner stood up by vos-sim.
class UccxFull {
 public:
  UccxFull(const std::string& name, int subnet) {
    m_dir = fs::temp_directory_path() / ("trustctl-e2e-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples" / "pki", m_dir / "pki", fs::copy_options::recursive);
    std::string site = read_text(fs::path(TRUSTCTL_SOURCE_DIR) / "examples" / "uccx-full.toml");
    site = std::regex_replace(site, std::regex("127\\.0\\.2\\."), "127.0." + std::to_string(subnet) + ".");
    site += "\n[[ca]]\nname = \"cucm-issuing\"\ncertificate = \"pki/cucm-issuing.pem\"\n"
            "\n[[trust]]\ncluster = \"uccx\"\ncertificates = [\"cucm-issuing\"]\n"
            "\n[[trust]]\ncluster = \"cucm\"\ncertificates = [\"cucm-issuing\"]\n";
    write_text(site_file(), site);
    write_text(m_dir / "pki/cucm-issuing.pem", cucm_ca.certificate.pem());
    auto partner_root = make_root("Partner Root CA");
    auto key = *pki::KeyPair::generate("ec-256");
    auto leaf = *pki::issue_certificate({.common_name = "api.partner.example", .dns_names = {"api.partner.example"}},
                                        key, &partner_root.certificate, partner_root.key);
    write_text(m_dir / "pki/partner-root.pem", partner_root.certificate.pem());
    write_text(m_dir / "partner-chain.pem", leaf.pem() + partner_root.certificate.pem());
    write_text(m_dir / "partner.key", key.private_pem());
    setenv("LAB_OS_ADMIN_PASSWORD", ("oracle-" + name).c_str(), 1);
  }
  ~UccxFull() {
    sim.reset();
    fs::remove_all(m_dir);
  }

  void start_sim() {
    sim = std::make_unique<Server>(
        std::vector<std::string>{VOS_SIM_BIN, site_file().string(), "--state-dir", (m_dir / "sim").string(),
                                 "--replication-delay-ms", "200", "--restart-ms", "100", "--control-port", "0",
                                 "--external", "partner=" + (m_dir / "partner-chain.pem").string() + ":" +
                                                   (m_dir / "partner.key").string()},
        "nodes listening");
    m_control = vos_control_address(sim->ready_output());
  }
  json integrations() const { return vos_control_get(m_control, m_dir / "sim", "/integrations"); }
  RunResult trustctl(std::vector<std::string> args) const {
    args.insert(args.begin(), TRUSTCTL_BIN);
    return run(args);
  }
  fs::path site_file() const { return m_dir / "site.toml"; }

  TestCa cucm_ca = make_root("CUCM Issuing CA");
  std::unique_ptr<Server> sim;

 private:
  fs::path m_dir;
  std::string m_control;
};

// "from -> to:port" of every row, with its verdict.
std::map<std::string, json> rows_by_call(const json& oracle) {
  std::map<std::string, json> out;
  for (const auto& row : oracle["integrations"]) {
    out[row["from"].get<std::string>() + " -> " + row["to"].get<std::string>() + ":" +
        std::to_string(row["port"].get<int>())] = row;
  }
  return out;
}

std::string failing(const json& oracle) {
  std::string out;
  for (const auto& row : oracle["integrations"]) {
    if (!row["ok"].get<bool>()) out += row["from"].get<std::string>() + " -> " + row["to"].get<std::string>() + ":" +
                                       std::to_string(row["port"].get<int>()) + ": " + row["reason"].get<std::string>() + "\n";
  }
  return out;
}

TEST(IntegrationOracle, UccxFullIsBrokenBeforeApplyWorksAfterAndACriticalEkuOnCucmBreaksUccxToCucm) {
  UccxFull lab("oracle-eku", 141);
  lab.start_sim();
  const json before = lab.integrations();
  ASSERT_TRUE(before.contains("integrations")) << before.dump();
  // UCCX -> SocialMiner (REST and notifications, and back), UCCX -> MediaSense and back, UCCX -> CUCM, the script's
  // partner: 14 calls, none of which works on a fresh lab.
  EXPECT_EQ(before["integrations"].size(), 14u) << before.dump(2);
  for (const auto& row : before["integrations"]) EXPECT_FALSE(row["ok"].get<bool>()) << row.dump();

  auto apply = lab.trustctl({"apply", lab.site_file().string(), "--auto-approve"});
  EXPECT_TRUE(contains(apply.out, "Apply complete")) << apply.out << apply.err;
  const auto after = rows_by_call(lab.integrations());
  // The calls whose chains trustctl distributes and whose callers it restarts work now, as the oracle judges them.
  for (const char* call : {"uccx1 -> cucm1:8443", "uccx2 -> cucm1:8443", "uccx1 -> partner:443", "uccx2 -> partner:443",
                           "uccx1 -> ms1:8440", "uccx2 -> ms1:8440", "uccx1 -> sm1:443", "uccx2 -> sm1:443"}) {
    ASSERT_TRUE(after.count(call)) << call;
    EXPECT_TRUE(after.at(call)["ok"].get<bool>()) << after.at(call).dump();
  }

  // An administrator installs a CUCM identity whose extended key usage is critical (signed by a CA both sides trust).
  auto installed = by_hand(lab.site_file(), "cucm1", [&](transport::CliSession& session) -> Result<void> {
    if (auto ok = vos::generate_csr(session, "tomcat"); !ok) return ok;
    auto csr = vos::read_csr(session, "tomcat");
    if (!csr) return fail(csr.error());
    auto leaf = sign_csr_with_extensions(*csr, lab.cucm_ca, {{"extendedKeyUsage", "critical,serverAuth,clientAuth"}});
    if (auto ok = vos::import_own(session, {leaf, lab.cucm_ca.certificate}, "tomcat"); !ok) return ok;
    return vos::restart_service(session, "Cisco Tomcat");
  });
  ASSERT_TRUE(installed) << installed.error().describe();
  const auto broken = rows_by_call(lab.integrations());
  for (const char* call : {"uccx1 -> cucm1:8443", "uccx2 -> cucm1:8443"}) {
    const json& row = broken.at(call);
    EXPECT_FALSE(row["ok"].get<bool>()) << row.dump();
    EXPECT_TRUE(contains(row["reason"], "critical extension(s) X509v3 Extended Key Usage")) << row.dump();
    EXPECT_TRUE(contains(row["reason"], "cucm1.lab.example:8443 presents")) << row.dump();
  }
  EXPECT_TRUE(broken.at("uccx1 -> partner:443")["ok"].get<bool>()) << "the other relations are untouched";
  EXPECT_EQ(lab.sim->stop(), 0);
}

// The issue's "all ok after apply": every call of uccx-full works once trustctl has applied the site. It fails until
// trustctl distributes tomcat-ECDSA chains and restarts every service that loads tomcat-trust (issue 12).
TEST(IntegrationOracle, EveryUccxFullRelationWorksAfterApply) {
  UccxFull lab("oracle-all", 142);
  lab.start_sim();
  auto apply = lab.trustctl({"apply", lab.site_file().string(), "--auto-approve"});
  EXPECT_TRUE(contains(apply.out, "Apply complete")) << apply.out << apply.err;
  const json after = lab.integrations();
  EXPECT_EQ(after["integrations"].size(), 14u);
  EXPECT_EQ(failing(after), "") << "every relation must work after apply";
  auto verify = lab.trustctl({"verify", lab.site_file().string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(lab.sim->stop(), 0);
}

}  // namespace
}  // namespace trustctl::testing
