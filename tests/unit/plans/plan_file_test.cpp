#include "plans/plan_file.hpp"

#include "engine/graph/ordering_rules.hpp"

#include "plans/render_dot.hpp"
#include "plans/render_json.hpp"
#include "plans/render_markdown.hpp"
#include "plans/render_text.hpp"

#include "golden.hpp"
#include "plan_fixtures.hpp"
#include "providers/vos/vos_units.hpp"
#include "support/forged_pem.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace trustctl::plans {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class PlanFile : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("trustctl-plan-file-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir);
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::filesystem::path path(const std::string& name) const { return m_dir / name; }

  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }
  static void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

  // A saved mixed plan, edited by `edit`, read back: the error it gives.
  std::string error_after(const std::function<void(json&)>& edit,
                          CertificateDecoding decoding = CertificateDecoding::names) {
    auto s = trustctl::testing::mixed_scenario();
    json doc = plan_to_file_json(s.plan(), s.site);
    edit(doc);
    write(path("edited.json"), doc.dump(2));
    auto read = read_saved_plan(path("edited.json"), trustctl::providers::vos_units(), nullptr, decoding);
    if (read) return "(read without error)";
    return read.error().describe();
  }

  std::filesystem::path m_dir;
};

TEST_F(PlanFile, ReadBackRendersExactlyAsTheOriginal) {
  for (auto make : {&trustctl::testing::mixed_scenario, &trustctl::testing::manual_scenario,
                    &trustctl::testing::empty_scenario}) {
    auto scenario = make();
    auto plan = scenario.plan();
    ASSERT_TRUE(write_plan_file(plan, scenario.site, path("plan.json")));
    auto saved = read_saved_plan(path("plan.json"), trustctl::providers::vos_units());
    ASSERT_TRUE(saved) << saved.error().describe();
    EXPECT_EQ(render_text(saved->plan, saved->layout, {}), render_text(plan, scenario.site, {}));
    EXPECT_EQ(render_markdown(saved->plan, saved->layout), render_markdown(plan, scenario.site));
    EXPECT_EQ(render_dot(saved->plan, saved->layout), render_dot(plan, scenario.site));
    // The site file comes back resolved against the plan file's directory: the same file, wherever trustctl runs.
    EXPECT_EQ(saved->plan.site_file, std::filesystem::absolute(plan.site_file).lexically_normal().string());
    saved->plan.site_file = plan.site_file;
    EXPECT_EQ(plan_to_json(saved->plan).dump(2), plan_to_json(plan).dump(2));
    EXPECT_EQ(plan_to_file_json(saved->plan, saved->layout, path("plan.json")).dump() + "\n", read(path("plan.json")))
        << "writing what was read gives the same file";
  }
}

// The saved plan's format, byte for byte, as the writer of the first format_version printed it (nlohmann's dump(2) of
// the whole tree): plans saved by an older trustctl compare equal with what this one writes. "out/plan.json" names
// the site file ("sites/lab.toml") as "../sites/lab.toml" in every reason and source, wherever the test runs.
// The trustctl version is left out: it changes with every release.
TEST_F(PlanFile, SavedPlansMatchGolden) {
  for (auto [make, name] : {std::pair{&trustctl::testing::mixed_scenario, "mixed.plan.json"},
                            std::pair{&trustctl::testing::manual_scenario, "manual.plan.json"}}) {
    auto scenario = make();
    json doc = plan_to_file_json(scenario.plan(), scenario.site, "out/plan.json");
    ASSERT_EQ(doc["site"]["file"], "../sites/lab.toml");
    doc.erase("trustctl_version");
    EXPECT_TRUE(trustctl::testing::matches_golden(trustctl::testing::plans_golden_dir() / name, doc.dump(2) + "\n"));
  }
}

