#include "engine/config/site_loader.hpp"
#include "providers/pki/certificate_builder.hpp"
#include "support/temp_dir.hpp"
#include "providers/vos/vos_units.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace trustctl::config {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;  // holds the site file and its PEM files

struct TestCerts {
  pki::KeyPair key = *pki::KeyPair::generate("ec-256");
  Certificate root = *pki::self_signed({.common_name = "Corp Root CA", .is_ca = true}, key);
  Certificate lab = *pki::self_signed({.common_name = "Lab CA", .is_ca = true}, key);
  Certificate extra = *pki::self_signed({.common_name = "Extra Root", .is_ca = true}, key);
  Certificate retired = *pki::self_signed({.common_name = "Retired Root", .is_ca = true}, key);
};

const TestCerts& certs() {
  static const TestCerts instance;
  return instance;
}

// Lines 1..9 of every error-case site; each test's own lines start at line 10.
const std::string kPrefix = R"(version = 1
[site]
name = "lab"
domain = "lab.example"
[credentials.os-admin]
username = "admin"
password_env = "LAB_PW"
[connection]
credentials = "os-admin"
)";

class SiteLoaderTest : public ::testing::Test {
 protected:
  SiteLoaderTest() {
    m_dir.write("pki/root.pem", certs().root.pem());
    m_dir.write("pki/lab-ca.pem", certs().lab.pem());
    m_dir.write("pki/extra-root.pem", certs().extra.pem());
    m_dir.write("pki/retired-root.pem", certs().retired.pem());
    m_dir.write("pki/bad.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
    // The lab CA's key, readable by its owner only, as `trustctl ca init` writes it.
    fs::permissions(m_dir.write("pki/lab-ca.key", certs().key.private_pem()), fs::perms::owner_read | fs::perms::owner_write);
  }

  LoadResult load(const std::string& text) {
    return load_site(m_dir.write("site.toml", text), trustctl::providers::vos_units());
  }
  std::string site_path() const { return (m_dir.path() / "site.toml").string(); }

  // The one error of a site file that has exactly one problem.
  Error only_error(const std::string& text) {
    LoadResult result = load(text);
    EXPECT_FALSE(result.site.has_value());
    EXPECT_EQ(result.errors.size(), 1u) << all(result.errors);
    if (result.errors.empty()) return Error(ErrorCode::internal, "<no error>");
    return result.errors.front();
  }

  static std::string all(const std::vector<Error>& errors) {
    std::string out;
    for (const auto& e : errors) out += e.describe() + "\n";
    return out;
  }

  TempDir m_dir;
};

// Asserts message, code and the exact line:column.
void expect_error(const Error& error, const std::string& message, int line, int column,
                  ErrorCode code = ErrorCode::invalid_site) {
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.code, code) << to_string(error.code);
  ASSERT_TRUE(error.region.has_value()) << error.message;
  EXPECT_EQ(error.region->line, line) << error.message;
  EXPECT_EQ(error.region->column, column) << error.message;
}

const std::string kFullSite = R"(version = 1

[site]
name = "lab-east"
domain = "lab.example"
state_dir = "state"

[credentials.os-admin]
username = "admin"
password_env = "LAB_OS_ADMIN_PASSWORD"

[credentials.app-admin]
username = "appadmin"
password_file = "secrets/app-admin"

[credentials.vault]
username = "svc"
password_command = ["pass", "show", "lab/os-admin"]

[connection]
credentials = "os-admin"
ssh_port = 2222
timeout_s = 300
parallelism = 4

[[ca]]
name = "corp-root"
certificate = "pki/root.pem"

[[ca]]
name = "lab-ca"
local_key = "pki/lab-ca.key"
certificate = "./pki/../pki/lab-ca.pem"

[[cluster]]
name = "uccx"
product = "uccx"
version = "12.5"
nodes = [
  { name = "uccx2", role = "subscriber", address = "127.0.1.2", credentials = "app-admin", ssh_port = 2223 },
  { name = "uccx1", fqdn = "uccx1.other.example", role = "publisher", https_port = 9443, known_hosts = "kh", tls_pins = "pins", timeout_s = 60 },
]
[cluster.identity.tomcat]
issuer = "lab-ca"
distribution = "multi-server"
key = "rsa-4096"
renew_before_days = 45
[cluster.identity.tomcat-ECDSA]
issuer = "self"

[[cluster]]
name = "socialminer"
product = "socialminer"
nodes = [{ name = "sm1" }]
identity.tomcat = { issuer = "self" }

[[cluster]]
name = "partner-api"
product = "external"
nodes = [{ name = "partner", fqdn = "api.partner.example", https_port = 443 }]

[[integration]]
from = "uccx"
to = "socialminer"

[[integration]]
from = "uccx"
to = "partner-api"
kind = "script"

[[trust]]
cluster = "uccx"
certificates = ["corp-root", "file:pki/extra-root.pem"]

[[trust]]
node = "sm1"
store = "tomcat-trust"
absent = ["file:pki/retired-root.pem"]

[policy]
prune = true
restart = "manual"
lint = "warn"
)";

