#include "cli/output/progress_display.hpp"

#include "support/test_actions.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>
#include <thread>

namespace trustctl::cli {
namespace {

using namespace std::chrono_literals;
using Clock = ProgressDisplay::Clock;

using testing::restart;

Action delete_file(const std::string& node, const std::string& file) {
  Action a;
  a.kind = ActionKind::delete_trust;
  a.node = node;
  a.store = "tomcat-trust";
  a.file = file;
  return a;
}

ActionOutcome outcome(ActionStatus status, double seconds = 1.0) {
  ActionOutcome o;
  o.status = status;
  o.seconds = seconds;
  o.attempts = 1;
  return o;
}

// What a VT100 shows after the bytes: just the sequences the display uses (CR, LF, cursor up, clear line, clear
// below), so a test can assert the screen rather than the escape codes.
class Screen {
 public:
  void write(const std::string& bytes) {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const char c = bytes[i];
      if (c == '\r') {
        m_col = 0;
      } else if (c == '\n') {  // the tty's output processing makes it CR LF
        ++m_row;
        m_col = 0;
      } else if (c == '\033' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
        std::size_t j = i + 2;
        int n = 0;
        bool has_n = false;
        while (j < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[j]))) {
          n = n * 10 + (bytes[j] - '0');
          has_n = true;
          ++j;
        }
        const char op = bytes[j];
        if (op == 'A') m_row -= has_n ? n : 1;
        if (op == 'K') row().clear(), m_col = 0;
        if (op == 'J') {
          row().resize(std::min(row().size(), m_col));
          m_rows.resize(static_cast<std::size_t>(m_row) + 1);
        }
        // 'm' sets colours, which take no room on screen.
        ASSERT_TRUE(op == 'A' || op == 'K' || op == 'J' || op == 'm') << "unexpected sequence " << op;
        ASSERT_GE(m_row, 0) << "the cursor went above the screen";
        i = j;
      } else {
        std::string& r = row();
        if (r.size() < m_col) r.resize(m_col, ' ');
        r.replace(m_col, 1, 1, c);
        ++m_col;
      }
    }
  }
  // The visible rows, without the empty one the cursor waits on.
  std::vector<std::string> rows() const {
    std::vector<std::string> out = m_rows;
    while (!out.empty() && out.back().empty()) out.pop_back();
    return out;
  }

 private:
  std::string& row() {
    if (m_rows.size() <= static_cast<std::size_t>(m_row)) m_rows.resize(static_cast<std::size_t>(m_row) + 1);
    return m_rows[static_cast<std::size_t>(m_row)];
  }
  std::vector<std::string> m_rows;
  int m_row = 0;
  std::size_t m_col = 0;
};

// A live display on a fake terminal with a hand-moved clock.
struct LiveHarness {
  Clock::time_point now = Clock::time_point{} + 1000h;
  std::ostringstream out;
  std::size_t consumed = 0;
  Terminal term;  // no colour: NO_COLOR only changes colours, never the layout
  Screen screen;
  std::vector<std::string> plain;
  std::unique_ptr<ProgressDisplay> display;

  explicit LiveHarness(ProgressSettings settings = {}) {
    settings.live = true;
    display = std::make_unique<ProgressDisplay>(
        settings, term, out, [this](const std::string& l) { plain.push_back(l); }, [this] { return now; });
  }
  // Bytes written since the last call, fed to the screen.
  std::string take() {
    std::string all = out.str();
    std::string fresh = all.substr(consumed);
    consumed = all.size();
    screen.write(fresh);
    return fresh;
  }
  void advance(std::chrono::milliseconds by) { now += by; }
};

TEST(ProgressDisplay, LiveBlockShowsOneLinePerWorkingNodeWithItsActionAndElapsedTime) {
  ProgressSettings settings;
  settings.total = 3;
  LiveHarness h(settings);
  h.display->started(restart("uccx1"), 1);
  h.take();
  EXPECT_EQ(h.screen.rows(), (std::vector<std::string>{"uccx1  ↻ restart Cisco Tomcat  0.0s",
                                                       "0/3 done, 1 running · 0.0s"}));

  h.advance(12300ms);
  h.display->started(delete_file("sm1", "old.pem"), 1);
  h.take();
  EXPECT_EQ(h.screen.rows(),
            (std::vector<std::string>{"uccx1  ↻ restart Cisco Tomcat  12.3s",
                                      "sm1    - delete old.pem from tomcat-trust (old.pem)  0.0s",
                                      "0/3 done, 2 running · 12.3s"}));
  EXPECT_TRUE(h.plain.empty()) << "a terminal gets frames, not log lines";
}

