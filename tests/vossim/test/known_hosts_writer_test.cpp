#include "tests/vossim/known_hosts_writer.hpp"

#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

namespace vossim {
namespace {

TEST(KnownHostsWriter, HostsFieldForDefaultAndOtherPorts) {
  EXPECT_EQ(known_hosts_hosts_field({"uccx1.lab.example", "127.0.1.1", 22, "ssh-ed25519", "AAAA"}),
            "uccx1.lab.example,127.0.1.1");
  EXPECT_EQ(known_hosts_hosts_field({"uccx1.lab.example", "127.0.1.1", 2222, "ssh-ed25519", "AAAA"}),
            "[uccx1.lab.example]:2222,[127.0.1.1]:2222");
  EXPECT_EQ(known_hosts_line({"a.example", "127.0.1.1", 22, "ssh-ed25519", "AAAAkey"}),
            "a.example,127.0.1.1 ssh-ed25519 AAAAkey");
}

TEST(KnownHostsWriter, CreatesFileAndParentDirectory) {
  test::TempDir dir;
  const auto path = dir.path() / "state" / "known_hosts";
  ASSERT_TRUE(update_known_hosts(path, {{"a.example", "127.0.1.1", 22, "ssh-ed25519", "KEY1"}}).has_value());
  EXPECT_EQ(test::read_file(path), "a.example,127.0.1.1 ssh-ed25519 KEY1\n");
}

TEST(KnownHostsWriter, ReplacesOwnLinesAndKeepsUnrelatedOnes) {
  test::TempDir dir;
  const auto path = dir.path() / "known_hosts";
  {
    std::ofstream out(path);
    out << "# comment\n"
        << "other.example ssh-rsa OTHER\n"
        << "|1|hashed= ssh-ed25519 HASHED\n"
        << "[a.example]:2222,[127.0.1.1]:2222 ssh-ed25519 OLD\n"
        << "a.example ssh-ed25519 SAMEHOSTPORT22\n";
  }
  ASSERT_TRUE(update_known_hosts(path, {{"a.example", "127.0.1.1", 2222, "ssh-ed25519", "NEW"}}).has_value());
  const std::string text = test::read_file(path);
  EXPECT_NE(text.find("# comment\n"), std::string::npos);
  EXPECT_NE(text.find("other.example ssh-rsa OTHER\n"), std::string::npos);
  EXPECT_NE(text.find("|1|hashed= ssh-ed25519 HASHED\n"), std::string::npos);
  EXPECT_NE(text.find("a.example ssh-ed25519 SAMEHOSTPORT22\n"), std::string::npos);  // a different port: kept
  EXPECT_EQ(text.find("OLD"), std::string::npos);
  EXPECT_EQ(test::count_of(text, "[a.example]:2222,[127.0.1.1]:2222 ssh-ed25519 NEW\n"), 1);

  // Running again is idempotent.
  ASSERT_TRUE(update_known_hosts(path, {{"a.example", "127.0.1.1", 2222, "ssh-ed25519", "NEW"}}).has_value());
  EXPECT_EQ(test::read_file(path), text);
}

}  // namespace
}  // namespace vossim
