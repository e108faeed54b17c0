// Input that names things is checked by `trustctl validate`, and by every command before it contacts anything: a
// malformed site is refused with the file, line and key, and no node hears of it. CSR files land in --out and
// nowhere else; text that comes from outside reaches the terminal escaped, and JSON carries it exactly.

#include "providers/pki/csr_signer.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// 1-based line of the first line holding `needle`.
int line_of(const std::string& text, const std::string& needle) {
  std::size_t at = text.find(needle);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

void replace(std::string& text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

struct Malformed {
  std::string what;
  std::function<void(Lab&, std::string&)> write;  // edits the site text (the Lab's site, rewritten as needed)
  std::string marker;                              // text on the offending line
  std::string message;                             // part of the error
};

std::vector<Malformed> malformed_sites() {
  auto with = [](std::string extra, std::string cluster_extra) {
    return [=](Lab& lab, std::string& text) {
      lab.write_site(extra, cluster_extra);
      text = read_text(lab.site());
    };
  };
  auto edit = [](std::string from, std::string to) {
    return [=](Lab& lab, std::string& text) {
      lab.write_site();
      text = read_text(lab.site());
      replace(text, from, to);
    };
  };
  const std::string outside_ca = "\n[[ca]]\nname = \"outside\"\ncertificate = \"pki/corp-issuing.pem\"\nsigned_dir = "
                                 "\"signed\"\n";
  return {
      {"an fqdn with a port", edit("fqdn = \"uccx2.lab.example\"", "fqdn = \"uccx2.lab.example:8443\""),
       "uccx2.lab.example:8443", "cluster.nodes[1].fqdn: 'uccx2.lab.example:8443' carries a port"},
      {"an address with a port", edit("address = \"127.0.36.2\"", "address = \"127.0.36.2:2222\""), "127.0.36.2:2222",
       "cluster.nodes[1].address: '127.0.36.2:2222' carries a port"},
      {"two nodes at one address", edit("address = \"127.0.36.2\"", "address = \"127.0.36.1\""),
       "name = \"uccx2\"", "connects to 127.0.36.1 port 2222 (ssh_port), as node 'uccx1' does"},
      {"a version that is no version", edit("version = \"12.5\"", "version = \"12,5\""), "12,5",
       "cluster.version: '12,5' is not a product version"},
      {"a name with a control character", edit("name = \"e2e\"", "name = \"e2e\\u001b]0;owned\\u0007\""), "owned",
       "site.name: 'e2e\\x1b]0;owned\\x07' contains a control character (\\x1b at character 4)"},
      {"a renewal window longer than identities live", with("", "[cluster.identity.tomcat]\nrenew_before_days = 100000\n"),
       "renew_before_days", "renew_before_days: 100000 days is longer than identities live"},
      {"a key UCCX cannot take", with("", "[cluster.identity.tomcat]\nkey = \"rsa-4096\"\n"), "rsa-4096",
       "cluster.identity.tomcat.key: uccx does not take rsa-4096 (it takes rsa-1024 or rsa-2048"},
      {"a UCCX multi-server identity before 11.6",
       [=](Lab& lab, std::string& text) {
         lab.write_site(outside_ca, "[cluster.identity.tomcat]\nissuer = \"outside\"\ndistribution = \"multi-server\"\n");
         text = read_text(lab.site());
         replace(text, "version = \"12.5\"", "version = \"11.5\"");
       },
       "distribution", "uccx 11.5 takes a multi-server (SAN) identity only from 11.6 on"},
      {"a store trustctl does not manage", edit("store = \"tomcat-trust\"", "store = \"CallManager-trust\""),
       "CallManager-trust", "trust.store: 'CallManager-trust' is not a store trustctl manages on uccx"},
      {"a tomcat-ECDSA identity an RSA CA would sign",
       [=](Lab& lab, std::string& text) {
         auto key = *pki::KeyPair::generate("rsa-2048");
         write_text(lab.dir() / "pki/rsa-ca.pem", pki::self_signed({.common_name = "RSA CA", .is_ca = true}, key)->pem());
         lab.write_site("\n[[ca]]\nname = \"rsa-ca\"\ncertificate = \"pki/rsa-ca.pem\"\nsigned_dir = \"signed\"\n",
                        "[cluster.identity.tomcat-ECDSA]\nissuer = \"rsa-ca\"\n");
         text = read_text(lab.site());
       },
       "issuer = \"rsa-ca\"", "TC005"},
  };
}

TEST(Validate, AMalformedSiteIsRefusedByValidateAndByPlanWithNothingContacted) {
  Lab lab("validate-malformed", {.subnet = 36});
  lab.start_sim();  // serving the well-formed site
  // vos-sim writes the lab's known_hosts for convenience; without it, any session --trust-on-first-use lets through
  // would leave one behind.
  std::filesystem::remove(lab.state() / "known_hosts");
  for (const auto& bad : malformed_sites()) {
    SCOPED_TRACE(bad.what);
    std::string text;
    bad.write(lab, text);
    write_text(lab.site(), text);
    const std::string at = lab.site().string() + ":" + std::to_string(line_of(text, bad.marker)) + ":";

    auto validate = lab.trustctl({"validate", lab.site().string()});
    EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
    EXPECT_TRUE(contains(validate.err, at)) << at << "\n" << validate.err;
    EXPECT_TRUE(contains(validate.err, bad.message)) << validate.err;
    EXPECT_FALSE(contains(validate.err, "\x1b")) << "errors reach the terminal escaped";

    auto json = lab.trustctl({"validate", lab.site().string(), "--format", "json"});
    EXPECT_EQ(json.exit_code, 1);
    auto report = nlohmann::json::parse(json.out);
    EXPECT_FALSE(report["ok"].get<bool>());
    ASSERT_FALSE(report["errors"].empty()) << json.out;
    EXPECT_EQ(report["errors"][0]["line"], line_of(text, bad.marker)) << json.out;

    auto plan = lab.trustctl({"plan", lab.site().string(), "--trust-on-first-use"});
    EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
    EXPECT_TRUE(contains(plan.err, bad.message)) << plan.err;
  }
  // Nothing was contacted: no host key was recorded (--trust-on-first-use would have), no node ran a command.
  EXPECT_FALSE(std::filesystem::exists(lab.state() / "known_hosts"));
  EXPECT_TRUE(lab.commands("uccx1").empty());
  EXPECT_TRUE(lab.commands("uccx2").empty());

  // And the same lab is reachable: the observation above could have failed.
  lab.write_site();
  auto plan = lab.trustctl({"plan", lab.site().string(), "--trust-on-first-use"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(std::filesystem::exists(lab.state() / "known_hosts"));
  EXPECT_FALSE(lab.commands("uccx1").empty());
}

// tomcat-ECDSA exists on UCCX from 11.5 and later: a 12.5 policy is valid; whether the suite presents it is
// uncertain (TC013), which is a warning.
TEST(Validate, UccxEcdsaOnTwelveFiveIsValidWithAWarning) {
  Lab lab("validate-ecdsa", {.subnet = 38});
  lab.write_site("", "[cluster.identity.tomcat-ECDSA]\nissuer = \"self\"\n");
  auto validate = lab.trustctl({"validate", lab.site().string()});
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  EXPECT_TRUE(contains(validate.out, "valid: ")) << validate.out;
  EXPECT_TRUE(contains(validate.out, "1 warning(s)")) << validate.out;
  EXPECT_TRUE(contains(validate.err, "warning: ")) << validate.err;
  EXPECT_TRUE(contains(validate.err, "TC013")) << validate.err;
  auto json = nlohmann::json::parse(lab.trustctl({"validate", lab.site().string(), "--format", "json"}).out);
  EXPECT_TRUE(json["ok"].get<bool>());
  ASSERT_EQ(json["warnings"].size(), 1u);
  EXPECT_EQ(json["warnings"][0]["line"], line_of(read_text(lab.site()), "[cluster.identity.tomcat-ECDSA]"));
}

TEST(Validate, CsrFilesLandInOutOnlyAndFileNamesFromOutsideReachTheTerminalEscaped) {
  Lab lab("validate-csr", {.subnet = 37});
  lab.write_site("\n[[ca]]\nname = \"outside\"\ncertificate = \"pki/corp-issuing.pem\"\nsigned_dir = \"signed\"\n",
                 "[cluster.identity.tomcat]\nissuer = \"outside\"\n");
  lab.start_sim();

  // A link planted where uccx1's CSR goes, pointing outside --out: it is replaced, never followed.
  const auto out = lab.dir() / "csrs";
  const auto victim = lab.dir() / "victim.txt";
  write_text(victim, "untouched\n");
  std::filesystem::create_directories(out);
  std::filesystem::create_symlink(victim, out / "uccx1.lab.example.tomcat.csr");
  auto csr = lab.trustctl({"csr", lab.site().string(), "--out", out.string(), "--trust-on-first-use"});
  ASSERT_EQ(csr.exit_code, 0) << csr.out << csr.err;
  EXPECT_EQ(read_text(victim), "untouched\n");
  std::vector<std::string> written;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    EXPECT_TRUE(entry.is_regular_file() && !entry.is_symlink()) << entry.path();
    written.push_back(entry.path().filename().string());
  }
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::string>{"uccx1.lab.example.tomcat.csr", "uccx2.lab.example.tomcat.csr"}));

  // The outside CA returns uccx1's certificate under a file name of its own choosing, control characters included.
  const std::string name = "ticket-\x1b]0;owned\x07-uccx1.cer";
  auto leaf = pki::sign_csr(read_text(out / "uccx1.lab.example.tomcat.csr"), lab.issuing.certificate, lab.issuing.key);
  ASSERT_TRUE(leaf) << leaf.error().describe();
  write_text(lab.dir() / "signed" / name, leaf->pem());

  auto plan = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_FALSE(contains(plan.out + plan.err, "\x1b")) << "no raw escape reaches the terminal";
  EXPECT_FALSE(contains(plan.out + plan.err, "\x07"));
  EXPECT_TRUE(contains(plan.out, "ticket-\\x1b]0;owned\\x07-uccx1.cer")) << plan.out;

  auto json = lab.trustctl({"plan", lab.site().string(), "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(contains(nlohmann::json::parse(json.out).dump(), "ticket-\\u001b]0;owned\\u0007-uccx1.cer"))
      << "JSON carries the name exactly";
}

}  // namespace
}  // namespace trustctl::testing
