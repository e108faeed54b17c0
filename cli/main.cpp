// trustctl: puts Cisco contact-center appliances into the certificate-trust state a site file describes.
// main builds the command line from the one subcommand table (cli/commands/command_table.hpp) and dispatches to it.

#include "cli/commands/cli_docs.hpp"
#include "cli/commands/command_table.hpp"
#include "cli/output/last_resort.hpp"
#include "cli/output/machine_output.hpp"
#include "engine/base/huge_page_heap.hpp"
#include "engine/base/log.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
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

// `--format jsonl` or `--format=jsonl` anywhere on the command line (read before CLI11 has parsed it).
bool asks_for_jsonl(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--format=jsonl" || (arg == "--format" && i + 1 < argc && std::string_view(argv[i + 1]) == "jsonl")) {
      return true;
    }
  }
  return false;
}

// TRUSTCTL_LOG=debug|trace and --log-file: the debug log (engine/base/log.hpp). A log file alone means debug.
bool start_log(const std::string& file, int argc, char** argv) {
  const char* env = std::getenv("TRUSTCTL_LOG");
  auto level = trustctl::log::parse_level(env ? env : "");
  if (!level) {
    std::cerr << "trustctl: " << level.error().message << "\n";
    return false;
  }
  if (*level == trustctl::log::Level::off && !file.empty()) level = trustctl::log::Level::debug;
  if (*level == trustctl::log::Level::off) return true;
  if (auto ok = trustctl::log::configure(*level, file); !ok) {
    std::cerr << "trustctl: " << ok.error().message << "\n";
    return false;
  }
  std::string line = "trustctl " TRUSTCTL_VERSION;
  for (int i = 1; i < argc; ++i) line += std::string(" ") + argv[i];
  trustctl::log::debug("run", line);
  return true;
}

// The whole command line from the one table: what --help shows, dispatch, and every generated document.
Commands define_command_line(CLI::App& app, Invocation& invocation, std::string& color, std::string& log_file) {
  app.set_version_flag("--version", "trustctl " TRUSTCTL_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  app.add_option("--color", color, "colour the output: auto (a terminal only), always (CI logs), never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--log-file", log_file,
                 "write the debug log to FILE (TRUSTCTL_LOG=debug|trace sets the level; debug when unset)");
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
  std::string log_file;
  const Commands commands = define_command_line(app, invocation, color, log_file);
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
    int code = app.exit(e) == 0 ? kExitOk : kExitError;
    // A pipeline that asked for the jsonl stream gets one even when the command line is refused: the version line,
    // the error, the summary.
    if (code != kExitOk && asks_for_jsonl(argc, argv)) {
      EventStream::open(argv[1]);
      EventStream::emit(
          {{"type", "error"}, {"code", "usage"}, {"message", e.what()}, {"text", std::string("usage: ") + e.what()}});
      EventStream::close(code);
    }
    return code;
  }
  Terminal::set_color_mode(color == "always" ? ColorMode::always
                           : color == "never" ? ColorMode::never
                                              : ColorMode::automatic);
  if (!start_log(log_file, argc, argv)) return kExitError;
  // The one registry of products, built once and passed to every command that needs product knowledge.
  const trustctl::providers::Registry registry = trustctl::providers::make_registry();
  for (const auto& [command, spec] : commands) {
    if (!command->parsed()) continue;
    if (invocation.common.format == "jsonl") EventStream::open(std::string(spec->name));
    int code = spec->run(invocation, registry);
    EventStream::close(code);
    trustctl::log::debug("run", "exit code " + std::to_string(code));
    return code;
  }
  return kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything allocates much or starts a thread (engine/base/huge_page_heap.hpp says why).
  (void)trustctl::use_huge_pages_for_the_heap();
  // A peer that closes its socket must surface as an error on that node, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // The last resort for a bug (cli/output/last_resort.hpp): one line and exit 1, never an abort.
  std::set_terminate(terminate_with_one_line);
  return run_guarded([&] { return run_command_line(argc, argv); }, std::cerr);
}