TEST_F(SiteLoaderTest, LoadsAFullSiteWithDefaultsAndOverrides) {
  LoadResult result = load(kFullSite);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  ASSERT_TRUE(result.site.has_value());
  const Site& site = *result.site;
  const fs::path dir = m_dir.path();

  EXPECT_EQ(site.file, dir / "site.toml");
  EXPECT_EQ(site.directory, dir);
  EXPECT_EQ(site.file_digest.size(), 64u);
  EXPECT_EQ(site.version, 1);
  EXPECT_EQ(site.name, "lab-east");
  EXPECT_EQ(site.domain, "lab.example");
  EXPECT_EQ(site.state_dir, dir / "state");

  ASSERT_EQ(site.credentials.size(), 3u);
  const Credentials* os = site.find_credentials("os-admin");
  ASSERT_NE(os, nullptr);
  EXPECT_EQ(os->username, "admin");
  EXPECT_EQ(os->password_env, "LAB_OS_ADMIN_PASSWORD");
  EXPECT_FALSE(os->password_file.has_value());
  EXPECT_TRUE(os->password_command.empty());
  EXPECT_EQ(os->region.line, 8);
  const Credentials* app = site.find_credentials("app-admin");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->password_file, dir / "secrets/app-admin");
  const Credentials* vault = site.find_credentials("vault");
  ASSERT_NE(vault, nullptr);
  EXPECT_EQ(vault->password_command, (std::vector<std::string>{"pass", "show", "lab/os-admin"}));

  EXPECT_EQ(site.connection.credentials, "os-admin");
  EXPECT_EQ(site.connection.ssh_port, 2222);
  EXPECT_EQ(site.connection.https_port, 8443);
  EXPECT_EQ(site.connection.known_hosts, dir / "state/known_hosts");
  EXPECT_EQ(site.connection.tls_pins, dir / "state/tls_pins");
  EXPECT_EQ(site.connection.timeout_s, 300);
  EXPECT_EQ(site.connection.parallelism, 4);

  ASSERT_EQ(site.cas.size(), 2u);
  EXPECT_EQ(site.cas[0].name, "corp-root");
  EXPECT_EQ(site.cas[0].certificate_path, dir / "pki/root.pem");
  EXPECT_FALSE(site.cas[0].local_key.has_value());
  ASSERT_EQ(site.cas[0].certificates.size(), 1u);
  EXPECT_EQ(site.cas[0].certificates[0], certs().root);
  EXPECT_EQ(site.cas[1].certificate_path, dir / "pki/lab-ca.pem");  // normalized
  EXPECT_EQ(site.cas[1].local_key, dir / "pki/lab-ca.key");
  EXPECT_EQ(site.cas[1].certificates.at(0), certs().lab);
  EXPECT_EQ(site.cas[1].region.line, 30);
  EXPECT_EQ(site.cas[1].region.column, 1);

  ASSERT_EQ(site.clusters.size(), 3u);
  const Cluster& uccx = site.clusters[0];
  EXPECT_EQ(uccx.name, "uccx");
  EXPECT_EQ(uccx.product, Product::uccx);
  EXPECT_EQ(uccx.version, "12.5");
  ASSERT_EQ(uccx.nodes.size(), 2u);
  // Publisher first, whatever the file's order.
  const Node& uccx1 = uccx.nodes[0];
  EXPECT_EQ(uccx1.name, "uccx1");
  EXPECT_EQ(uccx1.role, Role::publisher);
  EXPECT_EQ(uccx1.cluster, "uccx");
  EXPECT_EQ(uccx1.fqdn, "uccx1.other.example");
  EXPECT_EQ(uccx1.address, "uccx1.other.example");
  EXPECT_EQ(uccx1.connection.credentials, "os-admin");
  EXPECT_EQ(uccx1.connection.ssh_port, 2222);
  EXPECT_EQ(uccx1.connection.https_port, 9443);
  EXPECT_EQ(uccx1.connection.known_hosts, dir / "kh");
  EXPECT_EQ(uccx1.connection.tls_pins, dir / "pins");
  EXPECT_EQ(uccx1.connection.timeout_s, 60);
  EXPECT_EQ(uccx1.connection.parallelism, 4);
  EXPECT_EQ(uccx1.region.line, 41);
  EXPECT_EQ(uccx1.region.column, 3);
  const Node& uccx2 = uccx.nodes[1];
  EXPECT_EQ(uccx2.name, "uccx2");
  EXPECT_EQ(uccx2.role, Role::subscriber);
  EXPECT_EQ(uccx2.fqdn, "uccx2.lab.example");
  EXPECT_EQ(uccx2.address, "127.0.1.2");
  EXPECT_EQ(uccx2.connection.credentials, "app-admin");
  EXPECT_EQ(uccx2.connection.ssh_port, 2223);
  EXPECT_EQ(uccx2.connection.https_port, 8443);
  EXPECT_EQ(uccx2.connection.known_hosts, dir / "state/known_hosts");
  EXPECT_EQ(uccx2.connection.timeout_s, 300);
  EXPECT_EQ(uccx.publisher(), &uccx.nodes[0]);

  ASSERT_EQ(uccx.identities.size(), 2u);
  const IdentityPolicy& tomcat = uccx.identities[0];
  EXPECT_EQ(tomcat.unit, "tomcat");
  EXPECT_EQ(tomcat.issuer, "lab-ca");
  EXPECT_EQ(tomcat.distribution, "multi-server");
  EXPECT_EQ(tomcat.key, "rsa-4096");
  EXPECT_EQ(tomcat.renew_before_days, 45);
  EXPECT_EQ(tomcat.region.line, 43);
  const IdentityPolicy& ecdsa = uccx.identities[1];
  EXPECT_EQ(ecdsa.unit, "tomcat-ECDSA");
  EXPECT_EQ(ecdsa.issuer, "self");
  EXPECT_EQ(ecdsa.distribution, "node");
  EXPECT_EQ(ecdsa.key, "ec-256") << "tomcat-ECDSA defaults to an EC key";
  EXPECT_FALSE(ecdsa.renew_before_days.has_value());

  const Cluster& sm = site.clusters[1];
  EXPECT_EQ(sm.product, Product::socialminer);
  EXPECT_EQ(sm.version, "");
  ASSERT_EQ(sm.nodes.size(), 1u);
  EXPECT_EQ(sm.nodes[0].role, Role::publisher);  // the only node needs no role
  EXPECT_EQ(sm.nodes[0].fqdn, "sm1.lab.example");
  EXPECT_EQ(sm.nodes[0].address, "sm1.lab.example");
  EXPECT_EQ(sm.nodes[0].connection.ssh_port, 2222);
  ASSERT_EQ(sm.identities.size(), 1u);
  EXPECT_EQ(sm.identities[0].issuer, "self");

  const Cluster& partner = site.clusters[2];
  EXPECT_EQ(partner.product, Product::external);
  EXPECT_EQ(partner.nodes.at(0).fqdn, "api.partner.example");
  EXPECT_EQ(partner.nodes.at(0).connection.https_port, 443);
  EXPECT_TRUE(partner.identities.empty());

  ASSERT_EQ(site.integrations.size(), 2u);
  EXPECT_EQ(site.integrations[0].from, "uccx");
  EXPECT_EQ(site.integrations[0].to, "socialminer");
  EXPECT_EQ(site.integrations[0].kind, "");
  EXPECT_EQ(site.integrations[1].to, "partner-api");
  EXPECT_EQ(site.integrations[1].kind, "script");

  ASSERT_EQ(site.trust.size(), 2u);
  const TrustRule& first = site.trust[0];
  EXPECT_EQ(first.cluster, "uccx");
  EXPECT_FALSE(first.node.has_value());
  EXPECT_EQ(first.store, "tomcat-trust");
  ASSERT_EQ(first.certificates.size(), 2u);
  EXPECT_EQ(first.certificates[0].text, "corp-root");
  EXPECT_EQ(first.certificates[0].ca, "corp-root");
  EXPECT_FALSE(first.certificates[0].file.has_value());
  EXPECT_EQ(first.certificates[0].certificates.at(0), certs().root);
  EXPECT_EQ(first.certificates[1].text, "file:pki/extra-root.pem");
  EXPECT_EQ(first.certificates[1].ca, "");
  EXPECT_EQ(first.certificates[1].file, dir / "pki/extra-root.pem");
  EXPECT_EQ(first.certificates[1].certificates.at(0), certs().extra);
  EXPECT_EQ(first.certificates[1].region.line, 73);
  EXPECT_EQ(first.certificates[1].region.column, 30);
  EXPECT_TRUE(first.absent.empty());
  const TrustRule& second = site.trust[1];
  EXPECT_EQ(second.node, "sm1");
  EXPECT_FALSE(second.cluster.has_value());
  ASSERT_EQ(second.absent.size(), 1u);
  EXPECT_EQ(second.absent[0].certificates.at(0), certs().retired);

  EXPECT_TRUE(site.policy.prune);
  EXPECT_EQ(site.policy.restart, RestartPolicy::manual);
  EXPECT_EQ(site.policy.lint, "warn");

  // Regions name the file as the user gave it.
  ASSERT_TRUE(uccx.region.file);
  EXPECT_EQ(*uccx.region.file, site_path());
  EXPECT_EQ(uccx.region.line, 35);
}

