#pragma once
// One interactive admin CLI on one appliance (docs/appliances.md section 7). The VOS operations in providers/vos are
// written against this interface only, so unit tests drive them with an in-process fake and production with libssh.

#include "engine/model/error.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustctl::transport {

// A question the CLI may ask while a command runs, and the line to send when it does. The session sends `answer`
// followed by a newline, so a PEM paste (which must end with an empty line) is the PEM text ending in "\n".
struct PromptAnswer {
  std::string prompt;  // text to look for, e.g. "Paste the Certificate and Hit Enter" or "(yes|no)?"
  std::string answer;
};

// How a command that may end the session ended: the node closed the connection (what `utils system restart` does
// once confirmed), or the prompt came back (the command was refused or cancelled; `output` says which).
struct DisconnectOutcome {
  std::string output;  // what the node printed after the command line, questions and answers included
  bool disconnected = false;
};

// Not thread-safe: one user at a time, like the administrator at the keyboard it stands in for.
class CliSession {
 public:
  virtual ~CliSession() = default;

  // The node this session is connected to; every error a session returns already carries it.
  virtual const std::string& node() const = 0;

  // Sends one command line (no line breaks), reads until the prompt comes back, and returns what the command printed:
  // the text between the echoed command line and the prompt, with "\n" line endings.
  virtual Result<std::string> run(std::string_view command) = 0;

  // Like run, but answers questions: each entry answers one occurrence of its prompt text, in whatever order they
  // appear. The returned text is the whole exchange after the command line (questions, the echo of the answers and
  // the appliance's reply); an entry whose prompt never appeared is not an error here, the caller's check of the
  // reply decides.
  virtual Result<std::string> run_interactive(std::string_view command,
                                              const std::vector<PromptAnswer>& prompts_and_answers) = 0;

  // Like run_interactive, for a command after which the node is expected to close the connection (a system
  // restart): a drop once the command was sent is its normal end, not an error. After a drop the session refuses
  // commands until reconnect() succeeds. Sessions that cannot reconnect (fakes, wrappers) refuse the command unsent.
  virtual Result<DisconnectOutcome> run_until_disconnect(std::string_view command,
                                                         const std::vector<PromptAnswer>& prompts_and_answers) {
    (void)prompts_and_answers;
    return fail(Error(ErrorCode::internal, "this CLI session cannot reconnect, so '" + std::string(command) +
                                               "' (which ends the session) was not sent")
                    .on(node(), "run"));
  }

  // Whether the session can still carry a command, judged without sending anything: false once it was abandoned (a
  // timeout, a drop) or when the node closed the connection while the session sat idle. A pool asks before reusing
  // one, so an idle drop costs a reconnect rather than a failed action. Fakes and wrappers are always usable.
  virtual bool usable() { return true; }

  // Connects again after the node went away: retries with backoff until `within` has passed, accepts only the host
  // key the session first saw (still checked against known_hosts), logs in, waits for the prompt and turns
  // pagination off again. Commands sent afterwards on this same object go to the new connection.
  virtual Result<void> reconnect(std::chrono::milliseconds within) {
    (void)within;
    return fail(Error(ErrorCode::internal, "this CLI session cannot reconnect").on(node(), "reconnect"));
  }
};

}  // namespace trustctl::transport
