#pragma once
// The one subcommand table: it drives dispatch, `--help` (every command with its summary and an example), the list
// printed for a missing or mistyped command ("Did you mean ...?"), and everything generated from the definitions.

#include "cli/commands/commands.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace trustctl::cli {

// Every option any command takes; CLI11 fills the parts of the command that runs.
struct Invocation {
  CommonOptions common;
  PlanOptions plan;
  GraphOptions graph;
  ApplyOptions apply;
  ExpiryOptions expiry;
  BundleOptions bundle;
  ReportOptions report;
  CsrOptions csr;
  LintOptions lint;
  ProbeOptions probe;
  CaInitOptions ca_init;
  JournalOptions journal;
  UnlockOptions unlock;
};

struct CommandSpec {
  std::string_view name;     // as typed: "plan", "ca init"
  std::string_view summary;  // one short line, for the command list
  std::string_view details;  // more, for the command's own --help ("" when the summary says it all)
  std::string_view example;  // shown at the end of the command's --help
  void (*define)(CLI::App& command, Invocation& in);
  int (*run)(const Invocation& in, const providers::Registry& registry);
};

std::span<const CommandSpec> command_table();

// The command name nearest to what was typed (edit distance), or nullopt when nothing is close.
std::optional<std::string_view> nearest_command(std::string_view typed);

}  // namespace trustctl::cli
