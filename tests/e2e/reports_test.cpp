// Reports over a real vos-sim: the expiry list for monitoring and the client trust bundle for group policy.

#include "support/lab.hpp"

#include <gtest/gtest.h>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Reports, ExpiryListsEveryCertificateSoonestFirstAndFlagsWhatIsDue) {
  Lab lab("expiry", {.subnet = 102});
  lab.start_sim();
  auto report = lab.trustctl({"expiry", lab.site().string(), "--format", "json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto doc = nlohmann::json::parse(report.out);
  const auto& rows = doc["certificates"];
  ASSERT_GE(rows.size(), 4u) << "two identities and each node's peer certificates";
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_LE(rows[i - 1]["days_left"], rows[i]["days_left"]);
  bool identity = false;
  for (const auto& r : rows) identity |= r["kind"] == "identity tomcat" && r["node"] == "uccx1";
  EXPECT_TRUE(identity);

  EXPECT_EQ(lab.trustctl({"expiry", lab.site().string(), "--within", "0"}).exit_code, 0) << "nothing due today";
  auto due = lab.trustctl({"expiry", lab.site().string(), "--within", "36500"});
  EXPECT_EQ(due.exit_code, 2) << "everything is due within a hundred years";
  EXPECT_TRUE(contains(due.out, "uccx1.lab.example")) << due.out;
}

TEST(Reports, BundleHoldsEverySelfSignedIdentityWithTheUrlsItServes) {
  Lab lab("bundle", {.subnet = 103});
  lab.start_sim();
  auto out = (lab.dir() / "agents.pem").string();
  auto bundle = lab.trustctl({"bundle", lab.site().string(), "--out", out});
  ASSERT_EQ(bundle.exit_code, 0) << bundle.err;
  auto certs = parse_certificates(read_text(out));
  ASSERT_TRUE(certs);
  // Each UCCX 12.5 node's self-signed tomcat and tomcat-ECDSA identities (the unit exists from 11.5 on).
  ASSERT_EQ(certs->size(), 4u);
  auto manifest = nlohmann::json::parse(read_text(out + ".manifest.json"));
  ASSERT_EQ(manifest["entries"].size(), 4u);
  EXPECT_TRUE(contains(manifest.dump(), "https://uccx1.lab.example:8445/")) << manifest.dump();

  auto p7b = lab.trustctl({"bundle", lab.site().string(), "--format", "p7b", "--out", out + ".p7b"});
  ASSERT_EQ(p7b.exit_code, 0) << p7b.err;
  auto check = run({"/usr/bin/openssl", "pkcs7", "-in", out + ".p7b", "-print_certs", "-noout"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_TRUE(contains(check.out, "uccx2.lab.example")) << check.out;
}

}  // namespace
}  // namespace trustctl::testing
