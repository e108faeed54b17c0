#pragma once
// One interactive admin CLI on one appliance (DOMAIN.md section 7). The VOS operations in providers/vos are written
// against this interface only, so unit tests drive them with an in-process fake and production with libssh.

#include "engine/model/error.hpp"

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
};

}  // namespace trustctl::transport
