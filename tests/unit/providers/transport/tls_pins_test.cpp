// The pins file: parsing (table-driven), lookups, and the atomic rewrite that keeps what it does not understand.

#include "providers/transport/tls_pins.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace trustctl::transport {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::TempDir;
using testing::write_text;

const std::string kA(64, 'a');
const std::string kB(64, 'b');
const std::string kC = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";


TEST(TlsPinsKey, LowercasesHostsAndBracketsIpv6) {
  EXPECT_EQ(pin_key("UCCX1.Lab.Example", 8443), "uccx1.lab.example:8443");
  EXPECT_EQ(pin_key("127.0.1.1", 443), "127.0.1.1:443");
  EXPECT_EQ(pin_key("::1", 8443), "[::1]:8443");
  EXPECT_EQ(pin_key("[::1]", 8443), "[::1]:8443");
}

struct ParseCase {
  const char* name;
  std::string text;
  PinMap expected;
};

TEST(TlsPinsParse, ReadsPinsAndIgnoresWhatItDoesNotKnow) {
  const std::vector<ParseCase> cases = {
      {"empty", "", {}},
      {"comments and blanks", "# recorded at install\n\n   \n# x:1 sha256/" + kA + "\n", {}},
      {"one pin", "uccx1.lab.example:8443 sha256/" + kA + "\n", {{"uccx1.lab.example:8443", {kA}}}},
      {"no final newline, CRLF, tabs", "uccx1.lab.example:8443\tsha256/" + kA + "\r\n127.0.1.1:8443 sha256/" + kB,
       {{"uccx1.lab.example:8443", {kA}}, {"127.0.1.1:8443", {kB}}}},
      {"uppercase host and hex normalised", "UCCX1.lab.example:8443 sha256/" + std::string(64, 'A') + "\n",
       {{"uccx1.lab.example:8443", {kA}}}},
      {"two pins for one host, duplicates once",
       "h:1 sha256/" + kA + "\nh:1 sha256/" + kB + "\nh:1 sha256/" + kA + "\n", {{"h:1", {kA, kB}}}},
      {"unknown algorithm and notes ignored", "h:1 sha384/abcd\nsomething else entirely\nh:2 sha256/" + kC + "\n",
       {{"h:2", {kC}}}},
      {"trailing comment words ignored", "h:1 sha256/" + kA + " # rotated 2034-01-01\n", {{"h:1", {kA}}}},
  };
  for (const auto& c : cases) {
    auto pins = parse_pins(c.text, "pins");
    ASSERT_TRUE(pins) << c.name << ": " << pins.error().message;
    EXPECT_EQ(*pins, c.expected) << c.name;
  }
}

TEST(TlsPinsParse, RefusesBrokenPinLinesNamingTheLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"# header\nh:1 sha256/abc\n", "tls_pins:2: the pin for h:1 is not sha256/ followed by 64 hex digits"},
      {"h:1 sha256/" + std::string(63, 'a') + "g\n", "tls_pins:1: the pin for h:1"},
      {"h sha256/" + kA + "\n", "tls_pins:1: 'h' is not HOST:PORT"},
      {"h:0 sha256/" + kA + "\n", "'h:0' is not HOST:PORT"},
      {"h:65536 sha256/" + kA + "\n", "'h:65536' is not HOST:PORT"},
      {":443 sha256/" + kA + "\n", "':443' is not HOST:PORT"},
  };
  for (const auto& [text, message] : cases) {
    auto pins = parse_pins(text, "tls_pins");
    ASSERT_FALSE(pins) << text;
    EXPECT_EQ(pins.error().code, ErrorCode::invalid_site);
    EXPECT_NE(pins.error().message.find(message), std::string::npos) << pins.error().message;
  }
}

