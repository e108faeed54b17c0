#pragma once
// How long the simulated appliance takes: the first prompt, each service's restart, a system restart, and the delay
// before each class of command answers. Tests keep the fast defaults; `--appliance-timings` takes the values of a
// real appliance (docs/appliances.md sections 5 and 7; tests/vossim/README.md lists each value with its source).

#include "engine/model/error.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vossim {

using Millis = std::chrono::milliseconds;

// The command classes whose latency can be set on its own (`--command-latency-ms CLASS=N`).
enum class CommandClass { show, service_list, restart, import, csr, regen, remove, system_restart, other };
std::string_view to_string(CommandClass command_class);
std::optional<CommandClass> command_class_named(std::string_view name);
const std::vector<CommandClass>& all_command_classes();

struct Timings {
  Millis first_prompt{0};  // after "starting up", before the welcome line and the first prompt
  Millis restart{3000};    // `utils service restart` of a service without its own duration
  std::map<std::string, Millis> restart_by_service;  // service name as `utils service list` shows it
  std::optional<Millis> system_restart;  // `utils system restart` (and a node_down fault without delay): restart when unset
  Millis command_latency{0};             // before each command's output, for a class without its own
  std::map<CommandClass, Millis> latency_by_class;

  Millis restart_for(const std::string& service) const;  // case-insensitive service name
  Millis system_restart_duration() const { return system_restart.value_or(restart); }
  Millis latency_for(CommandClass command_class) const;
};

// A real appliance's timings (README: "Timings"): what `--appliance-timings` starts from.
Timings appliance_timings();

// `--restart-ms` values: "N" (every service) or "SERVICE=N" (one service; the name as the CLI lists it).
trustctl::Result<void> apply_restart_flag(Timings& timings, const std::string& value);
// `--command-latency-ms` values: "N" (every class) or "CLASS=N" (show, service-list, restart, import, csr, regen,
// delete, system-restart, other).
trustctl::Result<void> apply_latency_flag(Timings& timings, const std::string& value);

}  // namespace vossim
