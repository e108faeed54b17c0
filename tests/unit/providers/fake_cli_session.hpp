#pragma once
// An in-process admin CLI for unit tests, in the manner of ninja's VirtualFileSystem: scripted state, a record of
// every call, and faults injected by assignment.
//
//   FakeCliSession cli;
//   cli.responses["show cert list trust"] = "tomcat-trust/a.pem: Trust Certificate\n";
//   cli.faults["utils service restart Cisco Tomcat"] = Error(ErrorCode::connection, "dropped");
//   ... run the code under test ...
//   EXPECT_EQ(cli.commands, (std::vector<std::string>{"show cert list trust"}));

#include "providers/transport/cli_session.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trustctl::fakes {

class FakeCliSession : public transport::CliSession {
 public:
  struct Call {
    std::string command;
    std::vector<std::string> answers;  // what was sent to the prompts that appeared, in order
  };

  // State: what each command prints (between its echo and the prompt). A run_interactive answers only the prompts
  // whose text appears in the scripted output, as the appliance would only ask what it prints.
  std::string node_name = "uccx1";
  std::map<std::string, std::string> responses;

  // Faults: a command-specific error, or one for the next call whatever it is (cleared when used).
  std::map<std::string, Error> faults;
  std::optional<Error> next_fault;

  // Record.
  std::vector<Call> calls;
  std::vector<std::string> commands;
  std::vector<std::string> answers;  // every answer sent, across calls

  const std::string& node() const override { return node_name; }

  // false: the node closed the connection while the session sat idle.
  bool alive = true;
  bool usable() override { return alive; }

  Result<std::string> run(std::string_view command) override { return run_interactive(command, {}); }

  Result<std::string> run_interactive(std::string_view command,
                                      const std::vector<transport::PromptAnswer>& prompts_and_answers) override {
    Call call{.command = std::string(command)};
    commands.push_back(call.command);
    if (next_fault) {
      Error error = *next_fault;
      next_fault.reset();
      calls.push_back(std::move(call));
      return with_node(std::move(error));
    }
    if (auto fault = faults.find(call.command); fault != faults.end()) {
      calls.push_back(std::move(call));
      return with_node(fault->second);
    }
    auto response = responses.find(call.command);
    if (response == responses.end()) {
      calls.push_back(std::move(call));
      return with_node(Error(ErrorCode::protocol, "fake CLI has no response for '" + std::string(command) + "'"));
    }
    for (const auto& [prompt, answer] : prompts_and_answers) {
      if (response->second.find(prompt) == std::string::npos) continue;
      call.answers.push_back(answer);
      answers.push_back(answer);
    }
    calls.push_back(std::move(call));
    // Like the real session, the output holds the echo of the answers right after the question.
    std::string output = response->second;
    for (const auto& [prompt, answer] : prompts_and_answers) {
      std::size_t pos = output.find(prompt);
      if (pos == std::string::npos) continue;
      std::size_t line_end = output.find('\n', pos);
      std::size_t insert_at = line_end == std::string::npos ? output.size() : line_end + 1;
      output.insert(insert_at, answer + "\n");
    }
    return output;
  }

 private:
  tl::unexpected<Error> with_node(Error error) const {
    error.node = node_name;
    return tl::unexpected<Error>(std::move(error));
  }
};

}  // namespace trustctl::fakes
