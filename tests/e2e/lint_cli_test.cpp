// The real trustctl binary: `lint` on a CA's output and on a site file, and `probe` against a real TLS server
// (`openssl s_server`) on loopback. Certificates, CSRs and chains are made here with OpenSSL.

#include "support/lab.hpp"
#include "unit/providers/pki/lint/lint_test_pki.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;
using pki::lint::testing::Ca;
using pki::lint::testing::intermediate_ca;
using pki::lint::testing::key;
using pki::lint::testing::leaf;
using pki::lint::testing::make_csr_pem;
using pki::lint::testing::root_ca;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A scratch directory per test, removed afterwards.
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : m_dir(fs::temp_directory_path() / ("trustctl-e2e-lint-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  ~Scratch() { fs::remove_all(m_dir); }
  std::string file(const std::string& name, const std::string& text) {
    write_text(m_dir / name, text);
    return (m_dir / name).string();
  }
  std::string path(const std::string& name) const { return (m_dir / name).string(); }

 private:
  fs::path m_dir;
};

RunResult trustctl(std::vector<std::string> args) {
  args.insert(args.begin(), TRUSTCTL_BIN);
  return run(args);
}

// The corporate chain and a UCCX node identity the CA signed from the node's CSR.
struct Issued {
  Ca root = root_ca("Corp Root CA", "ec-384");
  Ca issuing = intermediate_ca("Corp Issuing CA", root, "ec-256");
  std::string csr = make_csr_pem("uccx1.lab.example", {"uccx1.lab.example"}, key("rsa-2048"));
  Certificate sign(pki::CertificateSpec spec) const {
    spec.common_name = "uccx1.lab.example";
    return *pki::issue_certificate(spec, key("rsa-2048"), &issuing.certificate, *issuing.key);
  }
};

std::vector<std::string> identity_args(Scratch& dir, const Issued& pki, const Certificate& identity) {
  // --cluster-fqdns right before the files: its comma list must not swallow them.
  return {"lint",
          "--product", "uccx",
          "--unit", "tomcat",
          "--fqdn", "uccx1.lab.example",
          "--version", "12.5",
          "--csr", dir.file("uccx1.csr", pki.csr),
          "--cluster-fqdns", "uccx1.lab.example,uccx2.lab.example",
          dir.file("uccx1.pem", identity.pem()),
          dir.file("chain.pem", pki.issuing.certificate.pem() + pki.root.certificate.pem())};
}

// ---- trustctl lint CERT -----------------------------------------------------------------------------------------

TEST(LintCli, ACleanCaSignedIdentityWithItsChainAndCsrPasses) {
  Scratch dir("clean");
  Issued pki;
  auto result = trustctl(identity_args(dir, pki, pki.sign({.dns_names = {"uccx1.lab.example"}})));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "no findings: ")) << result.out;
}

TEST(LintCli, ACaThatAddedSanNamesFailsWithTc009AndItsFix) {
  Scratch dir("tc009");
  Issued pki;
  auto identity = pki.sign({.dns_names = {"uccx1.lab.example", "www.uccx1.lab.example"}});
  auto result = trustctl(identity_args(dir, pki, identity));
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  std::string head = "TC009 error uccx1.lab.example [" + identity.short_fingerprint() + "]";
  auto at = result.out.find(head);
  ASSERT_NE(at, std::string::npos) << result.out;
  EXPECT_TRUE(at == 0 || result.out[at - 1] == '\n') << "each finding starts its line with the rule id";
  EXPECT_TRUE(contains(result.out, "added: www.uccx1.lab.example"));
  EXPECT_TRUE(contains(result.out, "\n  fix: generate the CSR with an empty Parent Domain, or use a CA that copies the "
                                   "SANs as requested\n"))
      << result.out;
  EXPECT_TRUE(contains(result.out, "1 error, 0 warnings, 0 info")) << result.out;
}

