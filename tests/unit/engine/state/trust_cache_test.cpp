#include "engine/state/trust_cache.hpp"

#include "support/test_pki.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>

namespace trustctl {
namespace {

using testing::make_root;

// One element holding two certificates: trustctl writes one per element, so this was not written by it.
std::string two_in_one(const std::string& pem) {
  return nlohmann::json{{"format_version", 1}, {"node", "uccx1"}, {"files", {{"tomcat-trust/a.pem", {pem + pem}}}}}
      .dump();
}

TEST(TrustCache, SurvivesASaveAndLoadForTheNodesRead) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-trust-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto root = make_root("Cache Root").certificate;
  LiveState live;
  live.nodes["uccx1"].stores["tomcat-trust"] = {{root.trust_file_name(), root}};
  live.nodes["node/with space"].stores["tomcat-trust"] = {{"a.pem", root}};
  TrustCache cache;
  cache.remember(live);
  ASSERT_TRUE(cache.save(dir, live));
  EXPECT_EQ(TrustCache::path_in(dir, "node/with space").filename(), "node%2Fwith%20space.json");

  std::vector<std::string> warnings;
  auto loaded = TrustCache::load(dir, {"uccx1", "node/with space", "never-read"}, warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_NE(loaded.find("uccx1"), nullptr);
  ASSERT_EQ(loaded.find("uccx1")->at("tomcat-trust/" + root.trust_file_name()).size(), 1u);
  EXPECT_EQ(loaded.find("uccx1")->at("tomcat-trust/" + root.trust_file_name()).front(), root);
  EXPECT_NE(loaded.find("node/with space"), nullptr);
  EXPECT_EQ(loaded.find("never-read"), nullptr);
  std::filesystem::remove_all(dir);
}

TEST(TrustCache, ADamagedFileIsAWarningAndItsNodeIsUnknown) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-trust-cache-bad-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(TrustCache::dir_in(dir));
  auto pem = make_root("Cache Root").certificate.pem();
  const std::vector<std::pair<std::string, std::string>> damaged = {
      {"not json", "not a JSON object"},
      {R"({"format_version": 2, "node": "uccx1", "files": {}})", "format_version"},
      {R"({"format_version": 1, "node": "uccx2", "files": {}})", "not the file of node uccx1"},
      {R"({"format_version": 1, "node": "uccx1", "files": []})", "\"files\" is not an object"},
      {R"({"format_version": 1, "node": "uccx1", "files": {"tomcat-trust/a.pem": []}})", "files[tomcat-trust/a.pem]"},
      {R"({"format_version": 1, "node": "uccx1", "files": {"tomcat-trust/a.pem": [7]}})", "not one PEM"},
      {R"({"format_version": 1, "node": "uccx1", "files": {"tomcat-trust/a.pem": ["junk"]}})", "not one PEM"},
      {two_in_one(pem), "not one PEM"},
  };
  for (const auto& [text, problem] : damaged) {
    {
      std::ofstream out(TrustCache::path_in(dir, "uccx1"));
      out << text;
    }
    std::vector<std::string> warnings;
    auto loaded = TrustCache::load(dir, {"uccx1"}, warnings);
    EXPECT_EQ(loaded.find("uccx1"), nullptr) << text;
    ASSERT_EQ(warnings.size(), 1u) << text;
    EXPECT_NE(warnings[0].find(TrustCache::path_in(dir, "uccx1").string() + " is damaged"), std::string::npos);
    EXPECT_NE(warnings[0].find(problem), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("read in full"), std::string::npos) << warnings[0];
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trustctl
