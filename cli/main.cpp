// trustctl: puts Cisco contact-center appliances into the certificate-trust state a site file describes.
// main builds the command line from the one subcommand table (cli/commands/command_table.hpp) and dispatches to it.

#include "cli/commands/cli_docs.hpp"
#include "cli/commands/command_table.hpp"
#include "cli/output/last_resort.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string_view>

using namespace trustctl::cli;

namespace {

void list_commands(std::ostream& out) {
  out << "Usage: trustctl COMMAND [OPTIONS]\n\nCommands:\n";
  for (const auto& command : command_table()) {
    out << "  " << command.name << std::string(command.name.size() < 10 ? 10 - command.name.size() : 1, ' ')
        << command.summary << "\n";
  }
  out << "\n`trustctl COMMAND --help` shows a command's options and an example.\n";
}

// A missing or mistyped command: the list, and the nearest name. nullopt when argv names a known command (or asks
// for help or the version, which CLI11 answers).
std::optional<int> refuse_unknown_command(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "trustctl: no command given.\n\n";
    list_commands(std::cerr);
    return kExitError;
  }
  std::string_view typed = argv[1];
  if (typed.starts_with("-")) return std::nullopt;
  for (const auto& command : command_table()) {
    if (command.name == typed) return std::nullopt;
  }
  std::cerr << "trustctl: unknown command \"" << typed << "\".";
  if (auto near = nearest_command(typed)) std::cerr << " Did you mean \"" << *near << "\"?";
  std::cerr << "\n\n";
  list_commands(std::cerr);
  return kExitError;
}

using Commands = std::vector<std::pair<CLI::App*, const CommandSpec*>>;

// The whole command line from the one table: what --help shows, dispatch, and every generated document.
Commands define_command_line(CLI::App& app, Invocation& invocation, std::string& color) {
  app.set_version_flag("--version", "trustctl " TRUSTCTL_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  app.add_option("--color", color, "colour the output: auto (a terminal only), always (CI logs), never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  Commands commands;
  for (const auto& spec : command_table()) {
    CLI::App* command = app.add_subcommand(std::string(spec.name), std::string(spec.summary));
    command->fallthrough();  // --color may follow the command's name
    spec.define(*command, invocation);
    std::string footer = spec.details.empty() ? "" : std::string(spec.details) + "\n\n";
    if (spec.name != "ca") command->footer(footer + "Example:\n  " + std::string(spec.example) + "\n");
    commands.emplace_back(command, &spec);
  }
  return commands;
}

int run_command_line(int argc, char** argv) {
  CLI::App app{"trustctl: declarative certificate trust for Cisco contact-center (VOS) appliances", "trustctl"};
  Invocation invocation;
  std::string color = "auto";
  const Commands commands = define_command_line(app, invocation, color);
  // Hidden: `trustctl --generate man|bash|zsh|markdown` prints a document generated from the definitions (the build
  // makes the man page and the completion scripts this way).
  if (argc == 3 && std::string_view(argv[1]) == "--generate") {
    auto text = generate_cli_doc(app, argv[2]);
    if (!text) {
      std::cerr << "trustctl: --generate takes man, bash, zsh or markdown\n";
      return kExitError;
    }
    std::cout << *text;
    return kExitOk;
  }
  if (auto refused = refuse_unknown_command(argc, argv)) return *refused;

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitError;
  }
  Terminal::set_color_mode(color == "always" ? ColorMode::always
                           : color == "never" ? ColorMode::never
                                              : ColorMode::automatic);
  // The one registry of products, built once and passed to every command that needs product knowledge.
  const trustctl::providers::Registry registry = trustctl::providers::make_registry();
  for (const auto& [command, spec] : commands) {
    if (command->parsed()) return spec->run(invocation, registry);
  }
  return kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that closes its socket must surface as an error on that node, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // The last resort for a bug (cli/output/last_resort.hpp): one line and exit 1, never an abort.
  std::set_terminate(terminate_with_one_line);
  return run_guarded([&] { return run_command_line(argc, argv); }, std::cerr);
}