TEST_F(PlanFile, KeepsEverythingAnApplyNeeds) {
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  ASSERT_TRUE(write_plan_file(plan, s.site, path("plan.json")));
  auto read = read_plan_file(path("plan.json"), trustctl::providers::vos_units());
  ASSERT_TRUE(read) << read.error().describe();
  ASSERT_EQ(read->graph.size(), plan.graph.size());
  EXPECT_EQ(read->site_digest, plan.site_digest);
  EXPECT_EQ(read->site_file, std::filesystem::absolute("sites/lab.toml").lexically_normal().string());
  EXPECT_EQ(read->observed, plan.observed);
  for (std::size_t k = 0; k < plan.order.size(); ++k) {
    const Action& want = plan.graph.action(plan.order[k]);
    const Action& got = read->graph.action(read->order[k]);
    EXPECT_EQ(got.id(), want.id());
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.cluster, want.cluster);
    EXPECT_EQ(got.store, want.store);
    EXPECT_EQ(got.file, want.file);
    EXPECT_EQ(got.service, want.service);
    EXPECT_EQ(got.source_node, want.source_node);
    EXPECT_EQ(got.reason, want.reason);
    EXPECT_EQ(got.pending_from_journal, want.pending_from_journal);
    ASSERT_EQ(got.certificate.has_value(), want.certificate.has_value()) << want.id();
    if (want.certificate) {
      EXPECT_EQ(got.certificate->pem(), want.certificate->pem());
    }
    ASSERT_EQ(got.region.has_value(), want.region.has_value());
    if (want.region) {
      EXPECT_EQ(got.region->describe(), want.region->describe());
    }
  }
  // The same edges, between the same actions, with the same rules.
  auto edge_set = [](const Plan& p) {
    std::set<std::tuple<std::string, std::string, std::string>> out;
    for (auto [a, b] : p.graph.edges()) out.insert({p.graph.action(a).id(), p.graph.action(b).id(), p.graph.rule_of(a, b)});
    return out;
  };
  EXPECT_EQ(edge_set(*read), edge_set(plan));
  EXPECT_TRUE(std::any_of(plan.graph.actions().begin(), plan.graph.actions().end(),
                          [](const Action& a) { return a.pending_from_journal; }))
      << "the scenario covers a restart owed by the journal";
}

TEST_F(PlanFile, KeepsIdentityActionsAndNotes) {
  Plan plan;
  plan.site_name = "lab";
  Action renew;
  renew.kind = ActionKind::renew_identity;
  renew.node = "uccx1";
  renew.cluster = "uccx";
  renew.store = "tomcat";
  renew.issuer_ca = "corp-issuing";
  renew.reason = "the identity expires within 30 days";
  Action regen = renew;
  regen.kind = ActionKind::regenerate_identity;
  regen.node = "uccx2";
  regen.issuer_ca.clear();
  Action restart;
  restart.kind = ActionKind::restart_service;
  restart.node = "uccx1";
  restart.cluster = "uccx";
  restart.service = "Cisco Tomcat";
  restart.reason = "after the new identity";
  restart.orderings = {{"pcce:a+b", 1}, {"pcce:a+c", 0}};
  Action carry;  // the regenerated identity, carried to a peer in the same apply (known after apply)
  carry.kind = ActionKind::upload_trust;
  carry.node = "uccx1";
  carry.cluster = "uccx";
  carry.store = "tomcat-trust";
  carry.identity_node = "uccx2";
  carry.identity_unit = "tomcat";
  carry.reason = "a peer must trust it";
  auto a = plan.graph.add(renew), b = plan.graph.add(regen), c = plan.graph.add(restart), d = plan.graph.add(carry);
  plan.graph.order(a, c, "restarts-last");
  plan.graph.order(b, d, "identity-before-its-peers");
  plan.order = {a, b, c, d};
  plan.notes = {"the new certificate of uccx1 is known after apply"};
  plan.units = trustctl::providers::vos_units();  // as make_plan sets them: the estimate counts the tomcat pin
  Site site;
  site.name = "lab";
  site.clusters.push_back(trustctl::testing::make_cluster("uccx", Product::uccx, {"uccx1", "uccx2"}));

  ASSERT_TRUE(write_plan_file(plan, site, path("plan.json")));
  auto saved = read_saved_plan(path("plan.json"), trustctl::providers::vos_units());
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(saved->plan.graph.action(0).kind, ActionKind::renew_identity);
  EXPECT_EQ(saved->plan.graph.action(0).issuer_ca, "corp-issuing");
  EXPECT_EQ(saved->plan.graph.action(1).kind, ActionKind::regenerate_identity);
  EXPECT_EQ(saved->plan.graph.action(2).orderings, (std::vector<OrderingPhase>{{"pcce:a+b", 1}, {"pcce:a+c", 0}}));
  EXPECT_FALSE(saved->plan.graph.action(3).certificate.has_value());
  EXPECT_EQ(saved->plan.graph.action(3).identity_node, "uccx2");
  EXPECT_EQ(saved->plan.graph.action(3).identity_unit, "tomcat");
  EXPECT_EQ(saved->plan.graph.action(3).id(), carry.id());
  EXPECT_EQ(saved->plan.notes, plan.notes);
  EXPECT_EQ(render_text(saved->plan, saved->layout, {}), render_text(plan, site, {}));
}

