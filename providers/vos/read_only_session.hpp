#pragma once
// Plan never writes to an appliance. Refresh runs every command through this wrapper, which lets through only the
// commands that read (an explicit allow-list, so a new command is refused until someone decides it only reads) and
// refuses and reports anything else.

#include "providers/transport/cli_session.hpp"

#include <memory>
#include <string>
#include <vector>

namespace trustctl::providers {

bool is_read_only_command(std::string_view command);

class ReadOnlySession final : public transport::CliSession {
 public:
  explicit ReadOnlySession(transport::CliSession& inner) : m_inner(inner) {}
  const std::string& node() const override { return m_inner.node(); }
  Result<std::string> run(std::string_view command) override;
  Result<std::string> run_interactive(std::string_view command,
                                      const std::vector<transport::PromptAnswer>& prompts_and_answers) override;
  // Commands refused so far (a test proves refresh never tries to write).
  const std::vector<std::string>& refused() const { return m_refused; }

 private:
  Result<std::string> refuse(std::string_view command);
  transport::CliSession& m_inner;
  std::vector<std::string> m_refused;
};

}  // namespace trustctl::providers