TEST_F(SiteLoaderTest, LoadsTheSiteFormatExample) {
  std::ifstream in(std::string(TRUSTCTL_SOURCE_DIR) + "/tests/unit/engine/config/data/site-format-example.toml");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  m_dir.write("pki/corp-root.pem", certs().root.pem());
  m_dir.write("pki/corp-issuing.pem", certs().extra.pem());
  LoadResult result = load(text.str());
  ASSERT_TRUE(result.site.has_value()) << all(result.errors);
  const Site& site = *result.site;
  EXPECT_EQ(site.name, "lab-east");
  EXPECT_EQ(site.cas.size(), 3u);
  ASSERT_EQ(site.clusters.size(), 3u);
  EXPECT_EQ(site.clusters[0].nodes.size(), 2u);
  EXPECT_EQ(site.clusters[0].nodes[1].address, "127.0.1.2");
  EXPECT_EQ(site.clusters[2].nodes[0].connection.https_port, 443);
  EXPECT_EQ(site.integrations.size(), 2u);
  EXPECT_EQ(site.trust.size(), 2u);
  EXPECT_EQ(site.trust[1].absent.at(0).certificates.at(0), certs().retired);
  EXPECT_EQ(site.connection.known_hosts, m_dir.path() / ".trustctl/known_hosts");
  EXPECT_EQ(site.timing.command_s, 1.5);
  EXPECT_EQ(site.timing.restart_for("Cisco Tomcat"), 240);
  EXPECT_EQ(site.timing.restart_for("cisco tomcat"), 240);  // the CLI's names, whatever their case
  EXPECT_EQ(site.timing.restart_for("Cisco Unified CCX Engine"), 120);  // "*"
  EXPECT_EQ(site.timing.system_restart_s, 900);
  EXPECT_EQ(site.timing.replication_s, 60);
}

TEST_F(SiteLoaderTest, MinimalSiteGetsEveryDefault) {
  LoadResult result = load("version = 1\n[site]\nname = \"x\"\n");
  ASSERT_TRUE(result.site.has_value()) << all(result.errors);
  const Site& site = *result.site;
  EXPECT_EQ(site.file_digest, "e56c54979e727a9bdf334b180d4d717dfa1692a4b4a525231215243ee5c85f8f");
  EXPECT_EQ(site.state_dir, m_dir.path() / ".trustctl");
  EXPECT_EQ(site.connection.credentials, "");
  EXPECT_EQ(site.connection.ssh_port, 22);
  EXPECT_EQ(site.connection.https_port, 8443);
  EXPECT_EQ(site.connection.known_hosts, m_dir.path() / ".trustctl/known_hosts");
  EXPECT_EQ(site.connection.tls_pins, m_dir.path() / ".trustctl/tls_pins");
  EXPECT_EQ(site.connection.timeout_s, 600);
  EXPECT_EQ(site.connection.parallelism, 10);
  EXPECT_FALSE(site.policy.prune);
  EXPECT_EQ(site.policy.restart, RestartPolicy::rolling);
  EXPECT_EQ(site.policy.lint, "error");
  EXPECT_EQ(site.timing.command_s, 1.5);
  EXPECT_EQ(site.timing.restart_for("Cisco Tomcat"), 180);
  EXPECT_EQ(site.timing.system_restart_s, 900);
  EXPECT_EQ(site.timing.replication_s, 60);
  EXPECT_FALSE(site.timing.region.has_value());
}

TEST_F(SiteLoaderTest, TimingTakesIntegersDecimalsAndAPerServiceTable) {
  LoadResult result = load(kPrefix + "[timing]\ncommand_s = 0.25\nrestart_s = { \"Cisco Tomcat\" = 4 }\n"
                                     "system_restart_s = 0\nreplication_s = 2\n");
  ASSERT_TRUE(result.site.has_value()) << all(result.errors);
  const Timing& timing = result.site->timing;
  EXPECT_EQ(timing.command_s, 0.25);
  EXPECT_EQ(timing.restart_for("Cisco Tomcat"), 4);
  EXPECT_EQ(timing.restart_for("Cisco Finesse Tomcat"), 180);  // a service the table does not name: the default
  EXPECT_EQ(timing.system_restart_s, 0);
  EXPECT_EQ(timing.replication_s, 2);
  ASSERT_TRUE(timing.region.has_value());
  EXPECT_EQ(timing.region->line, 10);
}

TEST_F(SiteLoaderTest, TimingRefusesNegativeNonNumberAndAbsurdValuesSayingWhatToWrite) {
  expect_error(only_error(kPrefix + "[timing]\ncommand_s = -1\n"),
               "timing.command_s: -1 is negative; write the seconds it takes on your appliances, e.g. command_s = 90",
               11, 13);
  expect_error(only_error(kPrefix + "[timing]\nrestart_s = \"3m\"\n"),
               "timing.restart_s: expected a number of seconds, got a string; write the seconds it takes on your "
               "appliances, e.g. restart_s = 90",
               11, 13);
  expect_error(only_error(kPrefix + "[timing]\nreplication_s = nan\n"),
               "timing.replication_s: nan is not a duration; write the seconds it takes on your appliances, e.g. "
               "replication_s = 90",
               11, 17);
  expect_error(only_error(kPrefix + "[timing]\nsystem_restart_s = 900000\n"),
               "timing.system_restart_s: 900000 is more than a day (86400 s); write the seconds it takes on your "
               "appliances, e.g. system_restart_s = 90",
               11, 20);
  expect_error(only_error(kPrefix + "[timing]\nrestart_s = { \"Cisco Tomcat\" = -5 }\n"),
               "timing.restart_s.\"Cisco Tomcat\": -5 is negative; write the seconds it takes on your appliances, "
               "e.g. \"Cisco Tomcat\" = 90",
               11, 32);
  expect_error(only_error(kPrefix + "[timing]\nrestart_s = { \"Cisco Tomcat\" = true }\n"),
               "timing.restart_s.\"Cisco Tomcat\": expected a number of seconds, got a boolean; write the seconds it "
               "takes on your appliances, e.g. \"Cisco Tomcat\" = 90",
               11, 32);
  expect_error(only_error(kPrefix + "[timing]\nrestart = 5\n"),
               "unknown key 'restart' in [timing] (did you mean 'restart_s'?)", 11, 1);
}