// A saved plan keeps system restarts and each cluster's own restart policy, so `plan --from` says the same thing
// about what goes down.
TEST_F(PlanFile, KeepsSystemRestartsAndClusterRestartPolicies) {
  Plan plan;
  plan.site_name = "pcce";
  Action whole;
  whole.kind = ActionKind::restart_system;
  whole.node = "fin1";
  whole.cluster = "finesse";
  whole.reason = "the whole node goes down (restart = \"system\" for cluster finesse)";
  auto a = plan.graph.add(whole);
  plan.order = {a};
  Site site;
  site.name = "pcce";
  site.clusters.push_back(trustctl::testing::make_cluster("finesse", Product::finesse, {"fin1", "fin2"}));
  site.clusters.back().restart = RestartPolicy::system;

  ASSERT_TRUE(write_plan_file(plan, site, path("plan.json")));
  auto saved = read_saved_plan(path("plan.json"), trustctl::providers::vos_units());
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(saved->plan.graph.action(0).kind, ActionKind::restart_system);
  EXPECT_EQ(saved->plan.graph.action(0).id(), "fin1:restart-system");
  ASSERT_EQ(saved->layout.clusters.size(), 1u);
  EXPECT_EQ(saved->layout.clusters[0].restart, RestartPolicy::system);
  std::string text = render_text(saved->plan, saved->layout, {});
  EXPECT_TRUE(contains(text, "restart the whole node (utils system restart)")) << text;
  EXPECT_TRUE(contains(text, "finesse: fin1 (whole node)")) << text;
  EXPECT_EQ(text, render_text(plan, site, {}));
}

// A saved plan keeps restart_services, the site's and a cluster's own, so it renders the same restarts and the same
// estimate of the other choice.
TEST_F(PlanFile, KeepsRestartServices) {
  Site site;
  site.name = "lab";
  site.policy.restart_services = ServiceRestarts::together;
  site.clusters.push_back(trustctl::testing::make_cluster("uccx", Product::uccx, {"uccx1"}));
  site.clusters.push_back(trustctl::testing::make_cluster("sm", Product::socialminer, {"sm1"}));
  site.clusters.back().restart_services = ServiceRestarts::one_by_one;
  Plan plan;
  plan.site_name = "lab";
  plan.topology = topology_of(site);
  for (const char* service : {"Cisco Tomcat", "Cisco Unified CCX Engine"}) {
    Action restart;
    restart.kind = ActionKind::restart_service;
    restart.node = "uccx1";
    restart.cluster = "uccx";
    restart.service = service;
    plan.graph.add(restart);
  }
  apply_ordering_rules(plan.graph, plan.topology);
  plan.order = *plan.graph.topological_order();

  ASSERT_TRUE(write_plan_file(plan, site, path("plan.json")));
  auto saved = read_saved_plan(path("plan.json"), trustctl::providers::vos_units());
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(saved->layout.policy.restart_services, ServiceRestarts::together);
  ASSERT_EQ(saved->layout.clusters.size(), 2u);
  EXPECT_FALSE(saved->layout.clusters[0].restart_services.has_value());
  EXPECT_EQ(saved->layout.clusters[1].restart_services, ServiceRestarts::one_by_one);
  EXPECT_EQ(saved->plan.topology.at("uccx1").services, ServiceRestarts::together);
  EXPECT_EQ(saved->plan.topology.at("sm1").services, ServiceRestarts::one_by_one);
  std::string text = render_text(saved->plan, saved->layout, {});
  EXPECT_TRUE(contains(text, "uccx: uccx1 (2 services together)")) << text;
  EXPECT_TRUE(contains(text, "with restart_services = \"one-by-one\"")) << text;
  EXPECT_EQ(text, render_text(plan, site, {}));
}

