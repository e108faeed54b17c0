#include "engine/state/state_lock.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

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

std::string this_host() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

void write_lock(const std::filesystem::path& dir, const std::string& text) {
  std::filesystem::create_directories(dir);
  std::ofstream(StateLock::path_in(dir)) << text;
}

std::string read_lock(const std::filesystem::path& dir) {
  std::ifstream in(StateLock::path_in(dir));
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// `unlock --id` removed the lock of an apply that was still running: two applies at once can lose owed restarts.
TEST(StateLock, UnlockRefusesAHolderStillRunningHereUnlessForced) {
  auto dir = temp_dir("live-lock");
  write_lock(dir, nlohmann::json{{"id", "live1"}, {"host", this_host()}, {"pid", ::getpid()}, {"started", "now"},
                                 {"purpose", "apply site.toml"}}
                      .dump());
  auto refused = StateLock::force_unlock(dir, "live1");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("still running (apply site.toml by pid " + std::to_string(::getpid())),
            std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("--force"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(std::filesystem::exists(StateLock::path_in(dir)));
  EXPECT_FALSE(StateLock::force_unlock(dir, "other", /*force=*/true)) << "--force never skips the id";
  EXPECT_TRUE(StateLock::force_unlock(dir, "live1", /*force=*/true));
  EXPECT_FALSE(std::filesystem::exists(StateLock::path_in(dir)));
}

// kill(0, 0) asks about the whole process group and kill(-1, 0) about every process: both "alive".
TEST(StateLock, APidThatIsNoProcessIdMakesTheLockInvalid) {
  for (const std::string pid : {"0", "-1", "-4194304", "1e3", "\"123\"", "null", "99999999999999999999"}) {
    auto dir = temp_dir("bad-pid");
    write_lock(dir, "{\"id\": \"abc\", \"host\": \"" + this_host() + "\", \"pid\": " + pid + "}");
    auto refused = StateLock::acquire(dir, "apply");
    ASSERT_FALSE(refused) << pid;
    EXPECT_NE(refused.error().message.find("\"pid\" is "), std::string::npos) << pid << ": " << refused.error().message;
    EXPECT_NE(refused.error().message.find("not a process id"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("trustctl unlock SITE --id ID --force"), std::string::npos)
        << refused.error().message;
    EXPECT_FALSE(StateLock::force_unlock(dir, "abc")) << "an invalid lock needs --force: " << pid;
    EXPECT_TRUE(StateLock::force_unlock(dir, "abc", /*force=*/true)) << pid;
  }
}

// nlohmann's value() threw on a field of another type (exit 134 from plan, apply and unlock).
TEST(StateLock, FieldsOfTheWrongTypeAreErrorsNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"id\": 5, \"host\": \"h\", \"pid\": 1}", "lock: \"id\" is a number, expected a string"},
      {"{\"id\": \"a\", \"host\": null, \"pid\": 1}", "lock: \"host\" is null, expected a string"},
      {"{\"id\": \"a\", \"host\": \"h\", \"pid\": 1, \"purpose\": []}", "lock: \"purpose\" is an array"},
      {"{\"id\": \"\", \"host\": \"h\", \"pid\": 1}", "lock: \"id\" is empty"},
      {"{\"host\": \"h\", \"pid\": 1}", "lock: the lock has no \"id\""},
      {"{\"id\": \"a\", \"host\": \"h\"}", "lock: the lock has no \"pid\""},
      {"", "lock: the lock is not a JSON object"},
      {"[]", "lock: the lock is not a JSON object"},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = parse_lock(text, "lock");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message.rfind(expected, 0), 0u) << text << "\n" << parsed.error().message;
  }
  auto dir = temp_dir("typed-lock");
  write_lock(dir, "{\"id\": 5, \"host\": \"" + this_host() + "\", \"pid\": 1}");
  auto refused = StateLock::acquire(dir, "apply");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("\"id\" is a number"), std::string::npos) << refused.error().message;
}

// The lock was deleted by whoever released it last: an apply whose lock someone removed (unlock --force) deleted the
// lock of the apply that took the directory next.
TEST(StateLock, OnlyTheOwnerDeletesItsLock) {
  auto dir = temp_dir("owner-lock");
  {
    auto first = StateLock::acquire(dir, "apply");
    ASSERT_TRUE(first);
    ASSERT_TRUE(StateLock::force_unlock(dir, first->id(), /*force=*/true));
    auto second = StateLock::acquire(dir, "apply");
    ASSERT_TRUE(second) << second.error().message;
    const std::string second_id = second->id();
    {
      StateLock released = std::move(*first);  // `first` is released here, while `second` still holds the directory
    }
    EXPECT_NE(read_lock(dir).find(second_id), std::string::npos) << "the second holder's lock must survive";
  }
  EXPECT_FALSE(std::filesystem::exists(StateLock::path_in(dir))) << "and is removed by its owner";
}

// Several trustctl at once: exactly one holds the lock, and every other one is told who (never a half-written lock).
TEST(StateLock, ConcurrentAcquirersSeeOneHolder) {
  auto dir = temp_dir("race-lock");
  for (int round = 0; round < 20; ++round) {
    std::vector<std::optional<Result<StateLock>>> results(8);
    {
      std::vector<std::thread> threads;
      for (auto& result : results) threads.emplace_back([&] { result.emplace(StateLock::acquire(dir, "apply")); });
      for (auto& t : threads) t.join();
    }
    int holders = 0;
    for (const auto& result : results) {
      const Result<StateLock>& acquired = *result;
      if (acquired.has_value()) {
        ++holders;
        continue;
      }
      EXPECT_NE(acquired.error().message.find("another trustctl holds"), std::string::npos)
          << acquired.error().message;
    }
    EXPECT_EQ(holders, 1);
  }
}

}  // namespace
}  // namespace trustctl