TEST_F(SiteLoaderTest, NodeWithoutDomainUsesItsNameAsFqdn) {
  LoadResult result = load(R"(version = 1
[site]
name = "x"
[[cluster]]
name = "p"
product = "external"
nodes = [{ name = "host1" }]
)");
  ASSERT_TRUE(result.site.has_value()) << all(result.errors);
  EXPECT_EQ(result.site->clusters.at(0).nodes.at(0).fqdn, "host1");
}

TEST_F(SiteLoaderTest, RejectsUnknownKeyWithSuggestion) {
  expect_error(only_error(kPrefix + "sssh_port = 22\n"),
               "unknown key 'sssh_port' in [connection] (did you mean 'ssh_port'?)", 10, 1);
}

TEST_F(SiteLoaderTest, RejectsUnknownKeyListingTheAllowedOnes) {
  expect_error(only_error(kPrefix + "[policy]\ncolour = \"blue\"\n"),
               "unknown key 'colour' in [policy] (allowed: prune, restart, restart_services, lint)", 11, 1);
}

// restart = "system" in [policy] and a cluster's own restart, which overrides it for that cluster only.
TEST_F(SiteLoaderTest, ReadsTheSystemRestartPolicyAndAClustersOverride) {
  LoadResult result = load(kPrefix + R"([[cluster]]
name = "finesse"
product = "finesse"
restart = "system"
nodes = [{ name = "fin1" }]
[[cluster]]
name = "sm"
product = "socialminer"
nodes = [{ name = "sm1" }]
[policy]
restart = "all-at-once"
)");
  ASSERT_TRUE(result.site) << all(result.errors);
  EXPECT_EQ(result.site->policy.restart, RestartPolicy::all_at_once);
  EXPECT_EQ(result.site->clusters[0].restart, RestartPolicy::system);
  EXPECT_FALSE(result.site->clusters[1].restart.has_value());
  EXPECT_EQ(result.site->restart_policy("finesse"), RestartPolicy::system);
  EXPECT_EQ(result.site->restart_policy("sm"), RestartPolicy::all_at_once);
}

TEST_F(SiteLoaderTest, RejectsAnUnknownClusterRestartPolicyNamingTheChoices) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "finesse"
product = "finesse"
restart = "sytem"
nodes = [{ name = "fin1" }]
)"),
               "cluster.restart: expected one of \"rolling\", \"all-at-once\", \"manual\" or \"system\", got \"sytem\" "
               "(did you mean \"system\"?)",
               13, 11);
}

TEST_F(SiteLoaderTest, RejectsARestartPolicyOnAnExternalCluster) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "partner"
product = "external"
restart = "system"
nodes = [{ name = "api", fqdn = "api.partner.example" }]
)"),
               "cluster 'partner' is external: trustctl restarts nothing there; remove cluster.restart", 13, 11);
}

// restart_services in [policy] and a cluster's own, which overrides it for that cluster only.
TEST_F(SiteLoaderTest, ReadsRestartServicesAndAClustersOverride) {
  LoadResult result = load(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
restart_services = "one-by-one"
nodes = [{ name = "uccx1" }]
[[cluster]]
name = "sm"
product = "socialminer"
nodes = [{ name = "sm1" }]
[policy]
restart_services = "together"
)");
  ASSERT_TRUE(result.site) << all(result.errors);
  EXPECT_EQ(result.site->policy.restart_services, ServiceRestarts::together);
  EXPECT_EQ(result.site->service_restarts("uccx"), ServiceRestarts::one_by_one);
  EXPECT_EQ(result.site->service_restarts("sm"), ServiceRestarts::together);
  LoadResult defaults = load(kPrefix);
  ASSERT_TRUE(defaults.site) << all(defaults.errors);
  EXPECT_EQ(defaults.site->policy.restart_services, ServiceRestarts::one_by_one);
}

TEST_F(SiteLoaderTest, RejectsAnUnknownRestartServicesNamingTheChoices) {
  expect_error(only_error(kPrefix + R"([policy]
restart_services = "togther"
)"),
               "policy.restart_services: expected \"one-by-one\" or \"together\", got \"togther\" (did you "
               "mean \"together\"?)",
               11, 20);
}

TEST_F(SiteLoaderTest, RejectsRestartServicesOnAnExternalCluster) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "partner"
product = "external"
restart_services = "together"
nodes = [{ name = "api", fqdn = "api.partner.example" }]
)"),
               "cluster 'partner' is external: trustctl restarts nothing there; remove cluster.restart_services", 13,
               20);
}

TEST_F(SiteLoaderTest, RejectsUnknownKeyInNode) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "sm"
product = "socialminer"
nodes = [{ name = "sm1", adress = "10.0.0.1" }]
)"),
               "unknown key 'adress' in cluster.nodes[0] (did you mean 'address'?)", 13, 26);
}

TEST_F(SiteLoaderTest, RejectsUnknownTopLevelTable) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[polcy]\nprune = true\n"),
               "unknown key 'polcy' at the top level (did you mean 'policy'?)", 4, 2);
}

TEST_F(SiteLoaderTest, RejectsWrongType) {
  expect_error(only_error(kPrefix + "ssh_port = \"22\"\n"), "connection.ssh_port: expected an integer, got a string",
               10, 12);
}

TEST_F(SiteLoaderTest, RejectsWrongTypeInArray) {
  expect_error(only_error(kPrefix + "[[trust]]\ncluster = \"x\"\ncertificates = [1]\n"
                                    "[[cluster]]\nname = \"x\"\nproduct = \"external\"\nnodes = [{ name = \"n\" }]\n"),
               "trust.certificates[0]: expected a string, got an integer", 12, 17);
}

TEST_F(SiteLoaderTest, RejectsArrayOfTablesWrittenAsTable) {
  expect_error(only_error(kPrefix + "[ca]\nname = \"x\"\n"), "ca: expected an array of tables, got a table", 10, 1);
}

TEST_F(SiteLoaderTest, RejectsDuplicateNodeNamesAcrossClusters) {
  Error error = only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1" }]
[[cluster]]
name = "cuic"
product = "cuic"
nodes = [{ name = "uccx1" }]
)");
  expect_error(error, "duplicate node name 'uccx1' (first defined at " + site_path() + ":13:19)", 17, 19);
}

TEST_F(SiteLoaderTest, RejectsDuplicateClusterNames) {
  Error error = only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "a" }]
