#include "cli/output/progress_display.hpp"

#include "engine/model/printable.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace trustctl::cli {
namespace {

// ANSI sequences: every terminal apply runs on understands these (VT100).
constexpr std::string_view kClearLine = "\033[2K";
constexpr std::string_view kClearBelow = "\033[J";
std::string cursor_up(std::size_t lines) { return "\033[" + std::to_string(lines) + "A"; }

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

std::string pad_right(const std::string& text, std::size_t columns) {
  const std::size_t have = display_columns(text);
  return have >= columns ? text : text + std::string(columns - have, ' ');
}

}  // namespace

std::size_t display_columns(const std::string& text) {
  // One column per code point: the marks (⏳ ↻ ✓ ✗ …) and node names are narrow; wide CJK text is not expected here.
  std::size_t columns = 0;
  for (unsigned char c : text) columns += is_continuation(c) ? 0 : 1;
  return columns;
}

std::string fit_columns(const std::string& text, std::size_t columns) {
  if (display_columns(text) <= columns) return text;
  if (columns == 0) return {};
  std::size_t kept = 0;
  std::size_t end = 0;
  while (end < text.size()) {
    std::size_t next = end + 1;
    while (next < text.size() && is_continuation(static_cast<unsigned char>(text[next]))) ++next;
    if (kept + 1 > columns - 1) break;  // leave one column for the ellipsis
    ++kept;
    end = next;
  }
  return text.substr(0, end) + "…";
}

std::string format_elapsed(std::chrono::duration<double> elapsed) {
  const double s = std::max(0.0, elapsed.count());
  char out[32];
  if (s < 60) {
    std::snprintf(out, sizeof out, "%.1fs", s);
  } else if (s < 3600) {
    const int whole = static_cast<int>(s);
    std::snprintf(out, sizeof out, "%dm%02ds", whole / 60, whole % 60);
  } else {
    const int whole = static_cast<int>(s);
    std::snprintf(out, sizeof out, "%dh%02dm", whole / 3600, (whole % 3600) / 60);
  }
  return out;
}

ProgressDisplay::ProgressDisplay(ProgressSettings settings, const Terminal& term, std::ostream& out, LineSink plain,
                                 Now now)
    : m_settings(settings), m_term(term), m_out(out), m_plain(std::move(plain)), m_now(std::move(now)) {
  m_begin = m_now();
}

ProgressDisplay::~ProgressDisplay() { close(); }

std::unique_ptr<ProgressDisplay> ProgressDisplay::for_stderr(const Terminal& term, std::size_t total) {
  ProgressSettings settings;
  const char* kind = std::getenv("TERM");
  settings.live = ::isatty(STDERR_FILENO) != 0 && !(kind && std::string_view(kind) == "dumb");
  winsize size{};
  if (settings.live && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) settings.width = size.ws_col;
  settings.total = total;
  auto display = std::make_unique<ProgressDisplay>(settings, term, std::cerr,
                                                   [&term](const std::string& line) { term.progress(line); });
  display->start_ticker();
  return display;
}

ProgressDisplay::NodeLine& ProgressDisplay::line_for(const std::string& node) {
  auto [it, added] = m_index.try_emplace(node, m_lines.size());
  if (added) {
    m_lines.emplace_back();
    m_lines.back().node = node;
  }
  return m_lines[it->second];
}

void ProgressDisplay::started(const Action& action, int attempt) {
  const std::string retry = attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : "";
  if (!m_settings.live) {
    m_plain(action.node + ": " + printable(action.describe()) + retry + " ...");
    return;
  }
  std::lock_guard lock(m_mutex);
  const auto now = m_now();
  NodeLine& line = line_for(action.node);
  line.state = State::running;
  line.mark = action_mark(action.kind);
  line.what = printable(action.describe()) + retry;
  if (attempt == 1) line.since = now;  // elapsed counts every attempt, like the outcome's seconds
  if (!line.has_started) line.first_start = now;
  line.has_started = true;
  line.last_change = now;
  render_if_due(now);
}

