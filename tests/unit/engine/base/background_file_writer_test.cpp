#include "engine/base/background_file_writer.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <string>

namespace trustctl {
namespace {

using testing::read_text;
using testing::TempDir;

// Many chunks, at most one waiting at a time (so the producer waits for the writer again and again): the file holds
// them all, in order, once committed.
TEST(BackgroundFileWriter, WritesEveryChunkInOrder) {
  TempDir dir;
  auto file = AtomicFile::create(dir.path() / "out.txt");
  ASSERT_TRUE(file) << file.error().describe();
  std::string expected;
  {
    BackgroundFileWriter background(*file, 1);
    for (int k = 0; k < 500; ++k) {
      std::string chunk = std::to_string(k) + std::string(static_cast<std::size_t>(k % 13), '.') + "\n";
      expected += chunk;
      background.push(std::move(chunk));
    }
    ASSERT_TRUE(background.finish());
  }
  ASSERT_TRUE(file->commit());
  EXPECT_EQ(read_text(dir.path() / "out.txt"), expected);
}

// A write that fails is reported by finish(), not lost; what comes after it is dropped, and the target is untouched.
TEST(BackgroundFileWriter, AFailedWriteIsReportedByFinish) {
  TempDir dir;
  auto file = AtomicFile::create(dir.path() / "out.txt");
  ASSERT_TRUE(file);
  ASSERT_TRUE(file->commit());  // every later write fails: "write after commit"
  BackgroundFileWriter background(*file);
  background.push("one");
  background.push("two");
  auto finished = background.finish();
  ASSERT_FALSE(finished);
  EXPECT_NE(finished.error().message.find("write after commit"), std::string::npos) << finished.error().message;
  EXPECT_EQ(read_text(dir.path() / "out.txt"), "");
}

}  // namespace
}  // namespace trustctl