[[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "b" }]
)");
  expect_error(error, "duplicate cluster name 'uccx' (first defined at " + site_path() + ":11:8)", 15, 8);
}

TEST_F(SiteLoaderTest, RejectsDuplicateCaNames) {
  Error error = only_error(kPrefix + R"([[ca]]
name = "root"
certificate = "pki/root.pem"
[[ca]]
name = "root"
certificate = "pki/extra-root.pem"
)");
  expect_error(error, "duplicate CA name 'root' (first defined at " + site_path() + ":11:8)", 14, 8);
}

TEST_F(SiteLoaderTest, RejectsDanglingConnectionCredentials) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[connection]\ncredentials = \"nope\"\n"),
               "connection.credentials: no credentials named 'nope' (credentials: none are defined; define them in "
               "[credentials.nope])",
               5, 15);
}

TEST_F(SiteLoaderTest, RejectsDanglingNodeCredentials) {
  expect_error(only_error(kPrefix + "[[cluster]]\nname = \"sm\"\nproduct = \"socialminer\"\n"
                                    "nodes = [{ name = \"sm1\", credentials = \"os-admn\" }]\n"),
               "cluster.nodes[0].credentials: no credentials named 'os-admn' (credentials: os-admin; define them in "
               "[credentials.os-admn])",
               13, 40);
}

TEST_F(SiteLoaderTest, RejectsVosNodeWithoutCredentials) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[[cluster]]\nname = \"sm\"\nproduct = \"socialminer\"\n"
                          "nodes = [{ name = \"sm1\" }]\n"),
               "node 'sm1' has no credentials; set credentials in [connection] or on the node", 7, 10);
}

TEST_F(SiteLoaderTest, RejectsDanglingIdentityIssuer) {
  expect_error(only_error(kPrefix + R"([[ca]]
name = "corp-root"
certificate = "pki/root.pem"
[[cluster]]
name = "sm"
product = "socialminer"
nodes = [{ name = "sm1" }]
identity.tomcat = { issuer = "lab-ca" }
)"),
               "cluster.identity.tomcat.issuer: no CA named 'lab-ca' (use \"self\" or one of: corp-root)", 17, 30);
}

TEST_F(SiteLoaderTest, RejectsBadIdentityKeyAndUnit) {
  LoadResult result = load(kPrefix + R"([[cluster]]
name = "sm"
product = "socialminer"
nodes = [{ name = "sm1" }]
[cluster.identity.tomcat-ecdsa]
key = "rsa-2047"
[cluster.identity.tomcat]
key = "rsa-2047"
)");
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  expect_error(result.errors[0], "unknown key 'tomcat-ecdsa' in [cluster.identity] (did you mean 'tomcat-ECDSA'?)",
               14, 19);
  expect_error(result.errors[1],
               "cluster.identity.tomcat.key: expected one of \"rsa-1024\", \"rsa-2048\", \"rsa-3072\", \"rsa-4096\", "
               "\"ec-256\", \"ec-384\" or \"ec-521\", got \"rsa-2047\" (did you mean \"rsa-2048\"?)",
               17, 7);
}

TEST_F(SiteLoaderTest, RejectsAKeyTypeTheUnitCannotHold) {
  LoadResult result = load(kPrefix + R"([[cluster]]
name = "fin"
product = "finesse"
nodes = [{ name = "fin1" }]
[cluster.identity.tomcat]
key = "ec-256"
[cluster.identity.tomcat-ECDSA]
key = "rsa-2048"
)");
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  expect_error(result.errors[0],
               "cluster.identity.tomcat.key: ec-256 does not fit tomcat, which holds an RSA key (rsa-1024 .. rsa-4096)",
               15, 7);
  expect_error(result.errors[1],
               "cluster.identity.tomcat-ECDSA.key: rsa-2048 does not fit tomcat-ECDSA, which holds an EC key "
               "(ec-256, ec-384, ec-521)",
               17, 7);
}

TEST_F(SiteLoaderTest, ReadsAnOutsideCasSignedDirAndRefusesAFileThatIsNoCertificate) {
  m_dir.write("signed/uccx1.crt", certs().extra.pem());
  m_dir.write("signed/notes.txt", "not a certificate, and not a certificate file name: ignored");
  LoadResult ok = load(kPrefix + R"([[ca]]
name = "corp"
certificate = "pki/root.pem"
signed_dir = "signed"
)");
  ASSERT_TRUE(ok.site.has_value()) << all(ok.errors);
  ASSERT_EQ(ok.site->cas[0].signed_files.size(), 1u);
  EXPECT_EQ(ok.site->cas[0].signed_files[0].chain.front(), certs().extra);
  EXPECT_TRUE(ok.site->cas[0].signs_outside());

  LoadResult missing = load(kPrefix + R"([[ca]]
name = "corp"
certificate = "pki/root.pem"
signed_dir = "not-yet"
)");
  ASSERT_TRUE(missing.site.has_value()) << "a signed_dir that does not exist yet holds nothing: " << all(missing.errors);
  EXPECT_TRUE(missing.site->cas[0].signed_files.empty());

  m_dir.write("signed/broken.pem", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  Error e = only_error(kPrefix + R"([[ca]]
name = "corp"
certificate = "pki/root.pem"
signed_dir = "signed"
)");
  EXPECT_NE(e.message.find("ca.signed_dir: signed/broken.pem"), std::string::npos) << e.message;
  ASSERT_TRUE(e.region.has_value());
  EXPECT_EQ(e.region->line, 13);
}

TEST_F(SiteLoaderTest, RejectsDanglingIntegrationEnds) {
  LoadResult result = load(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1" }]
[[integration]]
from = "ucx"
to = "socialminer"
)");
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  expect_error(result.errors[0], "integration.from: no cluster named 'ucx' (clusters: uccx)", 15, 8);
  expect_error(result.errors[1], "integration.to: no cluster named 'socialminer' (clusters: uccx)", 16, 6);
}

const std::string kTwoClusters = R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1" }]
[[cluster]]
name = "socialminer"
product = "socialminer"
nodes = [{ name = "sm1" }]
)";  // lines 10..17

TEST_F(SiteLoaderTest, RejectsDanglingTrustCluster) {
  expect_error(only_error(kPrefix + kTwoClusters + "[[trust]]\ncluster = \"uccxx\"\ncertificates = [\"file:pki/root.pem\"]\n"),
               "trust.cluster: no cluster named 'uccxx' (clusters: uccx, socialminer)", 19, 11);
}

TEST_F(SiteLoaderTest, RejectsDanglingTrustNode) {
  expect_error(only_error(kPrefix + kTwoClusters + "[[trust]]\nnode = \"sm2\"\nabsent = [\"file:pki/root.pem\"]\n"),
               "trust.node: no node named 'sm2' (nodes: uccx1, sm1)", 19, 8);
}