void ProgressDisplay::finished(const Action& action, const ActionOutcome& outcome) {
  if (!m_settings.live) {
    char took[32];
    std::snprintf(took, sizeof took, "%.1f s", outcome.seconds);
    const std::string head = action.node + ": " + printable(action.describe()) + " ";
    switch (outcome.status) {
      case ActionStatus::done: m_plain(head + m_term.green("done") + " (" + took + ")"); break;
      case ActionStatus::failed:
        m_plain(head + m_term.red("FAILED") + ": " + printable(outcome.error->message));
        break;
      case ActionStatus::skipped:
        m_plain(head + m_term.yellow("skipped") + " (after " + outcome.skipped_because + ")");
        break;
      case ActionStatus::pending: break;
    }
    return;
  }
  std::lock_guard lock(m_mutex);
  const auto now = m_now();
  NodeLine& line = line_for(action.node);
  line.mark = action_mark(action.kind);
  line.what = printable(action.describe());
  line.last_change = now;
  const std::string head = action.node + ": " + action.describe() + " ";
  switch (outcome.status) {
    case ActionStatus::done:
      line.state = State::done;
      ++line.done;
      ++m_done;
      break;
    case ActionStatus::failed:
      line.state = State::failed;
      ++line.failed;
      ++m_failed;
      // Failures and skips stay on screen above the block: the block forgets, the operator must not.
      m_permanent.push_back(head + m_term.red("FAILED") + ": " + (outcome.error ? outcome.error->message : ""));
      break;
    case ActionStatus::skipped:
      line.state = State::skipped;
      ++line.skipped;
      ++m_skipped;
      m_permanent.push_back(head + m_term.yellow("skipped") + " (after " + outcome.skipped_because + ")");
      break;
    case ActionStatus::pending: break;
  }
  render_if_due(now);
}

void ProgressDisplay::tick() {
  if (!m_settings.live) return;
  std::lock_guard lock(m_mutex);
  if (m_closed) return;
  // Even with no event the frame changes: elapsed times grow and finished lines leave after keep_finished.
  render_if_due(m_now());
}