TEST(LintCli, JsonIsAListOfRuleSeveritySubjectMessageFix) {
  Scratch dir("json");
  Issued pki;
  auto args = identity_args(dir, pki, pki.sign({.dns_names = {"uccx1.lab.example", "lab.example"}, .digest = "sha1"}));
  args.push_back("--format");
  args.push_back("json");
  auto result = trustctl(args);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  auto document = nlohmann::json::parse(result.out);
  ASSERT_TRUE(document.is_object()) << "one versioned document: " << result.out;
  EXPECT_EQ(document["ok"], false);
  EXPECT_TRUE(document.contains("format_version"));
  const auto& json = document["findings"];
  ASSERT_TRUE(json.is_array());
  std::vector<std::string> rules;
  for (const auto& f : json) {
    EXPECT_EQ(f.size(), 5u) << f.dump();
    for (const char* field : {"rule", "severity", "subject", "message", "fix"}) EXPECT_TRUE(f.contains(field));
    rules.push_back(f["rule"]);
  }
  EXPECT_EQ(rules, (std::vector<std::string>{"TC009", "TC012"}));
  EXPECT_EQ(json[1]["severity"], "warning");
}

TEST(LintCli, WarningsAloneDoNotFail) {
  Scratch dir("warn");
  Issued pki;
  auto result = trustctl(identity_args(dir, pki, pki.sign({.dns_names = {"uccx1.lab.example"}, .digest = "sha1"})));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_TRUE(contains(result.out, "TC012 warning uccx1.lab.example [")) << result.out;
}

TEST(LintCli, TrustEntriesNeedTheirWholeChain) {
  Scratch dir("trust");
  Issued pki;
  std::string issuing = dir.file("issuing.pem", pki.issuing.certificate.pem());
  auto alone = trustctl({"lint", "--product", "uccx", "--unit", "tomcat-trust", issuing});
  EXPECT_EQ(alone.exit_code, 1) << alone.out;
  EXPECT_TRUE(contains(alone.out, "TC007 error Corp Issuing CA [")) << alone.out;

  auto whole = trustctl({"lint", "--product", "uccx", "--unit", "tomcat-trust", issuing,
                         dir.file("root.pem", pki.root.certificate.pem())});
  EXPECT_EQ(whole.exit_code, 0) << whole.out;
}

TEST(LintCli, BadInputIsAClearErrorNamingTheFile) {
  Scratch dir("bad");
  auto missing = trustctl({"lint", "--product", "uccx", dir.path("absent.pem")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, dir.path("absent.pem"))) << missing.err;

  std::string p7b = dir.file("bundle.p7b", "-----BEGIN PKCS7-----\nMIIB\n-----END PKCS7-----\n");
  auto not_pem = trustctl({"lint", "--product", "uccx", p7b});
  EXPECT_EQ(not_pem.exit_code, 1);
  EXPECT_TRUE(contains(not_pem.out, "TC011 error " + p7b + " is neither a PEM nor a DER certificate")) << not_pem.out;

  Issued pki;
  std::string cert = dir.file("uccx1.pem", pki.sign({.dns_names = {"uccx1.lab.example"}}).pem());
  auto no_product = trustctl({"lint", cert});
  EXPECT_EQ(no_product.exit_code, 1);
  EXPECT_TRUE(contains(no_product.err, "--product is required")) << no_product.err;

  auto bad_csr = trustctl({"lint", "--product", "uccx", "--csr", dir.file("uccx1.csr", "garbage"), cert});
  EXPECT_EQ(bad_csr.exit_code, 1);
  EXPECT_TRUE(contains(bad_csr.err, dir.path("uccx1.csr"))) << bad_csr.err;
}

// ---- trustctl lint SITE -----------------------------------------------------------------------------------------

TEST(LintCli, ASiteIsLintedAgainstTheProductsItsCertificatesAreBoundFor) {
  Lab lab("lint-site");
  auto clean = trustctl({"lint", lab.site().string(), "--offline"});  // no lab runs: the site file alone
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_TRUE(contains(clean.out, "no findings: ")) << clean.out;

  auto expired = root_ca("Retired Partner Root", "ec-256", {.days = 365, .not_before_offset_days = -400});
  write_text(lab.dir() / "pki/partner.pem", expired.certificate.pem());
  lab.write_site("\n[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\ncertificates = [\"file:pki/partner.pem\"]\n");
  auto found = trustctl({"lint", lab.site().string(), "--offline"});
  EXPECT_EQ(found.exit_code, 1) << found.out << found.err;
  EXPECT_TRUE(contains(found.out, "TC006 error Retired Partner Root [" + expired.certificate.short_fingerprint() +
                                      "] in uccx tomcat-trust: "))
      << found.out;

  // A site file under another name is recognised by loading it.
  fs::copy_file(lab.site(), lab.dir() / "site.conf");
  auto renamed = trustctl({"lint", (lab.dir() / "site.conf").string(), "--format", "json", "--offline"});
  EXPECT_EQ(renamed.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(renamed.out)["findings"].size(), 1u) << renamed.out;
}