TEST_F(SiteLoaderTest, RejectsDanglingTrustCertificateName) {
  expect_error(only_error(kPrefix + kTwoClusters + "[[trust]]\ncluster = \"uccx\"\ncertificates = [\"corp-root\"]\n"),
               "trust.certificates[0]: no CA named 'corp-root' (CAs: none are defined; write \"file:path.pem\" for a "
               "certificate file)",
               20, 17);
}

TEST_F(SiteLoaderTest, RejectsTrustWithBothOrNoTarget) {
  LoadResult result = load(kPrefix + kTwoClusters + R"([[trust]]
cluster = "uccx"
node = "sm1"
certificates = ["file:pki/root.pem"]
[[trust]]
certificates = ["file:pki/root.pem"]
)");
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  expect_error(result.errors[0], "trust: set cluster or node, not both", 20, 1);
  expect_error(result.errors[1], "[[trust]] needs a target: set cluster = \"...\" or node = \"...\"", 22, 1);
}

TEST_F(SiteLoaderTest, RejectsCertificateBothWantedAndAbsent) {
  expect_error(only_error(kPrefix + "[[ca]]\nname = \"r\"\ncertificate = \"pki/root.pem\"\n" + R"([[trust]]
node = "n"
certificates = ["r"]
absent = ["file:pki/root.pem"]
[[cluster]]
name = "p"
product = "external"
nodes = [{ name = "n" }]
)"),
               "trust.absent: 'file:pki/root.pem' is also listed in certificates as 'r'; a certificate cannot be both "
               "wanted and absent",
               16, 11);
}

TEST_F(SiteLoaderTest, RejectsTwoPublishers) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [
  { name = "uccx1", role = "publisher" },
  { name = "uccx2", role = "publisher" },
]
)"),
               "cluster 'uccx' has two publishers: uccx1 and uccx2", 15, 28);
}

TEST_F(SiteLoaderTest, RejectsClusterWithoutPublisher) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1", role = "subscriber" }]
)"),
               "cluster 'uccx' has no publisher; set role = \"publisher\" on one of its nodes", 13, 9);
}

TEST_F(SiteLoaderTest, RequiresRoleWhenClusterHasSeveralNodes) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1", role = "publisher" }, { name = "uccx2" }]
)"),
               "missing required key 'role' in cluster.nodes[1] (cluster 'uccx' has several nodes: say which is the "
               "\"publisher\" and which are \"subscriber\")",
               13, 50);
}

TEST_F(SiteLoaderTest, RejectsBadRole) {
  expect_error(only_error(kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
nodes = [
  { name = "uccx1", role = "publisher" },
  { name = "uccx2", role = "primary" },
]
)"),
               "cluster.nodes[1].role: expected \"publisher\" or \"subscriber\", got \"primary\"", 15, 28);
}

TEST_F(SiteLoaderTest, RejectsBadProduct) {
  expect_error(only_error(kPrefix + "[[cluster]]\nname = \"uccx\"\nproduct = \"ucx\"\nnodes = [{ name = \"u1\" }]\n"),
               "cluster.product: expected one of \"uccx\", \"finesse\", \"cuic\", \"socialminer\", \"mediasense\", "
               "\"cucm\" or \"external\", got \"ucx\" (did you mean \"uccx\"?)",
               12, 11);
}

TEST_F(SiteLoaderTest, RejectsMissingRequiredKeys) {
  LoadResult result = load(kPrefix + "[[cluster]]\nnodes = []\n");
  ASSERT_EQ(result.errors.size(), 3u) << all(result.errors);
  expect_error(result.errors[0], "missing required key 'name' in [[cluster]]", 10, 1);
  expect_error(result.errors[1],
               "missing required key 'product' in [[cluster]] (one of \"uccx\", \"finesse\", \"cuic\", "
               "\"socialminer\", \"mediasense\", \"cucm\" or \"external\")",
               10, 1);
  expect_error(result.errors[2], "cluster.nodes: cluster '' has no nodes; list at least one", 11, 9);
}

TEST_F(SiteLoaderTest, RejectsExternalClusterWithIdentity) {
  expect_error(only_error(kPrefix + "[[cluster]]\nname = \"p\"\nproduct = \"external\"\nnodes = [{ name = \"n\" }]\n"
                                    "identity.tomcat = { issuer = \"self\" }\n"),
               "cluster 'p' is external: trustctl does not manage its identity; remove cluster.identity", 14, 1);
}

TEST_F(SiteLoaderTest, RejectsUnsupportedVersionAndNothingElse) {
  // The unknown key would be reported in a version 1 file; in a version 2 file it is noise.
  expect_error(only_error("version = 2\n[site]\nname = \"x\"\nnew_key = true\n"),
               "unsupported site format version 2; this trustctl reads version 1", 1, 11);
}

TEST_F(SiteLoaderTest, RejectsMissingVersion) {
  expect_error(only_error("[site]\nname = \"x\"\n"),
               "missing required key 'version' at the top level (add version = 1 as the first line)", 1, 1);
}

TEST_F(SiteLoaderTest, RejectsVersionOfWrongType) {
  expect_error(only_error("version = \"1\"\n[site]\nname = \"x\"\n"), "version: expected an integer, got a string", 1,
               11);
}

TEST_F(SiteLoaderTest, RejectsLiteralPassword) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[credentials.os-admin]\nusername = \"admin\"\n"
                          "password = \"hunter2\"\n"),
               "credentials.os-admin.password: a literal password is not allowed in the site file; use password_env, "
               "password_file or password_command",
               6, 1);
}

TEST_F(SiteLoaderTest, RejectsTwoPasswordSources) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[credentials.os-admin]\nusername = \"admin\"\n"
                          "password_file = \"pw\"\npassword_env = \"PW\"\n"),
               "credentials.os-admin: password_env and password_file are both set; keep exactly one password source",
               6, 1);
}

TEST_F(SiteLoaderTest, RejectsCredentialsWithoutPasswordSource) {
  expect_error(only_error("version = 1\n[site]\nname = \"x\"\n[credentials.os-admin]\nusername = \"admin\"\n"),
               "[credentials.os-admin] has no password source; set one of password_env, password_file or "
               "password_command",
               4, 1);
}

TEST_F(SiteLoaderTest, RejectsMissingCertificateFile) {
  expect_error(only_error(kPrefix + "[[ca]]\nname = \"corp-root\"\ncertificate = \"pki/missing.pem\"\n"),
               "ca.certificate: cannot read pki/missing.pem (no such file; paths are relative to the site file)", 12,
               15, ErrorCode::io);
}

