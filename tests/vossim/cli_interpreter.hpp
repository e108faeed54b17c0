#pragma once
// The VOS admin CLI of one session as a pure state machine: bytes typed in, timed text out (docs/appliances.md
// section 7). It owns no socket and never sleeps: output that takes time (a service restart) comes back as steps with
// delays, which the transport plays out. That keeps every message and rule unit-testable without SSH.
// Type-ahead is kept, as a terminal keeps it: feed() runs input up to the end of one turn (a command's prompt, a
// question, the paste prompt, the pager) and keeps the rest; the transport plays that turn's output, then calls
// feed() again while has_pending_input(), so each prompt is its own write, after the output before it.

#include "tests/vossim/fault_book.hpp"
#include "tests/vossim/sim_node.hpp"
#include "tests/vossim/timings.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vossim {

struct CliSettings {
  Timings timings;                                // first prompt, restarts, command latencies
  std::chrono::milliseconds restart_tick{500};    // how often "[STARTING]" repeats
  int rows = 24;                                  // terminal rows; the pty request may change it
  // The CLI's session timeout: a session that receives no input for this long is logged out and closed (0: never).
  // Keep-alives are below the CLI and do not count, as on the appliance.
  std::chrono::milliseconds idle_timeout{0};
  FaultBook* faults = nullptr;                    // injected faults (control API); none when null
};

class CliInterpreter {
 public:
  struct Step {
    std::chrono::milliseconds delay{0};  // wait this long after the previous step, then write text in one write
    std::string text;
  };
  struct Output {
    std::vector<Step> steps;
    // The last step ends with the prompt of a finished command.
    bool command_finished = false;
    bool close = false;  // the user quit: close the channel after the steps
    bool drop = false;   // drop the connection abruptly after the steps (system restart, fault): no exit status

    std::string text() const;  // all steps concatenated (tests)
    std::chrono::milliseconds total_delay() const;
  };
  enum class Mode { command, paste, paging, confirm };
  using NowFunction = std::function<Clock::time_point()>;

  CliInterpreter(SimNode& node, CliSettings settings, NowFunction now = &Clock::now);

  Output start();                      // banner and first prompt (after timings.first_prompt)
  // Queues bytes, then runs queued input up to the end of one turn; what follows stays queued (type-ahead).
  Output feed(std::string_view bytes);
  bool has_pending_input() const { return !m_input.empty(); }
  void set_rows(int rows);
  Mode mode() const { return m_mode; }
  bool pagination() const { return m_pagination; }

 private:
  void on_byte(char c, Output& out, bool& finished);
  void on_command_byte(char c, Output& out, bool& finished);
  void on_paste_byte(char c, Output& out, bool& finished);
  void on_paging_byte(char c, Output& out, bool& finished);
  void on_confirm_byte(char c, Output& out, bool& finished);
  void answer_question(const std::string& answer, Output& out, bool& finished);
  // Faults acting on a command: true when the command must not run (refused or dropped before the reply).
  bool apply_command_fault(const std::string& command, Output& out, bool& finished);
  void mark_reply_start(const Output& out);
  void add_latency(CommandClass command_class, Output& out) const;
  void run_command(const std::string& line, Output& out, bool& finished);
  void finish_paste(Output& out);
  void emit_lines(std::vector<std::string> lines, Output& out, bool& finished);
  void emit_page(std::size_t count, Output& out, bool& finished);
  void add_prompt(Output& out) const;
  Step& add_step(Output& out, std::chrono::milliseconds delay = std::chrono::milliseconds(0)) const;

  void command_show_cert_list(bool trust, Output& out, bool& finished);
  void command_show_cert(const std::vector<std::string>& words, const std::string& line, Output& out, bool& finished);
  void command_restart(const std::string& line, const std::string& name, Output& out, bool& finished);
  void command_service_list(const std::string& line, Output& out, bool& finished);
  void command_show_csr(const std::string& line, Output& out, bool& finished);
  void command_delete(const std::vector<std::string>& words, const std::string& line, Output& out, bool& finished);
  void command_network_cluster(const std::string& line, Output& out, bool& finished);
  void ask(const std::string& command, std::vector<std::string> lines, std::string_view question, Output& out);
  void finish_own_import(const std::string& text, std::vector<std::string>& lines, bool& ok);

  SimNode& m_node;
  CliSettings m_settings;
  NowFunction m_now;
  Mode m_mode = Mode::command;
  bool m_pagination = true;
  bool m_last_was_cr = false;
  int m_escape = 0;             // bytes of an ANSI escape sequence still to swallow
  std::string m_input;          // typed ahead: not read yet (the next turns' input)
  bool m_turn_over = false;     // the output waits for the user (a question, the paste prompt, the pager)
  std::string m_line;           // the line being typed
  std::string m_paste_command;  // the command that opened the paste prompt
  std::vector<std::string> m_paste_lines;
  std::vector<std::string> m_pending_lines;  // output held back by the pager
  std::string m_question_command;            // the command waiting for a yes/no answer
  bool m_drop_after_commit = false;          // a fault: drop the connection instead of this command's reply
  std::size_t m_reply_step = 0;              // where the reply of the running command starts in the output
  std::size_t m_reply_offset = 0;
};

// "Sun Jan 01 12:00:00 UTC 2034", as Java's Date.toString() prints it in UTC.
std::string java_date(Clock::time_point time);

// The decoded form `show cert own|trust` prints before the PEM block.
std::vector<std::string> describe_certificate(const Certificate& certificate);

}  // namespace vossim
