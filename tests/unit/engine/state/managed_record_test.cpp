#include "engine/state/managed_record.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace trustctl {
namespace {

TEST(ManagedRecord, SurvivesASaveAndLoad) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-managed-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto empty = ManagedRecord::load(dir);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  ManagedRecord record;
  record.add("uccx1", "tomcat-trust", "aa");
  record.add("uccx2", "tomcat-trust", "bb");
  record.remove("uccx2", "tomcat-trust", "bb");
  ASSERT_TRUE(record.save(dir));
  auto loaded = ManagedRecord::load(dir);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(loaded->contains("uccx1", "tomcat-trust", "aa"));
  EXPECT_FALSE(loaded->contains("uccx2", "tomcat-trust", "bb"));
}

TEST(ManagedRecord, ADamagedFileIsAnErrorNotAnEmptyRecord) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-managed-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(ManagedRecord::path_in(dir)) << "{not json";
  auto loaded = ManagedRecord::load(dir);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("damaged"), std::string::npos);
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
