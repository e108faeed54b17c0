// What a CI pipeline relies on (issue 14), through the real trustctl binary against a real vos-sim: a saved plan that
// travels to another checkout, lint findings in every artifact with --detailed-exitcode 3, versioned JSON that
// validates against schemas/, the jsonl stream, --lock-timeout and the debug log.

#include "support/json_schema_subset.hpp"
#include "support/lab.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <future>
#include <sstream>
#include <thread>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

nlohmann::json schema(const std::string& name) {
  return nlohmann::json::parse(read_text(fs::path(TRUSTCTL_SOURCE_DIR) / "schemas" / name));
}

// The problems of `document` against schemas/NAME, one per line ("" when it conforms).
std::string problems(const std::string& name, const nlohmann::json& document) {
  std::string out;
  for (const auto& p : SchemaChecker(schema(name)).check(document)) out += p + "\n";
  return out;
}

// A root with a critical name constraint: UCCX refuses to trust it (TC003, an error finding).
Certificate constrained_root() {
  auto key = *pki::KeyPair::generate("ec-256");
  return *pki::self_signed({.common_name = "Constrained Root", .is_ca = true, .days = 3650,
                            .extra_extensions = {{"nameConstraints", "critical,permitted;DNS:.lab.example"}}},
                           key);
}

// Everything a checkout holds (the site, its certificates, its secret file, the known host keys), without the
// simulator's files, copied to `to`.
void copy_checkout(const Lab& lab, const fs::path& to) {
  fs::create_directories(to / "state");
  fs::copy(lab.site(), to / "site.toml");
  fs::copy(lab.dir() / "pki", to / "pki", fs::copy_options::recursive);
  fs::copy(lab.dir() / "secrets", to / "secrets", fs::copy_options::recursive);
  fs::copy(lab.state() / "known_hosts", to / "state" / "known_hosts");
}

TEST(Pipelines, ASavedTfplanCopiedWithItsSiteIsAppliedThereWithoutAPromptAndJournalsThere) {
  Lab lab("pipe-saved", {.subnet = 161});
  lab.start_sim();
  auto made = lab.dir() / "saved.tfplan";
  auto plan = lab.trustctl({"plan", lab.site().string(), "--out", made.string(), "--detailed-exitcode"});
  ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.err, "trustctl apply " + made.string())) << "plan --out ends with the command:\n" << plan.err;

  // Another runner, another checkout: the plan file and the site beside it, nothing else.
  auto other = lab.dir() / "other-checkout";
  copy_checkout(lab, other);
  fs::copy(made, other / "saved.tfplan");
  // No --auto-approve and no terminal: reviewing the plan was the approval.
  auto apply = lab.trustctl({"apply", (other / "saved.tfplan").string()});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_FALSE(contains(apply.out, "Do you want to perform these actions")) << apply.out;
  EXPECT_TRUE(lab.store_holds("uccx1", lab.root.certificate));
  EXPECT_TRUE(fs::exists(other / "state" / "journal.jsonl")) << "journaled in the checkout that applied";
  EXPECT_FALSE(fs::exists(lab.state() / "journal.jsonl")) << "the checkout that planned applied nothing";
  for (const auto& line : split_lines(read_text(other / "state" / "journal.jsonl"))) {
    EXPECT_EQ(nlohmann::json::parse(line).value("format_version", 0), 1) << "every journal record is versioned: " << line;
  }
}

