// TC010 and TC004 on a site's external hosts: each external node is handshaken (openssl s_server standing in for a
// partner's gadget server), VOS nodes are left to refresh, and a host that does not answer is named with its site entry.

#include "cli/stages/external_probe_lint.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace trustctl::cli {
namespace {

Node node_at(const std::string& name, const std::string& cluster, int port, int line) {
  Node node;
  node.name = name;
  node.fqdn = name + ".partner.example";
  node.address = "127.0.0.1";
  node.cluster = cluster;
  node.connection.https_port = port;
  node.connection.timeout_s = 5;
  node.region = SourceRegion{std::make_shared<const std::string>("site.toml"), line, 3};
  return node;
}

TEST(ExternalProbeLint, ADheHostIsFoundAHostThatDoesNotAnswerIsNamedAndVosNodesAreNotProbed) {
  testing::TempDir files("trustctl-external");
  auto key = *pki::KeyPair::generate("rsa-2048");
  auto certificate = *pki::self_signed({.common_name = "gadget.partner.example"}, key);
  const int dhe_port = testing::free_port();
  auto server = testing::start_s_server(dhe_port, files.write("host.pem", certificate.pem()),
                                        files.write("host.key", key.private_pem()),
                                        {"-tls1_2", "-cipher", "DHE-RSA-AES128-SHA"});
  const int silent_port = testing::free_port();

  Site site;
  Cluster uccx{.name = "uccx", .product = Product::uccx};
  // A VOS node is read by refresh, never by this probe: an unreachable address here must not show up.
  uccx.nodes.push_back(node_at("uccx1", "uccx", testing::free_port(), 10));
  Cluster partner{.name = "partner", .product = Product::external};
  partner.nodes.push_back(node_at("gadget", "partner", dhe_port, 20));
  partner.nodes.push_back(node_at("down", "partner", silent_port, 21));
  site.clusters = {uccx, partner};

  auto result = probe_external_clusters(site, 4);

  ASSERT_EQ(result.findings.size(), 1u) << server->stderr_text();
  EXPECT_EQ(result.findings[0].rule, "TC010");
  EXPECT_EQ(result.findings[0].subject, "127.0.0.1:" + std::to_string(dhe_port));
  EXPECT_FALSE(result.findings[0].fix.empty());

  ASSERT_EQ(result.unreachable.size(), 1u);
  const Error& down = result.unreachable[0];
  EXPECT_EQ(down.node, "down");
  EXPECT_EQ(down.operation, "probe TLS (TC010, TC004)");
  ASSERT_TRUE(down.region);
  EXPECT_EQ(down.region->line, 21) << "the site entry of the host, so the user knows which one to check";
  EXPECT_NE(down.message.find(std::to_string(silent_port)), std::string::npos) << down.message;
}

TEST(ExternalProbeLint, ASiteWithoutExternalHostsProbesNothing) {
  Site site;
  Cluster cuic{.name = "cuic", .product = Product::cuic};
  cuic.nodes.push_back(node_at("cuic1", "cuic", testing::free_port(), 5));
  site.clusters = {cuic};
  auto result = probe_external_clusters(site, 4);
  EXPECT_TRUE(result.findings.empty());
  EXPECT_TRUE(result.unreachable.empty());
}

}  // namespace
}  // namespace trustctl::cli