TEST(TlsPinsLookup, FindsByHostAndPortOnly) {
  auto pins = *parse_pins("uccx1.lab.example:8443 sha256/" + kA + "\nuccx1.lab.example:8445 sha256/" + kB + "\n", "p");
  EXPECT_EQ(lookup_pins(pins, "uccx1.lab.example", 8443), std::vector<std::string>{kA});
  EXPECT_EQ(lookup_pins(pins, "UCCX1.LAB.EXAMPLE", 8445), std::vector<std::string>{kB});
  EXPECT_TRUE(lookup_pins(pins, "uccx1.lab.example", 443).empty());
  EXPECT_TRUE(lookup_pins(pins, "uccx2.lab.example", 8443).empty());
}

TEST(TlsPinsLoad, AMissingFileIsNoPins) {
  TempDir dir;
  auto pins = load_pins(dir.path() / "absent");
  ASSERT_TRUE(pins) << pins.error().message;
  EXPECT_TRUE(pins->empty());
}

TEST(TlsPinsLoad, AnErrorNamesTheFile) {
  TempDir dir;
  std::ofstream(dir.path() / "pins") << "h:1 sha256/xyz\n";
  auto pins = load_pins(dir.path() / "pins");
  ASSERT_FALSE(pins);
  EXPECT_NE(pins.error().message.find((dir.path() / "pins").string() + ":1:"), std::string::npos) << pins.error().message;
}

struct RewriteCase {
  const char* name;
  std::string before;
  std::vector<std::string> hosts;
  bool keep_existing;
  std::string after;
};

TEST(TlsPinsRewrite, ReplacesListedHostsAndKeepsEverythingElse) {
  const std::string header = "# pins recorded by the installer\n\n";
  const std::vector<RewriteCase> cases = {
      {"append to empty", "", {"a.example:8443"}, false, "a.example:8443 sha256/" + kC + "\n"},
      {"replace in place, keep comments and unknown lines",
       header + "a.example:8443 sha256/" + kA + "\nb.example:8443 sha256/" + kB + "\nweird line\nh:1 sha384/ff\n",
       {"a.example:8443"}, false,
       header + "a.example:8443 sha256/" + kC + "\nb.example:8443 sha256/" + kB + "\nweird line\nh:1 sha384/ff\n"},
      {"a host's other pins go", "a:1 sha256/" + kA + "\nb:1 sha256/" + kB + "\na:1 sha256/" + kB + "\n", {"a:1"}, false,
       "a:1 sha256/" + kC + "\nb:1 sha256/" + kB + "\n"},
      {"fqdn and address, one present one new", "a.example:8443 sha256/" + kA + "\n",
       {"A.example:8443", "127.0.1.1:8443"}, false,
       "a.example:8443 sha256/" + kC + "\n127.0.1.1:8443 sha256/" + kC + "\n"},
      {"keep existing adds after the host's last line",
       "a:1 sha256/" + kA + "\na:1 sha256/" + kB + "\nz:1 sha256/" + kA + "\n", {"a:1"}, true,
       "a:1 sha256/" + kA + "\na:1 sha256/" + kB + "\na:1 sha256/" + kC + "\nz:1 sha256/" + kA + "\n"},
      {"keep existing with the pin already there changes nothing", "a:1 sha256/" + kC + "\n", {"a:1"}, true,
       "a:1 sha256/" + kC + "\n"},
      {"the other hosts' lines with the same fingerprint stay", "b:1 sha256/" + kC + "\n", {"a:1"}, false,
       "b:1 sha256/" + kC + "\na:1 sha256/" + kC + "\n"},
      {"no final newline gets one", "# only a comment", {"a:1"}, false, "# only a comment\na:1 sha256/" + kC + "\n"},
  };
  for (const auto& c : cases) {
    auto out = rewrite_pins(c.before, c.hosts, "sha256/" + kC, c.keep_existing);
    ASSERT_TRUE(out) << c.name << ": " << out.error().message;
    EXPECT_EQ(*out, c.after) << c.name;
  }
}