// RFC 5280's "no expiry" date (notAfter 99991231235959Z) once overflowed a nanosecond clock: "expired on 1816", an
// error finding that blocked apply.
TEST(LintCli, ACaValidUntilTheYear9999IsNeitherExpiredNorDue) {
  Lab lab("lint-9999");
  auto forever = root_ca("Forever Partner Root", "ec-256", {.not_after = "99991231235959Z"});
  write_text(lab.dir() / "pki/forever.pem", forever.certificate.pem());
  auto single = trustctl({"lint", "--product", "uccx", "--unit", "tomcat-trust", (lab.dir() / "pki/forever.pem").string()});
  EXPECT_EQ(single.exit_code, 0) << single.out << single.err;
  EXPECT_FALSE(contains(single.out, "TC006")) << single.out;

  lab.write_site("\n[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\ncertificates = [\"file:pki/forever.pem\"]\n");
  auto site = trustctl({"lint", lab.site().string(), "--format", "json", "--offline"});
  EXPECT_EQ(site.exit_code, 0) << site.out << site.err;
  EXPECT_FALSE(contains(site.out, "TC006")) << site.out;
  EXPECT_FALSE(contains(site.out, "1816")) << site.out;
}

TEST(LintCli, TheExampleSiteIsClean) {
  auto result = trustctl({"lint", std::string(TRUSTCTL_SOURCE_DIR) + "/examples/uccx-lab.toml", "--offline"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

// ---- trustctl probe ---------------------------------------------------------------------------------------------

TEST(ProbeCli, ADheHostIsReportedWithItsSuiteChainAndTc010) {
  Scratch dir("probe");
  const auto& host_key = key("rsa-2048");
  auto host = *pki::self_signed({.common_name = "gadget.partner.example", .dns_names = {"gadget.partner.example"}},
                                host_key);
  int port = free_port();
  Server server({openssl_binary(), "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert",
                 dir.file("host.pem", host.pem()), "-key", dir.file("host.key", host_key.private_pem()), "-www",
                 "-tls1_2", "-cipher", "DHE-RSA-AES256-SHA"},
                "ACCEPT");
  std::string endpoint = "127.0.0.1:" + std::to_string(port);

  auto text = trustctl({"probe", endpoint, "--servername", "gadget.partner.example"});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_TRUE(contains(text.out, "protocol:     TLSv1.2")) << text.out;
  EXPECT_TRUE(contains(text.out, "DHE-RSA-AES256-SHA (TLS_DHE_RSA_WITH_AES_256_CBC_SHA)")) << text.out;
  EXPECT_TRUE(contains(text.out, "subject:   CN=gadget.partner.example")) << text.out;
  EXPECT_TRUE(contains(text.out, "signature: sha256WithRSAEncryption")) << text.out;
  EXPECT_TRUE(contains(text.out, "\nTC010 error " + endpoint + " chose DHE-RSA-AES256-SHA")) << text.out;

  auto json = trustctl({"probe", endpoint, "--format", "json"});
  EXPECT_EQ(json.exit_code, 1);
  auto parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["key_exchange"], "DHE");
  EXPECT_EQ(parsed["chain"][0]["signature_algorithm"], "sha256WithRSAEncryption");
  EXPECT_EQ(parsed["findings"][0]["rule"], "TC010");
}

TEST(ProbeCli, AConnectionThatFailsNamesHostPortAndReason) {
  int port = free_port();
  auto result = trustctl({"probe", "127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "127.0.0.1:" + std::to_string(port) + ": Connection refused")) << result.err;

  auto malformed = trustctl({"probe", "gadget.partner.example"});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_TRUE(contains(malformed.err, "is not HOST:PORT")) << malformed.err;
}

}  // namespace
}  // namespace trustctl::testing