TEST_F(PlanFile, HoldsPublicCertificatesOnly) {
  auto s = trustctl::testing::mixed_scenario();
  ASSERT_TRUE(write_plan_file(s.plan(), s.site, path("plan.json")));
  std::string text = read(path("plan.json"));
  EXPECT_TRUE(contains(text, "-----BEGIN CERTIFICATE-----"));
  EXPECT_FALSE(contains(text, "PRIVATE KEY"));
  // Each certificate once, however many actions name it (the root is uploaded on uccx1 and awaited on uccx2).
  auto doc = json::parse(text);
  EXPECT_EQ(doc["certificates"].size(), 4u) << "root, issuing, retired and partner";
}

TEST_F(PlanFile, WritesAtomicallyOverAnEarlierPlan) {
  auto s = trustctl::testing::mixed_scenario();
  write(path("plan.json"), "an older plan");
  ASSERT_TRUE(write_plan_file(s.plan(), s.site, path("plan.json")));
  EXPECT_TRUE(read_plan_file(path("plan.json"), trustctl::providers::vos_units()));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(m_dir)) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "plan.json") << "no temporary file is left behind";
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(PlanFile, UnwritablePathIsAClearError) {
  auto s = trustctl::testing::mixed_scenario();
  auto written = write_plan_file(s.plan(), s.site, path("no-such-dir/plan.json"));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::io);
  EXPECT_TRUE(contains(written.error().message, "no-such-dir/plan.json")) << written.error().message;
}

TEST_F(PlanFile, MissingOrMalformedFilesNameTheFileAndTheProblem) {
  auto missing = read_plan_file(path("absent.json"), trustctl::providers::vos_units());
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "absent.json")) << missing.error().message;

  write(path("broken.json"), "{\"format_version\": 1,");
  auto broken = read_plan_file(path("broken.json"), trustctl::providers::vos_units());
  ASSERT_FALSE(broken);
  EXPECT_TRUE(contains(broken.error().message, "broken.json: not valid JSON: parse error at line 1, column"))
      << broken.error().message;

  // JSON, but not what a plan file can hold: said as such, not as a syntax error.
  write(path("huge.json"), "{\"format_version\": 123456789012345678901234567890}");
  auto huge = read_plan_file(path("huge.json"), trustctl::providers::vos_units());
  ASSERT_FALSE(huge);
  EXPECT_TRUE(contains(huge.error().message, "huge.json: could not be parsed: ")) << huge.error().message;

  write(path("other.json"), "{\"name\": \"not a plan\"}");
  auto other = read_plan_file(path("other.json"), trustctl::providers::vos_units());
  ASSERT_FALSE(other);
  EXPECT_TRUE(contains(other.error().message, "other.json: no format_version")) << other.error().message;
}

TEST_F(PlanFile, RefusesOtherFormatVersions) {
  std::string newer = error_after([](json& d) { d["format_version"] = kPlanFormatVersion + 1; });
  EXPECT_TRUE(contains(newer, "edited.json: format_version 2 is not supported")) << newer;
  EXPECT_TRUE(contains(newer, "newer trustctl")) << newer;
  std::string text = error_after([](json& d) { d["format_version"] = "1"; });
  EXPECT_TRUE(contains(text, "format_version: expected an integer")) << text;
  // Quoted as written: get<int>() wrapped the largest unsigned 64-bit integer into -1.
  std::string huge = error_after([](json& d) { d["format_version"] = std::numeric_limits<std::uint64_t>::max(); });
  EXPECT_TRUE(contains(huge, "format_version 18446744073709551615 is not supported")) << huge;
  EXPECT_TRUE(contains(huge, "newer trustctl")) << huge;
}

TEST_F(PlanFile, RefusesTheJsonRenderingWithAHint) {
  auto s = trustctl::testing::mixed_scenario();
  write(path("rendered.json"), plan_to_json(s.plan()).dump(2));
  auto read = read_plan_file(path("rendered.json"), trustctl::providers::vos_units());
  ASSERT_FALSE(read);
  EXPECT_TRUE(contains(read.error().message, "--out")) << read.error().message;
}

