#include "engine/config/path_checks.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace trustctl::config {
namespace {

namespace fs = std::filesystem;

TEST(SitePaths, ADirectoryTrustctlCreatesMustNotBeAFileNorLieBelowOne) {
  testing::TempDir dir;
  EXPECT_FALSE(directory_problem(dir / "state"));          // created when missing
  EXPECT_FALSE(directory_problem(dir / "a/b/c/state"));    // and its parents too
  fs::create_directories(dir / "existing");
  EXPECT_FALSE(directory_problem(dir / "existing"));
  dir.write("state-file", "x");
  auto problem = directory_problem(dir / "state-file");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("is not a directory"), std::string::npos) << *problem;
  problem = directory_problem(dir / "state-file/inner");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("state-file is a file, not a directory"), std::string::npos) << *problem;
}

TEST(SitePaths, AFileTrustctlCreatesMustNotBeADirectory) {
  testing::TempDir dir;
  EXPECT_FALSE(writable_file_problem(dir / "state/known_hosts"));
  dir.write("state/known_hosts", "");
  EXPECT_FALSE(writable_file_problem(dir / "state/known_hosts"));
  fs::create_directories(dir / "pins");
  auto problem = writable_file_problem(dir / "pins");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("is a directory; point it at a file"), std::string::npos) << *problem;
  dir.write("flat", "");
  problem = writable_file_problem(dir / "flat/known_hosts");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("flat is a file, not a directory"), std::string::npos) << *problem;
}

TEST(SitePaths, AKeyFileMustExistAndIsBestReadableByItsOwnerOnly) {
  testing::TempDir dir;
  auto missing = key_file_check(dir / "ca.key", "pki/ca.key");
  ASSERT_TRUE(missing.error);
  EXPECT_EQ(*missing.error, "cannot read pki/ca.key (no such file; paths are relative to the site file)");

  fs::create_directories(dir / "keydir");
  EXPECT_TRUE(key_file_check(dir / "keydir", "keydir").error);

  auto key = dir.write("ca.key", "-----BEGIN PRIVATE KEY-----\n");
  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
  auto private_one = key_file_check(key, "pki/ca.key");
  EXPECT_FALSE(private_one.error);
  EXPECT_FALSE(private_one.warning);

  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto shared = key_file_check(key, "pki/ca.key");
  EXPECT_FALSE(shared.error);
  ASSERT_TRUE(shared.warning);
  EXPECT_NE(shared.warning->find("chmod 600 pki/ca.key"), std::string::npos) << *shared.warning;
}

}  // namespace
}  // namespace trustctl::config