TEST(ProgressDisplay, RedrawsAtMostFourTimesASecondWhateverTheEventRate) {
  LiveHarness h;
  int frames = 0;
  for (int k = 0; k < 100; ++k) {
    h.display->started(restart("n" + std::to_string(k % 5), "S" + std::to_string(k)), 1);
    h.display->finished(restart("n" + std::to_string(k % 5), "S" + std::to_string(k)), outcome(ActionStatus::done));
    h.advance(10ms);  // 100 events pairs in one second
    h.display->tick();
    const std::string fresh = h.take();
    for (std::size_t pos = 0; (pos = fresh.find("\033[J", pos)) != std::string::npos; ++pos) ++frames;
  }
  EXPECT_GE(frames, 3);
  EXPECT_LE(frames, 5) << "one immediate frame, then one per 250 ms";
  // The last state is still drawn once the interval has passed.
  h.advance(300ms);
  h.display->tick();
  h.take();
  EXPECT_EQ(h.screen.rows().back(), "100 done, 0 running · 1.3s");
}

TEST(ProgressDisplay, ElapsedTimeMovesOnTicksWithoutEvents) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.take();
  h.advance(65s);
  h.display->tick();
  h.take();
  EXPECT_EQ(h.screen.rows().front(), "uccx1  ↻ restart Cisco Tomcat  1m05s");
}

TEST(ProgressDisplay, FinishedNodesStayBrieflyThenLeaveTheBlock) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.display->started(restart("uccx2"), 1);
  h.advance(1s);
  h.display->finished(restart("uccx1"), outcome(ActionStatus::done));
  h.take();
  EXPECT_EQ(h.screen.rows(), (std::vector<std::string>{"uccx2  ↻ restart Cisco Tomcat  1.0s",
                                                       "uccx1  ✓ restart Cisco Tomcat  done",
                                                       "1 done, 1 running · 1.0s"}));
  h.advance(4s);
  h.display->tick();
  h.take();
  EXPECT_EQ(h.screen.rows(), (std::vector<std::string>{"uccx2  ↻ restart Cisco Tomcat  5.0s",
                                                       "1 done, 1 running · 5.0s"}))
      << "gone after keep_finished; the block shrank without leftovers";
}

TEST(ProgressDisplay, FailuresAndSkipsArePrintedAboveTheBlockForGood) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.advance(1s);
  ActionOutcome failed = outcome(ActionStatus::failed);
  failed.error = Error(ErrorCode::appliance_refused, "the appliance answered: no");
  h.display->finished(restart("uccx1"), failed);
  ActionOutcome skipped = outcome(ActionStatus::skipped);
  skipped.skipped_because = "uccx1:restart:Cisco Tomcat";
  h.display->finished(restart("uccx2"), skipped);  // within the redraw interval: printed with the next frame
  h.advance(300ms);
  h.display->tick();
  h.take();
  auto rows = h.screen.rows();
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0], "uccx1: restart Cisco Tomcat FAILED: the appliance answered: no");
  EXPECT_EQ(rows[1], "uccx2: restart Cisco Tomcat skipped (after uccx1:restart:Cisco Tomcat)");

  // Later frames redraw only the block: the two lines stay where they are, printed once.
  h.display->started(restart("uccx3"), 1);
  h.advance(10s);
  h.display->tick();
  const std::string later = h.take();
  EXPECT_EQ(later.find("FAILED:"), std::string::npos);
  rows = h.screen.rows();
  EXPECT_EQ(rows[0], "uccx1: restart Cisco Tomcat FAILED: the appliance answered: no");
  EXPECT_EQ(rows[2], "uccx3  ↻ restart Cisco Tomcat  10.0s");
}

TEST(ProgressDisplay, LinesAreCutToTheTerminalWidthSoTheRedrawNeverWraps) {
  ProgressSettings settings;
  settings.width = 40;
  LiveHarness h(settings);
  h.display->started(delete_file("uccx1", "a-very-long-certificate-file-name-that-cannot-fit.pem"), 1);
  h.advance(2s);
  h.display->tick();
  h.take();
  for (const auto& row : h.screen.rows()) EXPECT_LE(display_columns(row), 39u) << row;
  EXPECT_EQ(h.screen.rows().front(), "uccx1  - delete a-very-long-cert…  2.0s");
}

