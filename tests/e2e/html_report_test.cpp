// `trustctl report`: the HTML page of examples/uccx-full.toml, before and after apply, rendered by a real browser
// (headless Chromium). The DOM must hold the trust map with every node's name, the verify matrix and the expiry
// timeline; the screenshot is kept in the build tree's test-output/html_report/ for people to look at.

#include "support/lab.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace trustctl::testing {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

// The part of the DOM between `<svg id="ID"` and its `</svg>` (the report's SVGs do not nest).
std::string svg_by_id(const std::string& dom, const std::string& id) {
  auto start = dom.find("<svg id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  auto end = dom.find("</svg>", start);
  return end == std::string::npos ? "" : dom.substr(start, end - start);
}

// Headless Chromium, with a profile of its own and every host name unresolvable: a page that tried to fetch
// anything would render without it.
RunResult chromium(const fs::path& profile, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                "--user-data-dir=" + profile.string(), "--host-resolver-rules=MAP * ~NOTFOUND"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, "", std::chrono::seconds(120));
}

class HtmlReport : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("trustctl-html-report-" + std::to_string(getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
    // examples/uccx-full.toml as shipped, moved to this test's loopback subnet (127.0.151.x).
    std::string site = read_text(fs::path(TRUSTCTL_SOURCE_DIR) / "examples/uccx-full.toml");
    site = std::regex_replace(site, std::regex("127\\.0\\.2\\."), "127.0.151.");
    write_text(m_dir / "site.toml", site);
    fs::copy(fs::path(TRUSTCTL_SOURCE_DIR) / "examples/pki", m_dir / "pki", fs::copy_options::recursive);
    setenv("LAB_OS_ADMIN_PASSWORD", "html-report-secret", 1);
    // The partner's real root key is not in the repository: stand up a partner with a root made here.
    auto root = make_root("Partner Root CA");
    auto key = *pki::KeyPair::generate("ec-256");
    auto leaf = *pki::issue_certificate({.common_name = "api.partner.example", .dns_names = {"api.partner.example"}},
                                        key, &root.certificate, root.key);
    write_text(m_dir / "pki/partner-root.pem", root.certificate.pem());
    write_text(m_dir / "partner-chain.pem", leaf.pem() + root.certificate.pem());
    write_text(m_dir / "partner.key", key.private_pem());
    m_sim = std::make_unique<Server>(
        std::vector<std::string>{VOS_SIM_BIN, site_file(), "--state-dir", (m_dir / "sim").string(),
                                 "--replication-delay-ms", "200", "--restart-ms", "100", "--identity-wait-ms",
                                 "120000", "--external",
                                 "partner=" + (m_dir / "partner-chain.pem").string() + ":" +
                                     (m_dir / "partner.key").string()},
        "nodes listening");
  }
  void TearDown() override {
    m_sim.reset();
    fs::remove_all(m_dir);
  }

  std::string site_file() const { return (m_dir / "site.toml").string(); }

  // Writes the report and returns the DOM Chromium built from it.
  std::string report_dom(const std::string& name) {
    fs::path html = m_dir / (name + ".html");
    auto report = run({TRUSTCTL_BIN, "report", site_file(), "--out", html.string()});
    EXPECT_EQ(report.exit_code, 0) << report.out << report.err;
    std::string page = read_text(html);
    for (const char* outside : {"<script", "<link", " src=", "@import", "url(http", "<iframe"}) {
      EXPECT_FALSE(contains(page, outside)) << name << ": the page must be self-contained, but holds " << outside;
    }
    EXPECT_FALSE(contains(page, "html-report-secret")) << "the password never reaches the report";
    auto dom = chromium(m_dir / "profile", {"--dump-dom", "file://" + html.string()});
    EXPECT_EQ(dom.exit_code, 0) << dom.err;
    return dom.out;
  }

  fs::path m_dir;
  std::unique_ptr<Server> m_sim;
};

TEST_F(HtmlReport, ChromiumShowsEveryNodeTheVerifyMatrixAndTheExpiryTimelineBeforeAndAfterApply) {
  const std::vector<std::string> nodes = {"uccx1", "uccx2", "sm1", "ms1", "cucm1", "partner"};

  // Before apply the integrations' trust is missing: the map draws those relations as not in place.
  std::string before = report_dom("before");
  std::string map_before = svg_by_id(before, "trust-map");
  ASSERT_FALSE(map_before.empty()) << before.substr(0, 2000);
  EXPECT_GT(count(map_before, "class=\"relation rel-failing\""), 0u) << map_before;
  EXPECT_TRUE(contains(before, "<td class=\"fail\">FAIL</td>"));

  auto apply = run({TRUSTCTL_BIN, "apply", site_file(), "--auto-approve"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  std::string dom = report_dom("after");
  std::string map = svg_by_id(dom, "trust-map");
  ASSERT_FALSE(map.empty()) << dom.substr(0, 2000);
  for (const auto& node : nodes) {
    EXPECT_TRUE(contains(map, "data-node=\"" + node + "\"")) << node << " is not drawn";
    EXPECT_TRUE(contains(map, ">" + node + "</text>")) << node << " is not labelled";
  }
  // uccx trusts sm1, ms1, cucm1 and partner; sm1 and ms1 trust each UCCX node: every relation in place.
  EXPECT_GE(count(map, "class=\"relation rel-ok\""), 10u) << map;
  EXPECT_EQ(count(map, "class=\"relation rel-failing\""), 0u) << map;

  // The verify matrix: every node's ports, all ok.
  ASSERT_TRUE(contains(dom, "<table id=\"verify-matrix\">"));
  for (const auto& node : nodes) EXPECT_TRUE(contains(dom, "<tr class=\"\" data-node=\"" + node + "\">")) << node;
  EXPECT_FALSE(contains(dom, "<td class=\"fail\">FAIL</td>"));

  // The expiry timeline and its table, today marked; the plan has nothing left to do; the apply is listed.
  std::string timeline = svg_by_id(dom, "expiry-timeline");
  ASSERT_FALSE(timeline.empty());
  EXPECT_TRUE(contains(timeline, "id=\"today\""));
  EXPECT_GE(count(timeline, "<g class=\"cert "), 10u);
  EXPECT_TRUE(contains(dom, "<table id=\"expiry-table\">"));
  EXPECT_TRUE(contains(dom, "No changes"));
  EXPECT_EQ(count(dom, "<table id=\"applies\">"), 1u);

  // The screenshot, kept for people to look at.
  fs::path out_dir = fs::path(TRUSTCTL_TEST_OUTPUT_DIR) / "html_report";
  fs::create_directories(out_dir);
  fs::copy_file(m_dir / "after.html", out_dir / "uccx-full.html", fs::copy_options::overwrite_existing);
  fs::path png = out_dir / "uccx-full.png";
  fs::remove(png);
  auto shot = chromium(m_dir / "profile", {"--window-size=1400,2600", "--hide-scrollbars",
                                           "--screenshot=" + png.string(), "file://" + (m_dir / "after.html").string()});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::string bytes = read_text(png);
  ASSERT_GT(bytes.size(), 20000u) << "a page of tables and drawings, not a blank image";
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace trustctl::testing