TEST_F(SiteLoaderTest, RejectsBadPem) {
  expect_error(only_error(kPrefix + "[[ca]]\nname = \"corp-root\"\ncertificate = \"pki/bad.pem\"\n"),
               "ca.certificate: pki/bad.pem holds no usable certificate: the PEM block could not be decoded as a "
               "certificate",
               12, 15);
}

TEST_F(SiteLoaderTest, RejectsMissingTrustFile) {
  expect_error(only_error(kPrefix + kTwoClusters + "[[trust]]\ncluster = \"uccx\"\nabsent = [\"file:pki/gone.pem\"]\n"),
               "trust.absent[0]: cannot read pki/gone.pem (no such file; paths are relative to the site file)", 20, 11,
               ErrorCode::io);
}

TEST_F(SiteLoaderTest, RejectsOutOfRangeNumbers) {
  LoadResult result = load(kPrefix + "ssh_port = 70000\nhttps_port = 0\ntimeout_s = 0\nparallelism = -1\n");
  ASSERT_EQ(result.errors.size(), 4u) << all(result.errors);
  expect_error(result.errors[0], "connection.ssh_port: 70000 is out of range; use 1..65535", 10, 12);
  expect_error(result.errors[1], "connection.https_port: 0 is out of range; use 1..65535", 11, 14);
  expect_error(result.errors[2], "connection.timeout_s: 0 is out of range; it must be at least 1", 12, 13);
  expect_error(result.errors[3], "connection.parallelism: -1 is out of range; it must be at least 1", 13, 15);
}

TEST_F(SiteLoaderTest, ReportsTomlSyntaxErrorWithPosition) {
  Error error = only_error("version = 1\n[site]\nname = \"x\n");
  EXPECT_EQ(error.code, ErrorCode::invalid_site);
  EXPECT_TRUE(error.message.starts_with("TOML syntax: ")) << error.message;
  ASSERT_TRUE(error.region.has_value());
  EXPECT_EQ(error.region->line, 3);
  EXPECT_EQ(*error.region->file, site_path());
}

TEST_F(SiteLoaderTest, ReportsUnreadableSiteFileAsIo) {
  LoadResult result = load_site(m_dir.path() / "absent.toml", trustctl::providers::vos_units());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].code, ErrorCode::io);
  EXPECT_EQ(result.errors[0].message, "cannot read site file " + (m_dir.path() / "absent.toml").string());
  EXPECT_FALSE(result.site.has_value());
}

TEST_F(SiteLoaderTest, CollectsEveryProblemInFileOrder) {
  LoadResult result = load(kPrefix + R"(ssh_port = "22"
[[cluster]]
name = "uccx"
product = "uccx"
nodes = [{ name = "uccx1", role = "primary" }]
[[integration]]
from = "uccx"
to = "cuic"
)");
  ASSERT_EQ(result.errors.size(), 3u) << all(result.errors);
  EXPECT_EQ(result.errors[0].region->line, 10);
  EXPECT_EQ(result.errors[1].region->line, 14);
  EXPECT_EQ(result.errors[2].region->line, 17);
  EXPECT_EQ(result.errors[2].describe(),
            site_path() + ":17:6: integration.to: no cluster named 'cuic' (clusters: uccx)");
}

TEST_F(SiteLoaderTest, LoadSiteOrErrorGivesTheFirstError) {
  auto loaded =
      load_site_or_error(m_dir.write("site.toml", kPrefix + "a = 1\nb = 2\n"), trustctl::providers::vos_units());
  ASSERT_FALSE(loaded.has_value());
  EXPECT_TRUE(loaded.error().message.starts_with("unknown key 'a' in [connection]")) << loaded.error().message;
  EXPECT_EQ(loaded.error().region->line, 10);

  auto good = load_site_or_error(m_dir.write("site.toml", kFullSite), trustctl::providers::vos_units());
  ASSERT_TRUE(good.has_value()) << good.error().describe();
  EXPECT_EQ(good->name, "lab-east");
}

// ---- names, addresses and files (checked before anything is contacted) ----

// A UCCX cluster at line 10; the test's node list starts at line 13.
const std::string kCluster = kPrefix + R"([[cluster]]
name = "uccx"
product = "uccx"
)";

TEST_F(SiteLoaderTest, RejectsAnFqdnThatIsNoHostNameAtItsValue) {
  expect_error(only_error(kCluster + "nodes = [{ name = \"uccx1\", fqdn = \"https://uccx1.lab.example/\" }]\n"),
               "cluster.nodes[0].fqdn: 'https://uccx1.lab.example/' is a URL; write the host name alone (e.g. "
               "uccx1.lab.example)",
               13, 35);
  expect_error(only_error(kCluster + "nodes = [{ name = \"uccx1\", fqdn = \"uccx_1.lab.example\" }]\n"),
               "cluster.nodes[0].fqdn: 'uccx_1.lab.example' contains '_', which a host name cannot (letters, digits "
               "and '-' in labels separated by dots)",
               13, 35);
  Error idn = only_error(kCluster + "nodes = [{ name = \"uccx1\", fqdn = \"zürich.lab.example\" }]\n");
  EXPECT_NE(idn.message.find("write its A-label"), std::string::npos) << idn.message;
}

TEST_F(SiteLoaderTest, AnFqdnMadeFromANameThatIsNoHostNameNamesTheNameAndTheWayOut) {
  Error error = only_error(kCluster + "nodes = [{ name = \"UCCX 1\" }]\n");
  EXPECT_EQ(error.region->line, 13);
  EXPECT_EQ(error.region->column, 19);
  EXPECT_NE(error.message.find("the node's FQDN is name.domain, and 'UCCX 1.lab.example' contains a space"),
            std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("set fqdn = \"...\" for this node"), std::string::npos) << error.message;
}

TEST_F(SiteLoaderTest, RejectsABadDomainOnceNotOncePerNode) {
  std::string text = kCluster + "nodes = [{ name = \"uccx1\", role = \"publisher\" }, { name = \"uccx2\", role = "
                                "\"subscriber\" }]\n";
  text.replace(text.find("domain = \"lab.example\""), 22, "domain = \"lab.example:8443\"");
  expect_error(only_error(text), "site.domain: 'lab.example:8443' carries a port; write the host name alone and set "
                                 "ssh_port or https_port",
               4, 10);
}

TEST_F(SiteLoaderTest, RejectsAnAddressWithAPortOrThatIsNoAddress) {
  expect_error(only_error(kCluster + "nodes = [{ name = \"uccx1\", address = \"127.0.1.1:2222\" }]\n"),
               "cluster.nodes[0].address: '127.0.1.1:2222' carries a port; write the address alone and set ssh_port "
               "or https_port",
               13, 38);
  Error error = only_error(kCluster + "nodes = [{ name = \"uccx1\", address = \"10.0.0.300\" }]\n");
  EXPECT_NE(error.message.find("neither a host name nor a valid IPv4 address"), std::string::npos) << error.message;
}

