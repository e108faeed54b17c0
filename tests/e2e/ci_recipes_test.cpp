// The CI recipes of examples/ci/ (GitLab and GitHub Actions): both call examples/ci/trustctl-ci.sh for each job, and
// this test runs that script's jobs, in the recipes' order, with the real trustctl against a real vos-sim: plan on a
// merge request (Markdown comment and plan artifact), apply of the artifact in another checkout, expiry on a schedule.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const fs::path kRecipes = fs::path(TRUSTCTL_SOURCE_DIR) / "examples" / "ci";

// One job of the recipes: the script with the settings a CI file gives it.
RunResult job(const std::string& name, const fs::path& site, const fs::path& out, const std::string& within = "30") {
  return run({"/usr/bin/env", std::string("TRUSTCTL=") + TRUSTCTL_BIN, "SITE=" + site.string(), "OUT=" + out.string(),
              "WITHIN_DAYS=" + within, "/bin/sh", (kRecipes / "trustctl-ci.sh").string(), name});
}

TEST(CiRecipes, BothRecipesRunTheScriptsJobs) {
  for (const char* recipe : {"gitlab-ci.yml", "github-actions.yml"}) {
    auto text = read_text(kRecipes / recipe);
    for (const char* stage : {"plan", "apply", "expiry"}) {
      EXPECT_TRUE(contains(text, std::string("examples/ci/trustctl-ci.sh ") + stage)) << recipe << ": " << stage;
    }
    EXPECT_TRUE(contains(text, "trustctl-out/site.tfplan")) << recipe << " keeps the plan file as an artifact";
    EXPECT_TRUE(contains(text, "$OUT/plan.md")) << recipe << " posts the Markdown plan";
    EXPECT_TRUE(contains(text, "schedule")) << recipe << " monitors expiry on a schedule";
  }
}

TEST(CiRecipes, PlanOnAMergeRequestThenApplyTheArtifactThenMonitorExpiry) {
  Lab lab("ci-recipes", {.subnet = 168});
  lab.start_sim();

  // The merge-request pipeline: a plan with changes succeeds, leaving the comment and the artifact.
  auto out = lab.dir() / "trustctl-out";
  auto plan = job("plan", lab.site(), out);
  ASSERT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_TRUE(contains(plan.out, "changes planned")) << plan.out;
  EXPECT_TRUE(contains(read_text(out / "plan.md"), "<!-- trustctl plan -->"));
  ASSERT_TRUE(fs::exists(out / "site.tfplan"));

  // The manual apply job: another runner, a fresh checkout of the same commit, the artifact downloaded into it.
  auto checkout = lab.dir() / "apply-runner";
  fs::create_directories(checkout / "state");
  fs::copy(lab.site(), checkout / "site.toml");
  fs::copy(lab.dir() / "pki", checkout / "pki", fs::copy_options::recursive);
  fs::copy(lab.dir() / "secrets", checkout / "secrets", fs::copy_options::recursive);
  fs::copy(lab.state() / "known_hosts", checkout / "state" / "known_hosts");
  fs::create_directories(checkout / "trustctl-out");
  fs::copy(out / "site.tfplan", checkout / "trustctl-out" / "site.tfplan");
  auto apply = job("apply", checkout / "site.toml", checkout / "trustctl-out");
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  std::istringstream events(read_text(checkout / "trustctl-out" / "apply.jsonl"));
  std::string line, last;
  while (std::getline(events, line)) {
    if (!line.empty()) last = line;
  }
  auto summary = nlohmann::json::parse(last);
  EXPECT_EQ(summary["type"], "summary");
  EXPECT_EQ(summary["ok"], true) << last;
  EXPECT_TRUE(lab.store_holds("uccx2", lab.issuing.certificate));

  // The next merge request plans no changes.
  auto again = job("plan", lab.site(), out);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "no changes")) << again.out;

  // The schedule: nothing due within a day; everything is due within a century, and the job fails.
  auto quiet = job("expiry", lab.site(), out, "1");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  auto due = job("expiry", lab.site(), out, "36500");
  EXPECT_EQ(due.exit_code, 2) << due.out << due.err;
  EXPECT_TRUE(nlohmann::json::parse(read_text(out / "expiry.json"))["due"].get<bool>());
}

}  // namespace
}  // namespace trustctl::testing
