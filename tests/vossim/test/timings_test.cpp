// Timings close to real appliances: --restart-ms SERVICE=N, --system-restart-ms, --command-latency-ms CLASS=N (plain
// N keeps working), --first-prompt-ms and --appliance-timings (tests/vossim/README.md, "Timings"). The flag parsers,
// then the interpreter playing them out; the binary's first prompt is in type_ahead_test.cpp.

#include "tests/vossim/cli_interpreter.hpp"
#include "tests/vossim/messages.hpp"
#include "tests/vossim/test/sim_process.hpp"
#include "tests/vossim/test/test_support.hpp"
#include "tests/vossim/timings.hpp"

#include <gtest/gtest.h>

namespace vossim {
namespace {

using namespace std::chrono_literals;

TEST(TimingsTest, RestartFlagsTakeEveryServiceOrOneService) {
  Timings t;
  ASSERT_TRUE(apply_restart_flag(t, "1500").has_value());
  ASSERT_TRUE(apply_restart_flag(t, "Cisco Tomcat=240000").has_value());
  EXPECT_EQ(t.restart_for("Cisco Tomcat"), 240000ms);
  EXPECT_EQ(t.restart_for("cisco tomcat"), 240000ms) << "service names as the CLI takes them, any case";
  EXPECT_EQ(t.restart_for("Cisco Unified CCX Engine"), 1500ms);
  EXPECT_EQ(t.system_restart_duration(), 1500ms) << "a system restart lasts --restart-ms unless told otherwise";
  t.system_restart = 9000ms;
  EXPECT_EQ(t.system_restart_duration(), 9000ms);
  for (const char* bad : {"", "soon", "-5", "Cisco Tomcat=", "Cisco Tomcat=ten"}) {
    auto refused = apply_restart_flag(t, bad);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_NE(refused.error().message.find("--restart-ms wants N or SERVICE=N"), std::string::npos);
  }
}

TEST(TimingsTest, LatencyFlagsTakeEveryClassOrOneClass) {
  Timings t = appliance_timings();
  ASSERT_TRUE(apply_latency_flag(t, "250").has_value());  // a plain N is every class, the preset's included
  for (CommandClass c : all_command_classes()) EXPECT_EQ(t.latency_for(c), 250ms) << to_string(c);
  ASSERT_TRUE(apply_latency_flag(t, "service-list=4000").has_value());
  EXPECT_EQ(t.latency_for(CommandClass::service_list), 4000ms);
  EXPECT_EQ(t.latency_for(CommandClass::show), 250ms);
  auto refused = apply_latency_flag(t, "lunch=5");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("show, service-list, restart, import, csr, regen, delete"), std::string::npos)
      << refused.error().message;
}

TEST(TimingsTest, TheApplianceTimingsAreTheDocumentedOnes) {
  const Timings t = appliance_timings();
  EXPECT_EQ(t.first_prompt, 12s);
  EXPECT_EQ(t.restart_for("Cisco Tomcat"), 240s);
  EXPECT_EQ(t.restart_for("Cisco Finesse Tomcat"), 240s);
  EXPECT_EQ(t.restart_for("Cisco Unified CCX Engine"), 120s);
  EXPECT_EQ(t.system_restart_duration(), 900s);
  EXPECT_EQ(t.latency_for(CommandClass::show), 1s);
  EXPECT_EQ(t.latency_for(CommandClass::restart), 0ms);
}

class TimedCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_node = std::make_unique<SimNode>(NodeSpec{"uccx1", "uccx1.lab.example", "uccx", trustctl::Product::uccx,
                                                trustctl::Role::publisher},
                                       m_dir.path() / "uccx1");
    ASSERT_TRUE(m_node->load_or_initialize().has_value());
  }
  std::unique_ptr<CliInterpreter> cli(const Timings& timings) {
    CliSettings settings;
    settings.timings = timings;
    auto interpreter = std::make_unique<CliInterpreter>(*m_node, settings);
    interpreter->start();
    interpreter->feed("set cli pagination off\r");
    return interpreter;
  }
  test::TempDir m_dir;
  std::unique_ptr<SimNode> m_node;
};

TEST_F(TimedCliTest, EachServiceRestartsForItsOwnDuration) {
  Timings t;
  t.restart = 1000ms;
  t.restart_by_service["Cisco Tomcat"] = 4000ms;
  auto interpreter = cli(t);
  EXPECT_EQ(interpreter->feed("utils service restart Cisco Tomcat\r").total_delay(), 4000ms);
  EXPECT_EQ(interpreter->feed("utils service restart Cisco Unified CCX Engine\r").total_delay(), 1000ms);
}

TEST_F(TimedCliTest, ASystemRestartKeepsTheNodeDownForItsOwnDuration) {
  Timings t;
  t.restart = 1000ms;
  t.system_restart = 5000ms;
  auto interpreter = cli(t);
  interpreter->feed("utils system restart\r");
  const auto before = Clock::now();
  const auto out = interpreter->feed("yes\r");
  EXPECT_TRUE(out.drop);
  EXPECT_TRUE(m_node->is_down(before + 4s));
  EXPECT_FALSE(m_node->is_down(before + 6s));
}

TEST_F(TimedCliTest, EachCommandClassWaitsItsOwnLatency) {
  Timings t;
  t.command_latency = 100ms;
  t.latency_by_class = {{CommandClass::show, 700ms}, {CommandClass::service_list, 2000ms}, {CommandClass::csr, 300ms}};
  auto interpreter = cli(t);
  EXPECT_EQ(interpreter->feed("show cert list own\r").total_delay(), 700ms);
  EXPECT_EQ(interpreter->feed("utils service list\r").total_delay(), 2000ms);
  EXPECT_EQ(interpreter->feed("set cli pagination off\r").total_delay(), 100ms) << "other commands";
  // The CSR's latency before its question and again before its answer's output.
  EXPECT_EQ(interpreter->feed("set csr gen tomcat\r").total_delay(), 300ms);
  EXPECT_EQ(interpreter->feed("yes\r").total_delay(), 300ms);
}

TEST(TimingsProcessTest, BadTimingFlagsAreAStartupErrorNamingTheFlag) {
  test::TempDir dir;
  std::ofstream(dir.path() / "site.toml") << "version = 1\n[site]\nname = \"t\"\ndomain = \"lab.example\"\n";
  test::SimProcess sim(dir.path() / "site.toml", dir.path(), {"--restart-ms", "Cisco Tomcat=soon"});
  EXPECT_EQ(sim.wait_ready(), "");
  EXPECT_EQ(sim.terminate_and_wait(false), 1);
  EXPECT_NE(sim.stderr_text().find("--restart-ms wants N or SERVICE=N"), std::string::npos) << sim.stderr_text();
}

}  // namespace
}  // namespace vossim