TEST_F(PlanFile, RefusesEditedContentNamingTheField) {
  // A certificate swapped for another: the PEM no longer matches the fingerprint the plan showed.
  std::string swapped = error_after([](json& d) {
    std::string fingerprint = d["actions"][0]["certificate"]["fingerprint_sha256"];
    d["certificates"][fingerprint] = trustctl::testing::fixed_certificate("partner-root").pem();
  });
  EXPECT_TRUE(contains(swapped, "certificates.e7c9c67f935d01b0: the PEM does not match the fingerprint that names it"))
      << swapped;

  std::string missing = error_after([](json& d) {
    d["certificates"].erase(d["actions"][0]["certificate"]["fingerprint_sha256"].get<std::string>());
  });
  EXPECT_TRUE(contains(missing, "actions[0].certificate: certificate e7c9c67f935d01b0 is not in the file's "
                                "certificates table"))
      << missing;

  std::string not_pem = error_after([](json& d) { d["certificates"].begin().value() = "-----BEGIN CERTIFICATE-----"; });
  EXPECT_TRUE(contains(not_pem, "expected exactly one PEM certificate")) << not_pem;

  std::string backwards = error_after([](json& d) {
    d["edges"][0]["before"] = 5;
    d["edges"][0]["after"] = 1;
  });
  EXPECT_TRUE(contains(backwards, "edges[0]: points backwards in the run order (5 -> 1)")) << backwards;

  std::string dangling = error_after([](json& d) { d["edges"][0]["after"] = 100000; });
  EXPECT_TRUE(contains(dangling, "edges[0]: names an action that does not exist")) << dangling;

  std::string kind = error_after([](json& d) { d["actions"][1]["kind"] = "format-disk"; });
  EXPECT_TRUE(contains(kind, "actions[1].kind: unknown action kind 'format-disk'")) << kind;

  std::string type = error_after([](json& d) { d["actions"][2]["node"] = 7; });
  EXPECT_TRUE(contains(type, "actions[2].node: expected a string")) << type;

  std::string id = error_after([](json& d) { d["actions"][0]["node"] = "uccx9"; });
  EXPECT_TRUE(contains(id, "actions[0].id: ")) << "an action moved to another node no longer matches its id: " << id;

  std::string layout = error_after([](json& d) { d["layout"]["clusters"][0]["nodes"][0]["role"] = "leader"; });
  EXPECT_TRUE(contains(layout, "layout.clusters[0].nodes[0].role: expected publisher or subscriber")) << layout;
}

// apply reads a saved plan's certificates without decoding them (it only compares them): each is still checked
// against the fingerprint that names it, with the same errors.
TEST_F(PlanFile, CertificatesLeftForFirstUseAreCheckedByFingerprintAlike) {
  const auto later = CertificateDecoding::on_first_use;
  std::string swapped = error_after(
      [](json& d) {
        std::string fingerprint = d["actions"][0]["certificate"]["fingerprint_sha256"];
        d["certificates"][fingerprint] = trustctl::testing::fixed_certificate("partner-root").pem();
      },
      later);
  EXPECT_TRUE(contains(swapped, "certificates.e7c9c67f935d01b0: the PEM does not match the fingerprint that names it"))
      << swapped;
  std::string not_pem =
      error_after([](json& d) { d["certificates"].begin().value() = "-----BEGIN CERTIFICATE-----"; }, later);
  EXPECT_TRUE(contains(not_pem, "expected exactly one PEM certificate")) << not_pem;
  std::string two = error_after(
      [](json& d) {
        auto it = d["certificates"].begin();
        it.value() = it.value().get<std::string>() + trustctl::testing::fixed_certificate("partner-root").pem();
      },
      later);
  EXPECT_TRUE(contains(two, "expected exactly one PEM certificate")) << two;
  EXPECT_EQ(error_after([](json&) {}, later), "(read without error)");

  // Bytes that are not a certificate, named by their own SHA-256: only reading them as one tells. Read to render (its
  // names read), the file is refused; read for apply it is not (apply then finds it differs from what it recomputes:
  // reliability_test).
  auto forged = [](json& d) {
    const auto [pem, fingerprint] = trustctl::testing::pem_block_of("not a certificate");
    std::string old = d["actions"][0]["certificate"]["fingerprint_sha256"];
    d["certificates"].erase(old);
    d["certificates"][fingerprint] = pem;
    for (auto& a : d["actions"]) {
      if (a.contains("certificate") && a["certificate"]["fingerprint_sha256"] == old) {
        a["certificate"]["fingerprint_sha256"] = fingerprint;
        std::string id = a["id"];
        a["id"] = id.substr(0, id.size() - 16) + fingerprint.substr(0, 16);
      }
    }
  };
  std::string rendered = error_after(forged);
  EXPECT_TRUE(contains(rendered, "expected exactly one PEM certificate")) << rendered;
  EXPECT_EQ(error_after(forged, later), "(read without error)");

  // The table is read before the actions: its problem is the one reported, not a later action's.
  std::string both = error_after([&](json& d) {
    forged(d);
    d["actions"][0]["kind"] = "launch_missiles";
  });
  EXPECT_TRUE(contains(both, "certificates.")) << both;
  EXPECT_TRUE(contains(both, "expected exactly one PEM certificate")) << both;
  EXPECT_FALSE(contains(both, "launch_missiles")) << both;
  EXPECT_TRUE(contains(error_after([](json& d) { d["actions"][0]["kind"] = "launch_missiles"; }), "launch_missiles"));
}

