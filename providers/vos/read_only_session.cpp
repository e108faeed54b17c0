#include "providers/vos/read_only_session.hpp"

#include <array>

namespace trustctl::providers {

bool is_read_only_command(std::string_view command) {
  // Prefixes of commands that only read. "set cli pagination off" changes the session, not the appliance.
  static constexpr std::array<std::string_view, 7> allowed = {
      "show cert list ", "show cert own ", "show cert trust ", "show csr own ",
      "utils service list", "show network cluster", "set cli pagination off",
  };
  for (auto prefix : allowed) {
    if (command.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

Result<std::string> ReadOnlySession::refuse(std::string_view command) {
  m_refused.emplace_back(command);
  return fail(Error(ErrorCode::internal, "refused to run '" + std::string(command) +
                                             "' during a read-only refresh: plan never writes to an appliance (this is "
                                             "a bug in trustctl; please report it)")
                  .on(m_inner.node(), "refresh"));
}

Result<std::string> ReadOnlySession::run(std::string_view command) {
  if (!is_read_only_command(command)) return refuse(command);
  return m_inner.run(command);
}

Result<std::string> ReadOnlySession::run_interactive(std::string_view command,
                                                     const std::vector<transport::PromptAnswer>& prompts_and_answers) {
  // No reading command asks questions: anything interactive is a write.
  (void)prompts_and_answers;
  return refuse(command);
}

}  // namespace trustctl::providers