TEST(TlsPinsRewrite, RefusesABadFingerprintOrHost) {
  EXPECT_FALSE(rewrite_pins("", {"a:1"}, "sha256/123", false));
  EXPECT_FALSE(rewrite_pins("", {"a"}, kC, false));
  // The fingerprint may come with or without its prefix, in either case.
  auto upper = rewrite_pins("", {"a:1"}, std::string(64, 'C'), false);
  ASSERT_TRUE(upper);
  EXPECT_EQ(*upper, "a:1 sha256/" + std::string(64, 'c') + "\n");
}

TEST(TlsPinsUpdate, RewritesTheFileAtomicallyKeepingItsMode) {
  TempDir dir;
  const fs::path path = dir.path() / "state" / "tls_pins";
  ASSERT_TRUE(update_pins(path, {"a.example:8443"}, kA));  // creates the directory and the file
  EXPECT_EQ(read_text(path), "a.example:8443 sha256/" + kA + "\n");
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  std::ofstream(path, std::ios::app) << "# kept\n";
  ASSERT_TRUE(update_pins(path, {"a.example:8443"}, kB));
  EXPECT_EQ(read_text(path), "a.example:8443 sha256/" + kB + "\n# kept\n");
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(path.parent_path())) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST(TlsPinsUpdate, RefusesToRewriteABrokenFile) {
  TempDir dir;
  const fs::path path = dir.path() / "tls_pins";
  std::ofstream(path) << "a:1 sha256/short\n";
  auto updated = update_pins(path, {"b:1"}, kA);
  ASSERT_FALSE(updated);
  EXPECT_EQ(read_text(path), "a:1 sha256/short\n");  // untouched: the administrator's file is theirs to fix
}

TEST(TlsPinsUpdate, ConcurrentUpdatesLoseNothing) {
  TempDir dir;
  const fs::path path = dir.path() / "tls_pins";
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { ASSERT_TRUE(update_pins(path, {"node" + std::to_string(i) + ":8443"}, kA)); });
  }
  for (auto& t : threads) t.join();
  auto pins = load_pins(path);
  ASSERT_TRUE(pins) << pins.error().message;
  EXPECT_EQ(pins->size(), 16u);
}

// Pins only accumulated: after a rotation the old certificate stayed accepted for good. Once the new one is seen
// presented, it is the host's only pin; other hosts, comments and unknown lines stay.
TEST(TlsPinsSettle, ThePresentedCertificateBecomesTheOnlyPinOfItsHosts) {
  TempDir dir;
  const fs::path path = dir.path() / "tls_pins";
  write_text(path, "# recorded by hand\na.example:8443 sha256/" + kA + "\n127.0.1.1:8443 sha256/" + kA +
                       "\nb.example:8443 sha256/" + kA + "\n");
  ASSERT_TRUE(update_pins(path, {"a.example:8443", "127.0.1.1:8443"}, kB, /*keep_existing=*/true));
  ASSERT_TRUE(settle_pins(path, {"a.example:8443", "127.0.1.1:8443"}, "sha256/" + kB));
  EXPECT_EQ(read_text(path), "# recorded by hand\na.example:8443 sha256/" + kB + "\n127.0.1.1:8443 sha256/" + kB +
                                 "\nb.example:8443 sha256/" + kA + "\n");
}

TEST(TlsPinsSettle, NothingIsWrittenWhenItAlreadyHolds) {
  TempDir dir;
  const fs::path path = dir.path() / "tls_pins";
  write_text(path, "a.example:8443 sha256/" + kB + "\n");
  struct stat before {};  // a rewrite renames a new file over it; an untouched one keeps its inode
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  ASSERT_TRUE(settle_pins(path, {"A.example:8443"}, kB));
  struct stat after {};
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_FALSE(settle_pins(path, {"a.example:8443"}, "sha256/123")) << "not a fingerprint";
}

}  // namespace
}  // namespace trustctl::transport
