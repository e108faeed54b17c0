#include "engine/state/state_lock.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <fstream>

namespace trustctl {
namespace {

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("trustctl-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
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
