// --preload-trust N: each fresh node's tomcat-trust starts with N public-root-like CA certificates besides its
// cluster's own identities (docs/appliances.md section 2), made once per lab, deterministic, cached in the state
// directory. Addresses: 127.0.134.x.

#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/preload_trust.hpp"
#include "tests/vossim/test/net_clients.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/site_text.hpp"
#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <set>

namespace vossim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(PreloadTrustTest, RootsAreDistinctSelfSignedCasNamedLikePublicRootsAndCached) {
  test::TempDir dir;
  auto roots = preloaded_roots(dir.path() / "preload-trust", 150);
  ASSERT_TRUE(roots.has_value()) << roots.error().message;
  ASSERT_EQ(roots->size(), 150u);
  std::set<std::string> names;
  std::set<std::string> files;
  for (const auto& root : *roots) {
    names.insert(root.common_name());
    files.insert(root.trust_file_name());
    EXPECT_TRUE(root.is_ca()) << root.subject();
    EXPECT_TRUE(root.is_self_issued()) << root.subject();
    EXPECT_LT(root.not_before(), Clock::now());
    EXPECT_GT(root.not_after(), Clock::now());
    // The appliance's file name: <CN>_<serial>.pem, spaces turned into '_'.
    std::string cn = root.common_name();
    for (auto& c : cn) c = c == ' ' ? '_' : c;
    EXPECT_EQ(root.trust_file_name(), cn + "_" + root.serial_hex() + ".pem");
  }
  EXPECT_EQ(names.size(), 150u) << "one certificate per CN per store: every name differs";
  EXPECT_EQ(files.size(), 150u);
  EXPECT_EQ((*roots)[0].common_name(), "DigiCert Global Root CA");
  EXPECT_TRUE(names.count(preloaded_root_name(140)));

  // Cached: the same certificates, byte for byte.
  auto again = preloaded_roots(dir.path() / "preload-trust", 150);
  ASSERT_TRUE(again.has_value());
  for (std::size_t i = 0; i < 150; ++i) EXPECT_EQ((*again)[i], (*roots)[i]);
  // Deterministic: another lab makes the same names, serials, validity and keys.
  test::TempDir other;
  auto elsewhere = preloaded_roots(other.path(), 3);
  ASSERT_TRUE(elsewhere.has_value());
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*elsewhere)[i].subject(), (*roots)[i].subject());
    EXPECT_EQ((*elsewhere)[i].serial_hex(), (*roots)[i].serial_hex());
    EXPECT_EQ((*elsewhere)[i].not_after(), (*roots)[i].not_after());
    EXPECT_EQ((*elsewhere)[i].public_key_pem(), (*roots)[i].public_key_pem());
  }
}

TEST(PreloadTrustTest, AFreshNodeStartsWithThemAndAnExistingOneKeepsItsStore) {
  test::TempDir dir;
  auto roots = preloaded_roots(dir.path() / "preload-trust", 40);
  ASSERT_TRUE(roots.has_value());
  const NodeSpec spec{"cucm1", "cucm1.lab.example", "cucm", trustctl::Product::cucm, trustctl::Role::publisher};
  {
    SimNode node(spec, dir.path() / "cucm1");
    node.set_preloaded_trust(std::make_shared<const std::vector<Certificate>>(roots->begin(), roots->begin() + 20));
    ASSERT_TRUE(node.load_or_initialize().has_value());
    EXPECT_EQ(node.trust_store().size(), 20u + node.identity_units().size());
    CliInterpreter cli(node, CliSettings{});
    cli.start();
    cli.feed("set cli pagination off\r");
    const std::string listed = cli.feed("show cert list trust\r").text();
    EXPECT_NE(listed.find("tomcat-trust/" + (*roots)[0].trust_file_name() + ": Trust Certificate"), std::string::npos)
        << listed;
  }
  // The same node started again (not fresh): what its store holds stays, more preloaded roots do not arrive.
  SimNode again(spec, dir.path() / "cucm1");
  again.set_preloaded_trust(std::make_shared<const std::vector<Certificate>>(*roots));
  ASSERT_TRUE(again.load_or_initialize().has_value());
  EXPECT_EQ(again.trust_store().size(), 20u + again.identity_units().size());
}

TEST(PreloadTrustTest, TheBinaryPreloadsEveryNodeWithTheSameRootsAcrossRestarts) {
  test::TempDir dir;
  ::setenv("VOSSIM_PRELOAD_PASSWORD", "Preload-1", 1);
  const fs::path site = dir.path() / "site.toml";
  std::ofstream(site) << test::site_toml(
      "127.0.134", "VOSSIM_PRELOAD_PASSWORD",
      {{"uccx", "uccx", "12.5", {{"uccx1", "publisher", 1}, {"uccx2", "subscriber", 2}}},
       {"cucm", "cucm", "14", {{"cucm1", "publisher", 3, "https_port = 9443"}}}});
  std::map<std::string, std::set<std::string>> first;
  for (int run = 0; run < 2; ++run) {
    test::SimProcess sim(site, dir.path(), {"--preload-trust", "60", "--control-port", "0"});
    const std::string ready = sim.wait_ready();
    ASSERT_NE(ready.find("3 nodes listening control="), std::string::npos) << ready << sim.stderr_text();
    std::string token = test::read_file(dir.path() / "state" / "vos-sim" / "control.token");
    token.pop_back();
    const auto state = test::http_call("127.0.0.1", std::stoi(ready.substr(ready.rfind(':') + 1)), "GET", "/state", token);
    ASSERT_EQ(state.status, 200);
    for (const auto& node : json::parse(state.body)["nodes"]) {
      std::set<std::string> fingerprints;
      for (const auto& entry : node["trust"]) fingerprints.insert(entry["fingerprint"].get<std::string>());
      // Besides the cluster's identities (tomcat and tomcat-ECDSA of each node): the 60 roots.
      const std::size_t identities = node["cluster"] == "uccx" ? 4 : 2;
      EXPECT_EQ(fingerprints.size(), 60u + identities) << node["name"];
      if (run == 0) first[node["name"].get<std::string>()] = fingerprints;
      if (run == 1) {
        EXPECT_EQ(fingerprints, first[node["name"].get<std::string>()]) << "the same across restarts";
      }
    }
    EXPECT_EQ(sim.terminate_and_wait(), 0);
  }
  EXPECT_TRUE(fs::exists(dir.path() / "state" / "vos-sim" / "preload-trust" / "0059.pem"));
}

}  // namespace
}  // namespace vossim
