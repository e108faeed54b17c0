#pragma once
// Everything written about the command line is generated from its definitions (the subcommand table and the options
// each command's `define` adds), so `--help`, the man page, shell completion and README's command table never
// disagree. `trustctl --generate man|bash|zsh|markdown` prints one; the build runs it to make the installed files.

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace trustctl::cli {

// The text for `what` (man: troff for man(1); bash and zsh: completion scripts; markdown: README's commands table),
// or nullopt for an unknown kind. `app` is the fully defined command line.
std::optional<std::string> generate_cli_doc(const CLI::App& app, std::string_view what);

}  // namespace trustctl::cli