TEST_F(SiteLoaderTest, RejectsControlCharactersInEveryName) {
  // TOML writes them as escapes; the loader sees the characters themselves.
  LoadResult result = load(R"(version = 1
[site]
name = "lab\u001b[2J"
[credentials."os\tadmin"]
username = "admin"
password_env = "LAB_PW"
[[ca]]
name = "corp\u0007"
certificate = "pki/root.pem"
[[cluster]]
name = "uccx\r"
product = "external"
nodes = [{ name = "host\u007f1", fqdn = "host1.lab.example" }]
)");
  ASSERT_EQ(result.errors.size(), 5u) << all(result.errors);
  expect_error(result.errors[0], "site.name: 'lab\\x1b[2J' contains a control character (\\x1b at character 4)", 3, 8);
  expect_error(result.errors[1], "credentials: 'os\\tadmin' contains a control character (\\t at character 3)", 4, 14);
  expect_error(result.errors[2], "ca.name: 'corp\\x07' contains a control character (\\x07 at character 5)", 8, 8);
  expect_error(result.errors[3], "cluster.name: 'uccx\\r' contains a control character (\\r at character 5)", 11, 8);
  expect_error(result.errors[4],
               "cluster.nodes[0].name: 'host\\x7f1' contains a control character (\\x7f at character 5)", 13, 19);
  for (const auto& e : result.errors) EXPECT_EQ(e.describe().find('\x1b'), std::string::npos) << "printable";
}

TEST_F(SiteLoaderTest, RejectsTwoNodesWithOneFqdnOrOneAddressAndPort) {
  Error fqdn = only_error(kCluster + R"(nodes = [
  { name = "uccx1", role = "publisher", fqdn = "UCCX.lab.example", address = "127.0.1.1" },
  { name = "uccx2", role = "subscriber", fqdn = "uccx.lab.example", address = "127.0.1.2" },
]
)");
  EXPECT_EQ(fqdn.region->line, 15);
  EXPECT_EQ(fqdn.message, "node 'uccx2' has the fqdn uccx.lab.example, which node 'uccx1' has already (" + site_path() +
                              ":14:48); every node needs its own fqdn");

  Error endpoint = only_error(kCluster + R"(nodes = [
  { name = "uccx1", role = "publisher", address = "127.0.1.1" },
  { name = "uccx2", role = "subscriber", address = "127.0.1.1" },
]
)");
  EXPECT_EQ(endpoint.region->line, 15);
  EXPECT_NE(endpoint.message.find("connects to 127.0.1.1 port 22 (ssh_port), as node 'uccx1' does"), std::string::npos)
      << endpoint.message;

  // The same address on another SSH port is another machine (port forwarding, a simulated lab).
  LoadResult ports = load(kCluster + R"(nodes = [
  { name = "uccx1", role = "publisher", address = "127.0.1.1" },
  { name = "uccx2", role = "subscriber", address = "127.0.1.1", ssh_port = 2222 },
]
)");
  EXPECT_TRUE(ports.errors.empty()) << all(ports.errors);
}

TEST_F(SiteLoaderTest, RejectsAVersionThatIsNoVersion) {
  Error error = only_error(kPrefix + "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nversion = \"12,5\"\n"
                                     "nodes = [{ name = \"uccx1\" }]\n");
  EXPECT_EQ(error.region->line, 13);
  EXPECT_EQ(error.region->column, 11);
  EXPECT_TRUE(error.message.starts_with("cluster.version: '12,5' is not a product version; write it as the product "
                                        "shows it, e.g. \"12.5\""))
      << error.message;
}

TEST_F(SiteLoaderTest, ALocalKeyMustBeReadableAndIsBestPrivate) {
  const std::string ca = kPrefix + "[[ca]]\nname = \"lab-ca\"\ncertificate = \"pki/lab-ca.pem\"\nlocal_key = ";
  expect_error(only_error(ca + "\"pki/missing.key\"\n"),
               "ca.local_key: cannot read pki/missing.key (no such file; paths are relative to the site file)", 13, 13,
               ErrorCode::io);

  fs::permissions(m_dir / "pki/lab-ca.key", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  LoadResult shared = load(ca + "\"pki/lab-ca.key\"\n");
  ASSERT_TRUE(shared.site) << all(shared.errors);
  ASSERT_EQ(shared.warnings.size(), 1u);
  EXPECT_EQ(shared.warnings[0].region->line, 13);
  EXPECT_NE(shared.warnings[0].message.find("chmod 600 pki/lab-ca.key"), std::string::npos);
}

TEST_F(SiteLoaderTest, RejectsAStateDirThatIsAFileAndAKnownHostsThatIsADirectory) {
  m_dir.write("state", "not a directory\n");
  Error state = only_error("version = 1\n[site]\nname = \"x\"\nstate_dir = \"state\"\n");
  EXPECT_EQ(state.region->line, 4);
  EXPECT_NE(state.message.find("site.state_dir: " + (m_dir.path() / "state").string() + " exists and is not a directory"),
            std::string::npos)
      << state.message;

  fs::create_directories(m_dir / "keys/known_hosts");
  expect_error(only_error(kPrefix + "known_hosts = \"keys/known_hosts\"\n"),
               "connection.known_hosts: " + (m_dir.path() / "keys/known_hosts").string() +
                   " is a directory; point it at a file (trustctl creates it if missing)",
               10, 15);

  // The default known_hosts under state_dir is checked too, at [site].
  fs::create_directories(m_dir / "state2/known_hosts");
  Error by_default = only_error("version = 1\n[site]\nname = \"x\"\nstate_dir = \"state2\"\n");
  EXPECT_NE(by_default.message.find("connection.known_hosts: "), std::string::npos) << by_default.message;
}

TEST_F(SiteLoaderTest, CapsTheRenewalWindow) {
  const std::string policy = kPrefix + "[[cluster]]\nname = \"uccx\"\nproduct = \"uccx\"\nnodes = [{ name = \"uccx1\" }]"
                                       "\n[cluster.identity.tomcat]\nrenew_before_days = ";
  expect_error(only_error(policy + "100000\n"),
               "cluster.identity.tomcat.renew_before_days: 100000 days is longer than identities live: every identity "
               "would be due from the day it is made and renewed on every apply; use at most 1095 (or remove it for "
               "the last third of each lifetime)",
               15, 21);
  EXPECT_TRUE(only_error(policy + "9223372036854775807\n").message.find("use at most 1095") != std::string::npos);
  EXPECT_FALSE(load(policy + "1095\n").errors.size()) << "the cap itself is allowed";
  expect_error(only_error(policy + "0\n"), "cluster.identity.tomcat.renew_before_days: 0 is out of range; use 1..1095",
               15, 21);
}

}  // namespace
}  // namespace trustctl::config
