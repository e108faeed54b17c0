#include "providers/vos/read_only_session.hpp"

#include "providers/vos/vos_cli.hpp"
#include "providers/vos/vos_refresh.hpp"
#include "support/test_pki.hpp"
#include "support/test_site.hpp"
#include "unit/providers/fake_cli_session.hpp"

#include <gtest/gtest.h>

namespace trustctl::providers {
namespace {

TEST(ReadOnlySession, LetsReadsThroughAndRefusesEveryWrite) {
  fakes::FakeCliSession fake;
  fake.responses["show cert list trust"] = "tomcat-trust/a_1.pem: Trust Certificate\n";
  ReadOnlySession session(fake);
  EXPECT_TRUE(session.run("show cert list trust"));
  for (const char* write : {"set cert import trust tomcat", "set cert delete tomcat-trust a_1.pem",
                            "utils service restart Cisco Tomcat", "utils system restart", "set cert regen tomcat",
                            "set csr gen tomcat"}) {
    auto result = session.run(write);
    ASSERT_FALSE(result) << write;
    EXPECT_NE(result.error().message.find("plan never writes"), std::string::npos);
  }
  auto import = vos::import_trust(session, {testing::make_root("Root").certificate});
  EXPECT_FALSE(import);
  EXPECT_EQ(fake.commands, std::vector<std::string>{"show cert list trust"}) << "no write reached the appliance";
  EXPECT_EQ(session.refused().size(), 7u);
}

TEST(ReadOnlySession, RefreshReadsStoresAndIdentityWithReadCommandsOnly) {
  auto root = testing::make_root("Corp Root");
  auto identity = testing::make_root("uccx1.lab.example");
  Site site;
  site.clusters.push_back(testing::make_cluster("uccx", Product::uccx, {"uccx1"}));
  auto* fake = new fakes::FakeCliSession;
  fake->responses["show cert list trust"] = "tomcat-trust/" + root.certificate.trust_file_name() + ": Trust\n";
  fake->responses["show cert trust tomcat-trust/" + root.certificate.trust_file_name()] = root.certificate.pem();
  fake->responses["show cert own tomcat"] = identity.certificate.pem();
  std::unique_ptr<transport::CliSession> owned(fake);
  ConnectOptions options;
  options.opener = [&](const Node&) -> Result<std::unique_ptr<transport::CliSession>> { return std::move(owned); };
  SessionPool pool(options);
  auto state = read_node_state(pool, site.clusters[0].nodes[0]);
  ASSERT_TRUE(state) << state.error().describe();
  EXPECT_TRUE(state->holds("tomcat-trust", root.certificate.fingerprint()));
  ASSERT_EQ(state->identities["tomcat"].size(), 1u);
  EXPECT_EQ(state->identities["tomcat"][0], identity.certificate);
  for (const auto& command : fake->commands) EXPECT_TRUE(is_read_only_command(command)) << command;
}

}  // namespace
}  // namespace trustctl::providers