TEST(Pipelines, ABlockingLintFindingTravelsWithThePlanOnceAndExits3) {
  Lab lab("pipe-lint", {.subnet = 162});
  write_text(lab.dir() / "pki/constrained.pem", constrained_root().pem());
  lab.write_site("\n[[trust]]\ncluster = \"uccx\"\nstore = \"tomcat-trust\"\ncertificates = [\"file:pki/constrained.pem\"]\n");
  lab.start_sim();

  auto text = lab.trustctl({"plan", lab.site().string(), "--detailed-exitcode"});
  EXPECT_EQ(text.exit_code, 3) << "changes that the lint gate will block:\n" << text.out << text.err;
  EXPECT_EQ(count(text.out + text.err, "TC003 error"), 1u) << "each finding once:\n" << text.out << text.err;
  EXPECT_TRUE(contains(text.out, "the errors block apply")) << text.out;

  auto json = lab.trustctl({"plan", lab.site().string(), "--format", "json", "--detailed-exitcode"});
  EXPECT_EQ(json.exit_code, 3) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  EXPECT_TRUE(doc["lint"]["blocks_apply"].get<bool>()) << doc["lint"].dump();
  ASSERT_EQ(doc["lint"]["findings"].size(), 1u) << doc["lint"].dump();
  EXPECT_EQ(doc["lint"]["findings"][0]["rule"], "TC003");
  EXPECT_FALSE(doc["lint"]["findings"][0]["fix"].get<std::string>().empty());

  auto markdown = lab.trustctl({"plan", lab.site().string(), "--format", "markdown"});
  EXPECT_EQ(count(markdown.out, "| TC003 | error |"), 1u) << markdown.out;
  EXPECT_TRUE(contains(markdown.out, "Error findings block apply")) << markdown.out;

  auto saved = lab.dir() / "plan.out";
  ASSERT_EQ(lab.trustctl({"plan", lab.site().string(), "--out", saved.string()}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_text(saved))["lint"]["findings"][0]["rule"], "TC003");
  auto again = lab.trustctl({"plan", "--from", saved.string(), "--detailed-exitcode"});
  EXPECT_EQ(again.exit_code, 3) << again.err;
  EXPECT_EQ(count(again.out, "TC003 error"), 1u) << again.out;

  // Applying it: the plan shows the finding once, the refusal does not repeat it.
  auto refused = lab.trustctl({"apply", saved.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(count(refused.out + refused.err, "TC003 error"), 1u) << refused.out << refused.err;
  EXPECT_TRUE(contains(refused.err, "lint errors block apply")) << refused.err;
}

TEST(Pipelines, ReplicationWaitsAreNotCountedAsAdditionsAndRestartsNameTheirChange) {
  Lab lab("pipe-counts", {.subnet = 163});
  lab.start_sim();
  auto text = lab.trustctl({"plan", lab.site().string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  // Two certificates uploaded on the publisher; the subscriber's two copies arrive by replication.
  EXPECT_TRUE(contains(text.out, "Plan: 2 to add, 0 to change, 0 to remove,")) << text.out;
  EXPECT_TRUE(contains(text.out, "2 wait(s) confirm copies")) << text.out;
  auto json = nlohmann::json::parse(lab.trustctl({"plan", lab.site().string(), "--format", "json"}).out);
  EXPECT_EQ(json["summary"]["add"], 2);
  EXPECT_EQ(json["summary"]["waits"], 2);
  for (const auto& action : json["actions"]) {
    if (action["kind"] != "restart") continue;
    std::string reason = action["reason"];
    // The change as the plan shows it: the publisher's upload, or the copy its subscriber waits for.
    EXPECT_TRUE(contains(reason, "upload Corp") || contains(reason, "wait for Corp")) << "names the change: " << reason;
    EXPECT_FALSE(contains(reason, ":upload-trust:")) << "not an action id: " << reason;
  }
}

TEST(Pipelines, EveryJsonOutputIsVersionedAndValidatesAgainstItsSchema) {
  Lab lab("pipe-schemas", {.subnet = 164});
  lab.start_sim();
  const std::string site = lab.site().string();
  auto check = [&](const std::string& schema_name, const std::vector<std::string>& args, int exit_code = 0) {
    auto run = lab.trustctl(args);
    EXPECT_EQ(run.exit_code, exit_code) << args[0] << ":\n" << run.out << run.err;
    auto doc = nlohmann::json::parse(run.out, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << args[0] << " prints one JSON object:\n" << run.out;
    EXPECT_TRUE(doc.contains("format_version")) << args[0];
    EXPECT_EQ(doc.value("trustctl_version", ""), TRUSTCTL_VERSION) << args[0];
    EXPECT_EQ(problems(schema_name, doc), "") << args[0] << ":\n" << run.out;
  };
  check("validate.schema.json", {"validate", site, "--format", "json"});
  check("plan.schema.json", {"plan", site, "--format", "json"});
  check("lint.schema.json", {"lint", site, "--offline", "--format", "json"});
  check("lint.schema.json", {"lint", "--product", "uccx", "--unit", "tomcat-trust",
                             (lab.dir() / "pki/corp-root.pem").string(), "--format", "json"});
  check("apply.schema.json", {"apply", site, "--auto-approve", "--format", "json"});
  auto applied = nlohmann::json::parse(lab.trustctl({"apply", site, "--auto-approve", "--format", "json"}).out);
  EXPECT_EQ(problems("plan.schema.json", applied["plan"]), "");
  check("verify.schema.json", {"verify", site, "--format", "json"});
  check("inventory.schema.json", {"show", site, "--format", "json"});
  check("expiry.schema.json", {"expiry", site, "--format", "json"});
  check("journal.schema.json", {"journal", site, "--format", "json"});
  check("csr.schema.json", {"csr", site, "--out", (lab.dir() / "csrs").string(), "--format", "json"});
  check("probe.schema.json", {"probe", lab.address(1) + ":8443", "--format", "json"});
  auto bundle = lab.dir() / "browsers.pem";
  ASSERT_EQ(lab.trustctl({"bundle", site, "--out", bundle.string()}).exit_code, 0);
  auto manifest = nlohmann::json::parse(read_text(bundle.string() + ".manifest.json"));
  EXPECT_EQ(manifest.value("trustctl_version", ""), TRUSTCTL_VERSION);
  EXPECT_EQ(problems("bundle-manifest.schema.json", manifest), "");

  // A lock whose holder is gone, removed by its id.
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  write_text(lab.state() / "lock", nlohmann::json{{"id", "deadbeef"}, {"host", host}, {"pid", 999999999},
                                                  {"started", "2026-01-01T00:00:00Z"}, {"purpose", "apply"}}
                                       .dump());
  check("unlock.schema.json", {"unlock", site, "--id", "deadbeef", "--format", "json"});
  // Any command that fails before its own document prints the error document.
  check("error.schema.json", {"unlock", site, "--id", "deadbeef", "--format", "json"}, 1);
}

TEST(Pipelines, TheJsonlStreamParsesLineByLineAndEndsInASummary) {
  Lab lab("pipe-jsonl", {.subnet = 165});
  lab.start_sim();
  auto lines_of = [&](const std::vector<std::string>& args, int exit_code) {
    auto run = lab.trustctl(args);
    EXPECT_EQ(run.exit_code, exit_code) << run.out << run.err;
    std::vector<nlohmann::json> lines;
    for (const auto& line : split_lines(run.out)) {
      auto event = nlohmann::json::parse(line, nullptr, false);
      EXPECT_TRUE(event.is_object()) << "not one JSON object: " << line;
      if (!event.is_object()) continue;
      EXPECT_EQ(problems("events.schema.json", event), "") << line;
      lines.push_back(event);
    }
    EXPECT_GE(lines.size(), 2u) << run.out;
    if (lines.size() >= 2) {
      EXPECT_EQ(lines.front()["type"], "version");
      EXPECT_EQ(lines.front()["trustctl_version"], TRUSTCTL_VERSION);
      EXPECT_EQ(lines.back()["type"], "summary");
      EXPECT_EQ(lines.back()["exit_code"], exit_code);
    }
    EXPECT_FALSE(run.err.empty()) << "progress stays on stderr";
    return lines;
  };
  auto has = [](const std::vector<nlohmann::json>& lines, const std::string& type, const std::string& event = "") {
    return std::any_of(lines.begin(), lines.end(), [&](const nlohmann::json& l) {
      return l["type"] == type && (event.empty() || l.value("event", "") == event);
    });
  };

  auto plan = lines_of({"plan", lab.site().string(), "--format", "jsonl", "--detailed-exitcode"}, 2);
  EXPECT_TRUE(has(plan, "refresh")) << "one refresh event per node";
  EXPECT_TRUE(has(plan, "plan"));

  auto apply = lines_of({"apply", lab.site().string(), "--auto-approve", "--format", "jsonl"}, 0);
  EXPECT_TRUE(has(apply, "action", "started"));
  EXPECT_TRUE(has(apply, "action", "done"));
  EXPECT_TRUE(has(apply, "restart_wave"));
  EXPECT_TRUE(has(apply, "verify"));
  EXPECT_EQ(apply.back()["ok"], true);

  auto verify = lines_of({"verify", lab.site().string(), "--format", "jsonl"}, 0);
  EXPECT_TRUE(has(verify, "verify"));

  // An error still ends the stream with a summary.
  auto failed = lines_of({"apply", (lab.dir() / "missing.tfplan").string(), "--format", "jsonl"}, 1);
}

TEST(Pipelines, ASecondApplyWithLockTimeoutWaitsForTheFirstThenSucceeds) {
  Lab lab("pipe-lock", {.subnet = 166});
  lab.start_sim();
  auto first = std::async(std::launch::async, [&] {
    return lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  });
  // The second starts while the first holds the lock.
  auto lock = lab.state() / "lock";
  for (int i = 0; i < 600 && !fs::exists(lock); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(lock)) << "the first apply took the lock";
  auto without = lab.trustctl({"apply", lab.site().string(), "--auto-approve"});
  EXPECT_EQ(without.exit_code, 1) << "no --lock-timeout: refused at once";
  auto second = lab.trustctl({"apply", lab.site().string(), "--auto-approve", "--lock-timeout", "2m"});
  auto first_run = first.get();
  EXPECT_EQ(first_run.exit_code, 0) << first_run.out << first_run.err;
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_TRUE(contains(second.err, "waiting up to 2m for the lock: another trustctl holds")) << second.err;
  EXPECT_TRUE(contains(second.out, "No changes.")) << "the first did the work:\n" << second.out;

  auto typo = lab.trustctl({"apply", lab.site().string(), "--lock-timeout", "soon"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(contains(typo.err, "--lock-timeout: 'soon' is not a duration")) << typo.err;
  EXPECT_FALSE(contains(typo.err, "--lock-timeout: --lock-timeout")) << "the option is named once: " << typo.err;
}

TEST(Pipelines, TheDebugLogShowsTheCliTranscriptAndNeverThePassword) {
  Lab lab("pipe-log", {.subnet = 167});
  lab.start_sim();
  auto log = lab.dir() / "trustctl.log";
  auto run = trustctl::testing::run(
      {"/usr/bin/env", "TRUSTCTL_LOG=trace", TRUSTCTL_BIN, "apply", lab.site().string(), "--auto-approve",
       "--log-file", log.string()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  auto text = read_text(log);
  EXPECT_TRUE(contains(text, "DEBUG ssh: uccx1: > show cert list trust")) << text.substr(0, 4000);
  EXPECT_TRUE(contains(text, "TRACE ssh: uccx1: < ")) << "the answers (trace)";
  EXPECT_TRUE(contains(text, "set cert import trust tomcat")) << "the writes too";
  EXPECT_FALSE(contains(text, "lab-secret-1")) << "never the password";
  EXPECT_FALSE(contains(text, "PRIVATE KEY")) << "never a key";
  EXPECT_FALSE(contains(run.err, "DEBUG")) << "with --log-file, stderr keeps only progress";
  EXPECT_EQ(fs::status(log).permissions() & fs::perms::others_read, fs::perms::none) << "the log is private";

  auto bad = trustctl::testing::run({"/usr/bin/env", "TRUSTCTL_LOG=verbose", TRUSTCTL_BIN, "validate", lab.site().string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(contains(bad.err, "TRUSTCTL_LOG=verbose is not a log level; use debug, trace or off")) << bad.err;
}

}  // namespace
}  // namespace trustctl::testing
