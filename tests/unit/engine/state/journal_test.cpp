#include "engine/state/journal.hpp"
#include "engine/state/state_lock.hpp"

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

TEST(StateLock, ASecondHolderIsRefusedWithTheFirstHoldersName) {
  auto dir = temp_dir("lock");
  auto first = StateLock::acquire(dir, "apply");
  ASSERT_TRUE(first);
  auto second = StateLock::acquire(dir, "apply");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::locked);
  EXPECT_NE(second.error().message.find("pid " + std::to_string(::getpid())), std::string::npos);
  EXPECT_NE(second.error().message.find(first->id()), std::string::npos);
}

TEST(StateLock, AStaleLockIsReportedAndClearedOnlyByItsId) {
  auto dir = temp_dir("stale-lock");
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "lock");
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    // pid 999999 does not exist on this machine (pid_max is lower).
    out << nlohmann::json{{"id", "abc123"}, {"host", host}, {"pid", 999999}, {"started", "then"}}.dump();
  }
  auto refused = StateLock::acquire(dir, "apply");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("stale"), std::string::npos);
  EXPECT_NE(refused.error().message.find("--id abc123"), std::string::npos);
  EXPECT_FALSE(StateLock::force_unlock(dir, "wrong"));
  EXPECT_TRUE(StateLock::force_unlock(dir, "abc123"));
  EXPECT_TRUE(StateLock::acquire(dir, "apply"));
}

// A lock another tool or a hand edit left with fields of the wrong type used to abort trustctl (json::value() threw);
// an unreadable lock was also removed by `unlock --id` whatever id was given. Now both refuse and say why.
TEST(StateLock, AnUnreadableLockIsRefusedAndNeverRemovedByUnlock) {
  auto dir = temp_dir("odd-lock");
  std::filesystem::create_directories(dir);
  for (std::string lock : {R"({"id":"abc123","pid":"4242","host":"h"})", R"({"id":["abc123"],"pid":1})",
                           R"({"id":"abc123","pid":1,"host":7})", "pid=4242", "[]"}) {
    std::ofstream(dir / "lock") << lock;
    auto refused = StateLock::acquire(dir, "apply");
    ASSERT_FALSE(refused) << lock;
    EXPECT_NE(refused.error().message.find("unreadable"), std::string::npos) << refused.error().message;
    auto unlocked = StateLock::force_unlock(dir, "abc123");
    ASSERT_FALSE(unlocked) << lock;
    EXPECT_NE(unlocked.error().message.find("nothing removed"), std::string::npos) << unlocked.error().message;
    EXPECT_TRUE(std::filesystem::exists(dir / "lock"));
  }
}

}  // namespace
}  // namespace trustctl