// A member named twice (only a hand-edited file has one) reads as nlohmann reads it, the last: what `plan --from`
// shows is then what apply's comparison of the file sees.
TEST_F(PlanFile, AMemberNamedTwiceReadsAsItsLastOccurrence) {
  auto s = trustctl::testing::mixed_scenario();
  ASSERT_TRUE(write_plan_file(s.plan(), s.site, path("plan.json")));
  std::string text = read(path("plan.json"));
  const auto at = text.find("\"reason\":");
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "\"reason\":\"shown to nobody\",");
  write(path("plan.json"), text);
  auto saved = read_saved_plan(path("plan.json"), trustctl::providers::vos_units());
  ASSERT_TRUE(saved) << saved.error().describe();
  // nlohmann's reading: the reason as written, not the one inserted before it.
  EXPECT_NE(json::parse(text)["actions"][0]["reason"].get<std::string>(), "shown to nobody");
  const Plan& original = s.plan();
  EXPECT_EQ(saved->plan.graph.action(saved->plan.order[0]).reason,
            original.graph.action(original.order[0]).reason);
}

// A kind that needs a certificate (or a service, a source node, a file) and has none would reach the runner
// empty-handed: the file is refused when it is read, naming the action.
TEST_F(PlanFile, AnActionMissingWhatItsKindNeedsIsADecodeError) {
  auto strip = [](const char* kind, const char* field) {
    return [=](json& doc) {
      for (auto& a : doc["actions"]) {
        if (a["kind"] == kind) {
          a.erase(field);
          return;
        }
      }
      FAIL() << "no " << kind << " action in the scenario";
    };
  };
  EXPECT_NE(error_after(strip("upload-trust", "certificate")).find("needs a certificate"), std::string::npos);
  EXPECT_NE(error_after(strip("wait-replication", "certificate")).find("needs a certificate"), std::string::npos);
  EXPECT_NE(error_after(strip("delete-trust", "file")).find("needs a file"), std::string::npos);
  EXPECT_NE(error_after(strip("restart", "service")).find("needs a service"), std::string::npos);
}

// A plan and its site copied together to another checkout still find each other: the file names the site relative to
// itself, not to the directory trustctl ran in.
TEST_F(PlanFile, NamesTheSiteFileRelativeToThePlanFile) {
  auto s = trustctl::testing::mixed_scenario();
  std::filesystem::create_directories(path("a/plans"));
  s.site.file = path("a/site.toml");
  auto plan = s.plan();
  ASSERT_TRUE(write_plan_file(plan, s.site, path("a/plans/saved.tfplan")));
  EXPECT_EQ(json::parse(read(path("a/plans/saved.tfplan")))["site"]["file"], "../site.toml");
  std::filesystem::create_directories(path("b"));
  std::filesystem::rename(path("a"), path("b/a"));
  auto moved = read_saved_plan(path("b/a/plans/saved.tfplan"), trustctl::providers::vos_units());
  ASSERT_TRUE(moved) << moved.error().describe();
  EXPECT_EQ(moved->plan.site_file, path("b/a/site.toml").lexically_normal().string());
  EXPECT_TRUE(looks_like_plan_file(path("b/a/plans/saved.tfplan")));
}