void ProgressDisplay::start_ticker() {
  if (!m_settings.live || m_ticker.joinable()) return;
  m_ticker = std::thread([this] {
    std::unique_lock lock(m_mutex);
    while (!m_closed) {
      m_wake.wait_for(lock, m_settings.redraw_interval);
      if (m_closed) break;
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

void ProgressDisplay::render_if_due(Clock::time_point now, bool force) {
  if (m_closed) return;
  if (!force && m_last_frame != Clock::time_point{} && now - m_last_frame < m_settings.redraw_interval) {
    m_dirty = true;
    return;
  }
  render(now);
}

std::string ProgressDisplay::erase_block() const {
  // Back to the first line of the block; what follows overwrites it line by line, and kClearBelow removes the rest.
  return m_drawn > 0 ? "\r" + cursor_up(m_drawn) : std::string("\r");
}

void ProgressDisplay::render(Clock::time_point now) {
  std::string frame = erase_block();
  for (const auto& line : m_permanent) frame += std::string(kClearLine) + line + "\n";
  m_permanent.clear();
  const auto lines = block(now);
  for (const auto& line : lines) frame += std::string(kClearLine) + line + "\n";
  frame += kClearBelow;
  m_out << frame << std::flush;
  m_drawn = lines.size();
  m_last_frame = now;
  m_dirty = false;
}

std::string ProgressDisplay::node_line(const NodeLine& line, Clock::time_point now, std::size_t name_width) const {
  std::string mark = line.mark;
  std::string tail;
  switch (line.state) {
    case State::running: tail = format_elapsed(now - line.since); break;
    case State::done: mark = "✓"; tail = "done"; break;
    case State::failed: mark = "✗"; tail = "FAILED"; break;
    case State::skipped: mark = "–"; tail = "skipped"; break;
  }
  // Only the description gives way when the terminal is narrow; name, mark and time always show.
  const std::string name = pad_right(line.node, name_width);
  const std::size_t fixed = display_columns(name) + 2 + display_columns(mark) + 1 + 2 + display_columns(tail);
  const std::size_t room = static_cast<std::size_t>(std::max(1, m_settings.width - 1));
  if (fixed + 1 > room) return fit_columns(name + "  " + mark + " " + line.what, room);
  const std::string what = fit_columns(line.what, room - fixed);
  switch (line.state) {
    case State::running: break;
    case State::done: mark = m_term.green(mark); tail = m_term.green(tail); break;
    case State::failed: mark = m_term.red(mark); tail = m_term.red(tail); break;
    case State::skipped: mark = m_term.yellow(mark); tail = m_term.yellow(tail); break;
  }
  if (line.state == State::running) tail = m_term.dim(tail);
  return name + "  " + mark + " " + what + "  " + tail;
}

std::string ProgressDisplay::status_line(Clock::time_point now) const {
  std::size_t running = 0;
  for (const auto& l : m_lines) running += l.state == State::running;
  std::string text = std::to_string(m_done);
  if (m_settings.total > 0) text += "/" + std::to_string(m_settings.total);
  text += " done";
  if (m_failed > 0) text += ", " + std::to_string(m_failed) + " failed";
  if (m_skipped > 0) text += ", " + std::to_string(m_skipped) + " skipped";
  text += ", " + std::to_string(running) + " running · " + format_elapsed(now - m_begin);
  return m_term.dim(fit_columns(text, static_cast<std::size_t>(std::max(1, m_settings.width - 1))));
}

std::vector<std::string> ProgressDisplay::block(Clock::time_point now) const {
  // Working nodes first, in the order they started; then the ones that finished a moment ago.
  std::vector<const NodeLine*> shown;
  std::size_t hidden = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& line : m_lines) {
      const bool running = line.state == State::running;
      if ((pass == 0) != running) continue;
      if (!running && now - line.last_change > m_settings.keep_finished) continue;
      if (shown.size() < m_settings.max_lines) {
        shown.push_back(&line);
      } else if (running) {
        ++hidden;
      }
    }
  }
  std::size_t name_width = 0;
  for (const auto* line : shown) name_width = std::max(name_width, display_columns(line->node));
  std::vector<std::string> out;
  for (const auto* line : shown) out.push_back(node_line(*line, now, name_width));
  if (hidden > 0) out.push_back(m_term.dim("… and " + std::to_string(hidden) + " more nodes working"));
  out.push_back(status_line(now));
  return out;
}

std::vector<std::string> ProgressDisplay::summary(Clock::time_point now) const {
  // One line per node, those with failures or skips first, so a long fleet still shows what needs attention.
  std::vector<const NodeLine*> nodes;
  for (const auto& line : m_lines) nodes.push_back(&line);
  std::stable_partition(nodes.begin(), nodes.end(), [](const NodeLine* l) { return l->failed + l->skipped > 0; });
  std::size_t name_width = 0;
  const std::size_t listed = std::min(nodes.size(), m_settings.max_lines);
  for (std::size_t k = 0; k < listed; ++k) name_width = std::max(name_width, display_columns(nodes[k]->node));
  std::vector<std::string> out;
  const std::size_t room = static_cast<std::size_t>(std::max(1, m_settings.width - 1));
  for (std::size_t k = 0; k < listed; ++k) {
    const NodeLine& l = *nodes[k];
    const bool clean = l.failed + l.skipped == 0;
    std::string counts = std::to_string(l.done) + " done";
    if (l.failed > 0) counts += ", " + std::to_string(l.failed) + " failed";
    if (l.skipped > 0) counts += ", " + std::to_string(l.skipped) + " skipped";
    const std::string took = l.has_started ? "  " + format_elapsed(l.last_change - l.first_start) : std::string();
    std::string text = fit_columns(pad_right(l.node, name_width) + "  " + (clean ? "✓" : "✗") + " " + counts + took,
                                   room);
    out.push_back(clean ? text : m_term.red(text));
  }
  if (nodes.size() > listed) {
    std::size_t troubled = 0;
    for (std::size_t k = listed; k < nodes.size(); ++k) troubled += nodes[k]->failed + nodes[k]->skipped > 0;
    std::string more = "… and " + std::to_string(nodes.size() - listed) + " more nodes";
    more += troubled > 0 ? " (" + std::to_string(troubled) + " with failures or skips, listed above)"
                         : ", every action done";
    out.push_back(fit_columns(more, room));
  }
  std::string total = std::to_string(m_done) + " done";
  if (m_failed > 0) total += ", " + std::to_string(m_failed) + " failed";
  if (m_skipped > 0) total += ", " + std::to_string(m_skipped) + " skipped";
  total += " in " + format_elapsed(now - m_begin);
  out.push_back(m_term.bold(fit_columns(total, room)));
  return out;
}

void ProgressDisplay::close() {
  {
    std::unique_lock lock(m_mutex);
    if (m_closed) return;
    if (m_settings.live) {
      const auto now = m_now();
      std::string frame = erase_block();
      for (const auto& line : m_permanent) frame += std::string(kClearLine) + line + "\n";
      m_permanent.clear();
      if (!m_lines.empty()) {
        for (const auto& line : summary(now)) frame += std::string(kClearLine) + line + "\n";
      }
      frame += kClearBelow;
      m_out << frame << std::flush;
      m_drawn = 0;
    }
    m_closed = true;
  }
  m_wake.notify_all();
  if (m_ticker.joinable()) m_ticker.join();
}

}  // namespace trustctl::cli
