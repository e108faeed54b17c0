#include "engine/state/journal.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

// restart = "system": the journal owes "system" for the node; a completed system restart settles every restart the
// node owes (its services and the system restart itself), and nothing on other nodes.
TEST(Journal, ACompletedSystemRestartSettlesEveryRestartItsNodeOwes) {
  std::vector<nlohmann::json> records = {
      {{"event", "restart-owed"}, {"node", "fin1"}, {"service", "system"}, {"owed_by", "x"}},
      {{"event", "restart-owed"}, {"node", "fin1"}, {"service", "Cisco Tomcat"}, {"owed_by", "earlier"}},
      {{"event", "restart-owed"}, {"node", "fin2"}, {"service", "system"}, {"owed_by", "x"}},
  };
  auto pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].service, "Cisco Tomcat");
  EXPECT_EQ(pending[1].service, "system");
  records.push_back({{"event", "action-done"}, {"kind", "restart-system"}, {"node", "fin1"}});
  pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].node, "fin2");
  EXPECT_EQ(pending[0].service, "system");
  records.push_back({{"event", "action-failed"}, {"kind", "restart-system"}, {"node", "fin2"}});
  EXPECT_EQ(pending_restarts(records).size(), 1u) << "a failed system restart settles nothing";
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

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// A record cut mid-write (trustctl killed during an append) used to be glued to the next record: one unreadable line
// in the middle of the journal, and every later plan and apply stopped on it for good.
TEST(Journal, TheRecordAfterACutOneStartsOnANewLineAndEverythingReadsBack) {
  auto dir = temp_dir("journal-cut");
  std::filesystem::create_directories(dir);
  const std::string original =
      "{\"event\":\"restart-owed\",\"node\":\"uccx1\",\"service\":\"Cisco Tomcat\",\"owed_by\":\"x\"}\n"
      "{\"event\":\"action-do";
  std::ofstream(Journal::path_in(dir), std::ios::binary) << original;
  {
    auto journal = Journal::open(dir);
    ASSERT_TRUE(journal) << journal.error().message;
    ASSERT_TRUE(journal->append({{"event", "apply-start"}, {"apply", "a1"}}));
  }
  auto contents = Journal::read_contents(dir);
  ASSERT_TRUE(contents) << contents.error().message;
  ASSERT_EQ(contents->records.size(), 3u);
  EXPECT_EQ(contents->records[1]["event"], "torn-record");
  EXPECT_EQ(contents->records[1]["line"], 2) << "the writer names the cut line";
  EXPECT_EQ(contents->records[2]["event"], "apply-start");
  EXPECT_EQ(contents->torn_lines, std::vector<int>{2});
  EXPECT_TRUE(contents->warnings.empty()) << "a cut record the writer moved past is no longer news";
  EXPECT_EQ(pending_restarts(contents->records).size(), 1u) << "the owed restart before it still counts";
  EXPECT_EQ(read_file(Journal::path_in(dir)).rfind(original + "\n", 0), 0u) << "nothing is rewritten";
}

TEST(Journal, ACutLastRecordIsAWarningNamingFileAndLine) {
  auto contents = parse_journal("{\"event\":\"a\"}\n{\"event\":\"b\"}\n{\"eve", "state/journal.jsonl");
  ASSERT_TRUE(contents) << contents.error().message;
  EXPECT_EQ(contents->records.size(), 2u);
  ASSERT_EQ(contents->warnings.size(), 1u);
  EXPECT_EQ(contents->warnings[0].rfind("state/journal.jsonl:3: the last record was cut mid-write", 0), 0u)
      << contents->warnings[0];
  EXPECT_EQ(contents->record_lines, (std::vector<int>{1, 2}));
}

TEST(Journal, ARecordCompleteButForItsNewlineIsEndedWithoutAMarker) {
  auto dir = temp_dir("journal-no-newline");
  std::filesystem::create_directories(dir);
  std::ofstream(Journal::path_in(dir), std::ios::binary) << "{\"event\":\"a\"}";
  {
    auto journal = Journal::open(dir);
    ASSERT_TRUE(journal);
    ASSERT_TRUE(journal->append({{"event", "b"}}));
  }
  auto records = Journal::read(dir);
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[1]["event"], "b");
}

TEST(Journal, DamageInTheMiddleIsAnErrorNamingFileLineAndField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"event\":\"a\"}\ngarbage\n{\"event\":\"b\"}\n", "j:2: not a JSON object"},
      {"{\"event\":\"a\"}\n[1,2]\n", "j:2: not a JSON object"},
      {"{\"event\":\"restart-owed\",\"node\":5}\n", "j:1: field \"node\" is a number, expected a string"},
      {"{\"event\":null}\n", "j:1: field \"event\" is null, expected a string"},
      {"{\"event\":\"apply-end\",\"ts\":{}}\n", "j:1: field \"ts\" is an object, expected a string"},
      // A torn-record record must name an earlier, unreadable line; it cannot excuse damage elsewhere.
      {"x\n{\"event\":\"torn-record\",\"line\":3}\ny\n", "j:2: a torn-record record must name an earlier line"},
      {"x\n{\"event\":\"torn-record\",\"line\":\"1\"}\n", "j:2: a torn-record record must name"},
      {"x\n{\"event\":\"torn-record\",\"line\":1}\ny\n{\"event\":\"a\"}\n", "j:3: not a JSON object"},
  };
  for (const auto& [text, expected] : cases) {
    auto parsed = parse_journal(text, "j");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message.rfind(expected, 0), 0u) << text << "\n" << parsed.error().message;
    EXPECT_NE(parsed.error().message.find("repair that line"), std::string::npos) << parsed.error().message;
  }
}

// Records built elsewhere (tests, a future writer) may lack fields or hold other types: never an exception.
TEST(Journal, PendingRestartsToleratesAnyRecord) {
  std::vector<nlohmann::json> records = {
      nullptr,
      {{"event", 5}},
      {{"event", "restart-owed"}, {"node", nullptr}, {"service", 7}},
      {{"event", "restart-owed"}, {"node", "uccx1"}, {"service", "Cisco Tomcat"}, {"owed_by", {1, 2}}},
  };
  auto pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1].node, "uccx1");
  EXPECT_EQ(pending[1].owed_by, "");
}

TEST(Journal, AForgottenRestartIsNoLongerOwed) {
  auto owed = [](const char* node, const char* service) {
    return nlohmann::json{{"event", "restart-owed"}, {"node", node}, {"service", service}, {"owed_by", "c"}};
  };
  std::vector<nlohmann::json> records = {owed("gone", "Cisco Tomcat"), owed("gone", "Cisco Finesse Tomcat"),
                                         owed("uccx1", "Cisco Tomcat"), owed("uccx1", "No Such Service")};
  records.push_back({{"event", "restart-forgotten"}, {"node", "uccx1"}, {"service", "No Such Service"}});
  auto pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 3u);
  records.push_back({{"event", "restart-forgotten"}, {"node", "gone"}});  // no service: all of the node's
  pending = pending_restarts(records);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].node, "uccx1");
  EXPECT_EQ(pending[0].service, "Cisco Tomcat");
}

}  // namespace
}  // namespace trustctl