TEST(ProgressDisplay, RetriesShowTheAttemptAndTheTimeSinceTheFirst) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.advance(3s);
  h.display->started(restart("uccx1"), 2);
  h.take();
  EXPECT_EQ(h.screen.rows().front(), "uccx1  ↻ restart Cisco Tomcat (attempt 2)  3.0s");
}

TEST(ProgressDisplay, CloseLeavesAPerNodeSummaryAndNothingOfTheBlock) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.advance(2s);
  h.display->finished(restart("uccx1"), outcome(ActionStatus::done));
  h.display->started(restart("uccx2"), 1);
  h.advance(1500ms);
  ActionOutcome failed = outcome(ActionStatus::failed);
  failed.error = Error(ErrorCode::timeout, "slow");
  h.display->finished(restart("uccx2"), failed);
  h.display->close();
  h.take();
  EXPECT_EQ(h.screen.rows(), (std::vector<std::string>{"uccx2: restart Cisco Tomcat FAILED: slow",
                                                       "uccx2  ✗ 0 done, 1 failed  1.5s",
                                                       "uccx1  ✓ 1 done  2.0s",
                                                       "1 done, 1 failed in 3.5s"}));
  // Closed means closed: a late tick draws nothing.
  h.advance(1s);
  h.display->tick();
  EXPECT_EQ(h.take(), "");
}

TEST(ProgressDisplay, ColoursFollowTheTerminalNotTheLayout) {
  LiveHarness h;
  h.term.color = true;
  h.display->started(restart("uccx1"), 1);
  h.advance(1s);
  h.display->finished(restart("uccx1"), outcome(ActionStatus::done));
  const std::string bytes = h.take();
  EXPECT_NE(bytes.find("\033[32m✓\033[0m"), std::string::npos) << bytes;
}

TEST(ProgressDisplay, TheTickerRedrawsOnItsOwn) {
  LiveHarness h;
  h.display->started(restart("uccx1"), 1);
  h.advance(5s);  // before the ticker runs: the clock is read from its thread
  h.display->start_ticker();
  std::this_thread::sleep_for(700ms);
  h.display->close();
  EXPECT_NE(h.out.str().find("restart Cisco Tomcat  5.0s"), std::string::npos) << "a frame no event asked for";
}

TEST(ProgressDisplay, OffATerminalItWritesTheTimestampedLinesApplyAlwaysWrote) {
  std::ostringstream out;
  Terminal term;
  std::vector<std::string> lines;
  ProgressSettings settings;  // not live
  ProgressDisplay display(settings, term, out, [&](const std::string& l) { lines.push_back(l); });
  display.start_ticker();
  display.started(restart("uccx1"), 1);
  display.started(restart("uccx1"), 2);
  display.finished(restart("uccx1"), outcome(ActionStatus::done, 12.34));
  ActionOutcome failed = outcome(ActionStatus::failed);
  failed.error = Error(ErrorCode::appliance_refused, "no");
  display.finished(restart("uccx2"), failed);
  ActionOutcome skipped = outcome(ActionStatus::skipped);
  skipped.skipped_because = "uccx2:restart:Cisco Tomcat";
  display.finished(restart("uccx3"), skipped);
  display.close();
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "uccx1: restart Cisco Tomcat ...",
                       "uccx1: restart Cisco Tomcat (attempt 2) ...",
                       "uccx1: restart Cisco Tomcat done (12.3 s)",
                       "uccx2: restart Cisco Tomcat FAILED: no",
                       "uccx3: restart Cisco Tomcat skipped (after uccx2:restart:Cisco Tomcat)",
                   }));
  EXPECT_EQ(out.str(), "") << "no escape sequences, no summary block";
}

TEST(ProgressDisplay, ElapsedTimesAreShort) {
  EXPECT_EQ(format_elapsed(std::chrono::milliseconds(400)), "0.4s");
  EXPECT_EQ(format_elapsed(std::chrono::milliseconds(12340)), "12.3s");
  EXPECT_EQ(format_elapsed(std::chrono::seconds(62)), "1m02s");
  EXPECT_EQ(format_elapsed(std::chrono::seconds(3900)), "1h05m");
}

TEST(ProgressDisplay, FittingCountsColumnsNotBytes) {
  EXPECT_EQ(display_columns("⏳ wait"), 6u);
  EXPECT_EQ(fit_columns("↻ restart Cisco Tomcat", 10), "↻ restart…");
  EXPECT_EQ(fit_columns("short", 10), "short");
}

}  // namespace
}  // namespace trustctl::cli
