#include "engine/state/journal.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace trustctl {
namespace {

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(Journal, AppendsRecordsThatReadBackInOrder) {
  auto dir = temp_dir("journal");
  {
    auto journal = Journal::open(dir);
    ASSERT_TRUE(journal);
    ASSERT_TRUE(journal->append({{"event", "apply-start"}}));
    ASSERT_TRUE(journal->append({{"event", "apply-end"}}));
  }
  auto records = Journal::read(dir);
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0]["event"], "apply-start");
  EXPECT_TRUE((*records)[1].contains("ts"));
}

TEST(Journal, PendingRestartsAreOwedUntilTheRestartIsDone) {
  std::vector<nlohmann::json> records = {
      {{"event", "restart-owed"}, {"node", "uccx1"}, {"service", "Cisco Tomcat"}, {"owed_by", "x"}},
      {{"event", "restart-owed"}, {"node", "uccx2"}, {"service", "Cisco Tomcat"}, {"owed_by", "y"}},
      {{"event", "action-done"}, {"kind", "restart"}, {"node", "uccx1"}, {"service", "Cisco Tomcat"}},
  };
  auto pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].node, "uccx2");
  EXPECT_EQ(pending[0].owed_by, "y");
}

TEST(Journal, ATornLastLineIsToleratedButDamageInTheMiddleIsAnError) {
  auto dir = temp_dir("journal-torn");
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(Journal::path_in(dir));
    out << "{\"event\":\"a\"}\n{\"event\":";
  }
  auto records = Journal::read(dir);
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 1u);
  {
    std::ofstream out(Journal::path_in(dir));
    out << "{\"event\":\"a\"}\ngarbage\n{\"event\":\"b\"}\n";
  }
  auto broken = Journal::read(dir);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("journal.jsonl:2"), std::string::npos) << broken.error().message;
}

// A record whose fields have the wrong type (a hand edit, another tool) used to reach pending_restarts and `trustctl
// journal`, where nlohmann::json::value() threw and aborted trustctl. It is an error naming the line and the field.
TEST(Journal, AFieldOfTheWrongTypeIsAnErrorNamingTheLine) {
  auto dir = temp_dir("journal-types");
  std::filesystem::create_directories(dir);
  for (std::string bad : {R"({"event":5})", R"({"event":"restart-owed","node":{"name":"uccx1"}})",
                          R"({"event":"apply-start","apply":["a1"]})", R"({"event":"restart-owed","service":null})"}) {
    std::ofstream(Journal::path_in(dir)) << "{\"event\":\"apply-start\",\"apply\":\"a1\"}\n" << bad << "\n"
                                         << "{\"event\":\"apply-end\",\"apply\":\"a1\"}\n";
    auto records = Journal::read(dir);
    ASSERT_FALSE(records) << bad;
    EXPECT_EQ(records.error().code, ErrorCode::journal);
    EXPECT_NE(records.error().message.find("journal.jsonl:2: field"), std::string::npos) << records.error().message;
    EXPECT_NE(records.error().message.find("expected a string"), std::string::npos) << records.error().message;
  }
}

}  // namespace
}  // namespace trustctl
