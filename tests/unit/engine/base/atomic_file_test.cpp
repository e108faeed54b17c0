#include "engine/base/atomic_file.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace trustctl {
namespace {

using testing::read_text;
using testing::TempDir;
using testing::write_text;

std::size_t entries(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir), {}));
}

TEST(AtomicFile, ReplacesTheTargetOnlyAtCommitAndLeavesNoTemporaryFile) {
  TempDir dir;
  auto target = dir.path() / "managed.json";
  write_text(target, "old");
  auto file = AtomicFile::create(target, 0600);
  ASSERT_TRUE(file) << file.error().describe();
  ASSERT_TRUE(file->write("new content"));
  EXPECT_EQ(read_text(target), "old") << "nothing changes before commit";
  ASSERT_TRUE(file->commit());
  EXPECT_EQ(read_text(target), "new content");
  EXPECT_EQ(entries(dir.path()), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(AtomicFile, DroppedWithoutCommitTheTargetIsUntouchedAndTheTemporaryFileGone) {
  TempDir dir;
  auto target = dir.path() / "plan.json";
  write_text(target, "reviewed");
  {
    auto file = AtomicFile::create(target);
    ASSERT_TRUE(file);
    ASSERT_TRUE(file->write("half"));
  }
  EXPECT_EQ(read_text(target), "reviewed");
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(AtomicFile, ASecondCommitAndAMissingDirectoryAreClearErrors) {
  TempDir dir;
  auto file = AtomicFile::create(dir.path() / "x");
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->commit());
  EXPECT_FALSE(file->commit());
  auto missing = AtomicFile::replace(dir.path() / "no-such-dir" / "x", "text");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no-such-dir"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace trustctl