// apply reads a saved plan once for both what it compares (the document as written) and what it runs (the plan, its
// strings naming the site file as this run names it).
TEST_F(PlanFile, HandsBackTheDocumentAsWrittenBesideThePlan) {
  auto s = trustctl::testing::mixed_scenario();  // its site file: sites/lab.toml, in the working directory
  std::filesystem::create_directories(path("out"));
  ASSERT_TRUE(write_plan_file(s.plan(), s.site, path("out/plan.json")));
  PlanAsWritten as_written;
  auto saved = read_saved_plan(path("out/plan.json"), trustctl::providers::vos_units(), &as_written);
  ASSERT_TRUE(saved) << saved.error().describe();
  auto parsed = plan_document_of(as_written, path("out/plan.json"));
  ASSERT_TRUE(parsed) << parsed.error().describe();
  const json& document = *parsed;
  EXPECT_EQ(document, json::parse(read(path("out/plan.json"))));
  EXPECT_EQ(as_written.text, read(path("out/plan.json")));
  // What apply compares first: the text the same plan would be written as now, for the same file.
  EXPECT_EQ(plan_file_text(s.plan(), s.site, path("out/plan.json")), as_written.text);
  const std::string written = document["site"]["file"].get<std::string>();  // relative to out/
  ASSERT_NE(written, "sites/lab.toml");
  std::size_t sources = 0;
  for (std::size_t k = 0; k < saved->plan.order.size(); ++k) {
    const Action& a = saved->plan.graph.action(saved->plan.order[k]);
    if (!a.region) continue;
    ++sources;
    EXPECT_EQ(a.region->describe().rfind("sites/lab.toml:", 0), 0u) << a.region->describe();
    EXPECT_EQ(document["actions"][k]["source"].get<std::string>().rfind(written + ":", 0), 0u);
  }
  EXPECT_GT(sources, 0u);
}

TEST_F(PlanFile, StaleReasonsListEveryDifference) {
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  EXPECT_TRUE(stale_reasons(plan, s.site, plan.observed).empty()) << "nothing changed: not stale";

  Site edited = s.site;
  edited.file_digest = std::string(64, 'b');
  auto site_changed = stale_reasons(plan, edited, plan.observed);
  ASSERT_EQ(site_changed.size(), 1u);
  EXPECT_TRUE(contains(site_changed[0], "the site file sites/lab.toml changed since the plan was made"))
      << site_changed[0];

  auto now = plan.observed;
  now["uccx2"] = std::string(64, 'c');
  now.erase("fin1");
  now["fin3"] = std::string(64, 'd');
  auto nodes = stale_reasons(plan, s.site, now);
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_TRUE(contains(nodes[0], "node fin1: the plan observed it, but it was not read now")) << nodes[0];
  EXPECT_TRUE(contains(nodes[1], "node uccx2: its stores changed")) << nodes[1];
  EXPECT_TRUE(contains(nodes[2], "node fin3: not in the plan")) << nodes[2];

  Site renamed = s.site;
  renamed.name = "prod";
  auto other_site = stale_reasons(plan, renamed, plan.observed);
  ASSERT_EQ(other_site.size(), 1u);
  EXPECT_TRUE(contains(other_site[0], "made for site 'lab'")) << other_site[0];
}

TEST_F(PlanFile, StaleReasonsSeeAChangedStoreThroughTheDigest) {
  // End to end through NodeState::digest: a certificate appearing on a node makes the saved plan stale.
  auto s = trustctl::testing::mixed_scenario();
  auto plan = s.plan();
  s.holds("uccx1", s.root);
  std::map<std::string, std::string> now;
  for (const auto& [name, state] : s.live.nodes) now[name] = state.digest();
  auto reasons = stale_reasons(plan, s.site, now);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_TRUE(contains(reasons[0], "node uccx1")) << reasons[0];
}

}  // namespace
}  // namespace trustctl::plans
