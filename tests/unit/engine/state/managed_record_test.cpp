#include "engine/state/managed_record.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace trustctl {
namespace {

const std::string kA(64, 'a');
const std::string kB(64, 'b');

TEST(ManagedRecord, SurvivesASaveAndLoad) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-managed-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto empty = ManagedRecord::load(dir);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  ManagedRecord record;
  record.add("uccx1", "tomcat-trust", kA);
  record.add("uccx2", "tomcat-trust", kB);
  record.remove("uccx2", "tomcat-trust", kB);
  ASSERT_TRUE(record.save(dir));
  auto loaded = ManagedRecord::load(dir);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->contains("uccx1", "tomcat-trust", kA));
  EXPECT_FALSE(loaded->contains("uccx2", "tomcat-trust", kB));
}

TEST(ManagedRecord, ADamagedFileIsAnErrorNotAnEmptyRecord) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-managed-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(ManagedRecord::path_in(dir)) << "{not json";
  auto loaded = ManagedRecord::load(dir);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("damaged"), std::string::npos);
  // A fingerprint of the wrong type was skipped: the certificate it named would never be pruned, silently.
  std::ofstream(ManagedRecord::path_in(dir)) << "{\"nodes\": {\"uccx1\": {\"tomcat-trust\": [7]}}}";
  auto skipped = ManagedRecord::load(dir);
  ASSERT_FALSE(skipped);
  EXPECT_NE(skipped.error().message.find(ManagedRecord::path_in(dir).string() +
                                         " is damaged: nodes.uccx1.tomcat-trust[0] is a number"),
            std::string::npos)
      << skipped.error().message;
  std::filesystem::remove_all(dir);
}

// Every wrong type is an error naming the key path (it once was skipped silently, or aborted with a null "nodes").
TEST(ManagedRecord, AWrongTypeAnywhereIsAnErrorNamingItsKeyPath) {
  const std::string fp = "\"" + kA + "\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "managed.json is damaged: it is not a JSON object"},
      {"{\"nodes\": null}", "managed.json is damaged: nodes is null, expected an object"},
      {"{\"format_version\": 1}", "managed.json is damaged: it has no \"nodes\""},
      {"{\"format_version\": \"1\", \"nodes\": {}}", "format_version is a string; this trustctl reads version 1"},
      {"{\"format_version\": 2, \"nodes\": {}}", "format_version is 2; this trustctl reads version 1"},
      {"{\"nodes\": {\"uccx1\": [" + fp + "]}}", "nodes.uccx1 is an array, expected an object of stores"},
      {"{\"nodes\": {\"uccx1\": {\"tomcat-trust\": " + fp + "}}}",
       "nodes.uccx1.tomcat-trust is a string, expected an array of fingerprints"},
      {"{\"nodes\": {\"uccx1\": {\"tomcat-trust\": [" + fp + ", 7]}}}",
       "nodes.uccx1.tomcat-trust[1] is a number, expected a fingerprint string"},
      {"{\"nodes\": {\"uccx1\": {\"tomcat-trust\": [\"AB\"]}}}",
       "nodes.uccx1.tomcat-trust[0] is not a SHA-256 fingerprint"},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = ManagedRecord::parse(text, "managed.json");
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().message.find(expected), std::string::npos) << text << "\n" << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("repair it, or remove it"), std::string::npos) << parsed.error().message;
  }
  auto good = ManagedRecord::parse("{\"format_version\": 1, \"nodes\": {\"uccx1\": {\"tomcat-trust\": [" + fp + "]}}}",
                                   "managed.json");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_TRUE(good->contains("uccx1", "tomcat-trust", kA));
}

// Entries of the wrong shape used to be skipped silently: a guess about what trustctl added, which policy.prune then
// acts on. They are damage like any other, named by their place in the file.
TEST(ManagedRecord, AnEntryOfTheWrongShapeIsAnError) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-managed-shape-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (std::string text : {R"({"nodes":{"uccx1":"tomcat-trust"}})", R"({"nodes":{"uccx1":{"tomcat-trust":"aa"}}})",
                           R"({"nodes":{"uccx1":{"tomcat-trust":["aa",1]}}})"}) {
    std::ofstream(ManagedRecord::path_in(dir)) << text;
    auto loaded = ManagedRecord::load(dir);
    ASSERT_FALSE(loaded) << text;
    EXPECT_NE(loaded.error().message.find("nodes.uccx1"), std::string::npos) << loaded.error().message;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace trustctl
