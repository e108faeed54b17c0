#pragma once
// Apply's progress on stderr. On a terminal: a live block of one line per node that is working or finished a moment
// ago ("uccx1  ↻ restart Cisco Tomcat  12.3s") under a status line, redrawn in place (ANSI cursor-up / clear-line) at
// most a few times per second; failures and skips are printed above the block for good, and at the end the block
// gives way to a per-node summary that stays on screen. Anywhere else (a pipe, a CI log) it writes the timestamped
// lines apply has always written, one per event, unchanged.
//
// The clock, the stream and the width are injected, so the frames are unit-tested without a terminal.

#include "cli/output/terminal.hpp"
#include "engine/exec/executor.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace trustctl::cli {

struct ProgressSettings {
  bool live = false;   // redraw a block (stderr is a terminal); otherwise plain lines
  int width = 80;      // terminal columns: block lines are cut to fit, since a wrapped line would break the redraw
  std::size_t total = 0;  // actions in the plan, for the status line (0: unknown)
  std::chrono::milliseconds redraw_interval{250};  // at most four frames a second
  std::chrono::milliseconds keep_finished{3000};   // how long a node's last finished action stays in the block
  std::size_t max_lines = 12;  // node lines in the block and in the final summary; the rest are counted
};

class ProgressDisplay {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;
  using LineSink = std::function<void(const std::string&)>;

  // live: frames go to `out`. Plain: each event is one line handed to `plain` (Terminal::progress stamps the time).
  // `term` decides colours only (NO_COLOR, --no-color); the layout follows settings.live.
  ProgressDisplay(ProgressSettings settings, const Terminal& term, std::ostream& out, LineSink plain,
                  Now now = Clock::now);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void started(const Action& action, int attempt);
  void finished(const Action& action, const ActionOutcome& outcome);

  // Redraws when a frame is due (elapsed times move even while no event arrives). The ticker calls it; tests too.
  void tick();
  // A thread calling tick() every redraw interval, until close(). Live mode only.
  void start_ticker();
  // Replaces the block with the final summary (live); nothing to do in plain mode. Idempotent.
  void close();

  // stderr as apply uses it: live when it is a terminal (TERM not "dumb"), its width, lines through term.progress.
  static std::unique_ptr<ProgressDisplay> for_stderr(const Terminal& term, std::size_t total);

 private:
  enum class State { running, done, failed, skipped };
  struct NodeLine {
    std::string node;
    State state = State::running;
    std::string mark;         // the action's mark (+, -, ⏳, ↻, ~)
    std::string what;         // the action's description, with "(attempt N)" on retries
    Clock::time_point since;  // when the current action started (first attempt)
    Clock::time_point last_change;
    Clock::time_point first_start;
    bool has_started = false;
    int done = 0;
    int failed = 0;
    int skipped = 0;
  };

  NodeLine& line_for(const std::string& node);
  // Draws now if the last frame is old enough; otherwise the ticker will.
  void render_if_due(Clock::time_point now, bool force = false);
  void render(Clock::time_point now);
  std::vector<std::string> block(Clock::time_point now) const;
  std::vector<std::string> summary(Clock::time_point now) const;
  std::string node_line(const NodeLine& line, Clock::time_point now, std::size_t name_width) const;
  std::string status_line(Clock::time_point now) const;
  std::string erase_block() const;

  ProgressSettings m_settings;
  const Terminal& m_term;
  std::ostream& m_out;
  LineSink m_plain;
  Now m_now;

  std::mutex m_mutex;
  std::vector<NodeLine> m_lines;              // in the order nodes first appeared
  std::map<std::string, std::size_t> m_index;  // node -> position in m_lines
  std::vector<std::string> m_permanent;       // lines to print above the block at the next frame
  std::size_t m_drawn = 0;                    // lines of the block on screen now
  Clock::time_point m_begin;
  Clock::time_point m_last_frame{};
  bool m_dirty = false;
  bool m_closed = false;
  int m_done = 0;
  int m_failed = 0;
  int m_skipped = 0;

  std::thread m_ticker;
  std::condition_variable m_wake;
};

// "0.4s", "12.3s", "1m02s", "1h05m": short enough for a line that must fit the terminal.
std::string format_elapsed(std::chrono::duration<double> elapsed);

// Cuts text to at most `columns` terminal columns (UTF-8 aware, no escape sequences expected), ending in "…" when cut.
std::string fit_columns(const std::string& text, std::size_t columns);
std::size_t display_columns(const std::string& text);

}  // namespace trustctl::cli
