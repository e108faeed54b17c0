// The trust cache (engine/state/trust_cache.hpp) against a real vos-sim with big stores: an unchanged plan costs a
// listing per node, a cold apply reads each trust file once, and a damaged or lying cache is never trusted.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <map>

namespace trustctl::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::string kShowTrust = "show cert trust ";

// Commands a node ran after the first `from` lines of its log.
std::vector<nlohmann::json> since(const Lab& lab, const std::string& node, std::size_t from) {
  auto log = lab.commands(node);
  return {log.begin() + static_cast<std::ptrdiff_t>(std::min(from, log.size())), log.end()};
}

// How often each trust file was read with `show cert trust`.
std::map<std::string, int> trust_reads(const std::vector<nlohmann::json>& log) {
  std::map<std::string, int> reads;
  for (const auto& c : log) {
    std::string command = c.value("command", "");
    if (command.rfind(kShowTrust, 0) == 0) ++reads[command.substr(kShowTrust.size())];
  }
  return reads;
}

int store_files(const Lab& lab, const std::string& node) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(lab.sim_state() / node / "tomcat-trust")) n += f.is_regular_file();
  return n;
}

TEST(RefreshCache, ColdApplyReadsEachTrustFileOnceAndAnUnchangedPlanAtMostSixCommandsPerNode) {
  Lab lab("refresh-cache", {.subnet = 10});
  lab.start_sim({"--preload-trust", "40"});

  auto apply = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    auto reads = trust_reads(lab.commands(node));
    EXPECT_GE(reads.size(), 40u) << node << ": the cold plan read the store";
    for (const auto& [file, count] : reads) {
      // uccx2 waits for the replicated roots: the wait reads them once, verify's refresh once more.
      bool replicated = std::string(node) == "uccx2" && contains(file, "Corp_");
      EXPECT_LE(count, replicated ? 2 : 1) << node << " read " << file << " " << count << " times";
    }
  }

  std::map<std::string, std::size_t> mark;
  for (const char* node : {"uccx1", "uccx2"}) mark[node] = lab.commands(node).size();
  auto plan = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.err, "file(s) unchanged since the last refresh, not read again")) << plan.err;
  for (const char* node : {"uccx1", "uccx2"}) {
    ASSERT_GE(store_files(lab, node), 44) << node;
    auto log = since(lab, node, mark[node]);
    EXPECT_LE(log.size(), 6u) << node << ": an unchanged plan, whatever the store size";
    EXPECT_TRUE(trust_reads(log).empty()) << node;
  }

  // --refresh=full reads every file again.
  mark["uccx1"] = lab.commands("uccx1").size();
  auto full = lab.trustctl({"plan", lab.site().string(), "--refresh=full", "--detailed-exitcode"});
  ASSERT_EQ(full.exit_code, 0) << full.out << full.err;
  EXPECT_EQ(static_cast<int>(trust_reads(since(lab, "uccx1", mark["uccx1"])).size()), store_files(lab, "uccx1"));
}

TEST(RefreshCache, ADamagedOrWrongCacheIsNeverTrusted) {
  Lab lab("refresh-cache-damaged", {.subnet = 11});
  lab.start_sim({"--preload-trust", "10"});
  auto first = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  ASSERT_EQ(first.exit_code, 2) << first.out << first.err;
  const auto cache = lab.state() / "trust-cache" / "uccx1.json";
  ASSERT_TRUE(std::filesystem::exists(cache));

  // Damaged: a warning naming the file, a full read, the same plan.
  write_text(cache, "{\"format_version\": 1, \"node\": \"uccx1\", \"files\": {\"tomcat-trust/x.pem\": [\"-----BEGIN");
  std::size_t mark = lab.commands("uccx1").size();
  auto damaged = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(damaged.exit_code, 2) << damaged.out << damaged.err;
  EXPECT_EQ(damaged.out, first.out);
  EXPECT_TRUE(contains(damaged.err, "warning: " + cache.string() + " is damaged")) << damaged.err;
  EXPECT_TRUE(contains(damaged.err, "read in full")) << damaged.err;
  EXPECT_EQ(static_cast<int>(trust_reads(since(lab, "uccx1", mark)).size()), store_files(lab, "uccx1"));

  // Well-formed but wrong: every listed name maps to the Corp Root CA, whose own file name is none of them. Nothing is
  // taken from it: the plan still wants the root uploaded (the cache would have said the store holds it).
  auto text = read_text(cache);
  auto json = nlohmann::json::parse(text);
  for (auto& [path, pems] : json["files"].items()) pems = nlohmann::json::array({lab.root.certificate.pem()});
  write_text(cache, json.dump());
  mark = lab.commands("uccx1").size();
  auto lying = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(lying.exit_code, 2) << lying.out << lying.err;
  EXPECT_EQ(lying.out, first.out);
  EXPECT_EQ(static_cast<int>(trust_reads(since(lab, "uccx1", mark)).size()), store_files(lab, "uccx1"));
}

}  // namespace
}  // namespace trustctl::testing
