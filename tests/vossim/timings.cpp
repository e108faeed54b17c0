#include "tests/vossim/timings.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace vossim {

using trustctl::ErrorCode;

namespace {

using namespace std::chrono_literals;

struct ClassName {
  CommandClass command_class;
  std::string_view name;
};
constexpr ClassName kClassNames[] = {
    {CommandClass::show, "show"},       {CommandClass::service_list, "service-list"},
    {CommandClass::restart, "restart"}, {CommandClass::import, "import"},
    {CommandClass::csr, "csr"},         {CommandClass::regen, "regen"},
    {CommandClass::remove, "delete"},   {CommandClass::system_restart, "system-restart"},
    {CommandClass::other, "other"},
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::optional<Millis> parse_millis(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return Millis(value);
}

// Splits "NAME=N" at its last '=' (service names hold spaces, never '='); name is empty for a plain "N".
std::pair<std::string, std::string> split_flag(const std::string& value) {
  const auto eq = value.rfind('=');
  if (eq == std::string::npos) return {"", value};
  return {value.substr(0, eq), value.substr(eq + 1)};
}

}  // namespace

std::string_view to_string(CommandClass command_class) {
  for (const auto& entry : kClassNames) {
    if (entry.command_class == command_class) return entry.name;
  }
  return "other";
}

std::optional<CommandClass> command_class_named(std::string_view name) {
  for (const auto& entry : kClassNames) {
    if (entry.name == name) return entry.command_class;
  }
  return std::nullopt;
}

const std::vector<CommandClass>& all_command_classes() {
  static const std::vector<CommandClass> classes = [] {
    std::vector<CommandClass> out;
    for (const auto& entry : kClassNames) out.push_back(entry.command_class);
    return out;
  }();
  return classes;
}

Millis Timings::restart_for(const std::string& service) const {
  const std::string wanted = lower(service);
  for (const auto& [name, duration] : restart_by_service) {
    if (lower(name) == wanted) return duration;
  }
  return restart;
}

Millis Timings::latency_for(CommandClass command_class) const {
  auto it = latency_by_class.find(command_class);
  return it == latency_by_class.end() ? command_latency : it->second;
}

Timings appliance_timings() {
  // Each value and its source is listed in tests/vossim/README.md ("Timings"); keep the two in step.
  Timings t;
  t.first_prompt = 12s;  // docs/appliances.md section 7: "First prompt can take 10-15 s on real systems"
  // Section 5: restarts take minutes; a script that drives real boxes waits 240 s for Cisco Tomcat (another allows
  // up to 10 minutes). The Tomcat-based services take the same; the others are estimates (no primary source).
  t.restart = 120s;
  for (const char* tomcat : {"Cisco Tomcat", "Cisco Finesse Tomcat", "Cisco UDS Tomcat", "Cisco AXL Tomcat"}) {
    t.restart_by_service[tomcat] = 240s;
  }
  t.system_restart = 900s;  // section 5: "typically longer than a service restart" (the figure is an estimate)
  // Estimates (no primary source): the Java CLI answers a simple command in about a second; listing the services
  // asks the service manager; a CSR or a regeneration makes a key.
  t.command_latency = 500ms;
  t.latency_by_class = {{CommandClass::show, 1000ms},   {CommandClass::service_list, 3000ms},
                        {CommandClass::restart, 0ms},   {CommandClass::import, 3000ms},
                        {CommandClass::csr, 5000ms},    {CommandClass::regen, 10000ms},
                        {CommandClass::remove, 2000ms}, {CommandClass::system_restart, 0ms}};
  return t;
}

trustctl::Result<void> apply_restart_flag(Timings& timings, const std::string& value) {
  auto [service, number] = split_flag(value);
  auto duration = parse_millis(number);
  if (!duration) {
    return trustctl::fail(ErrorCode::invalid_site, "--restart-ms wants N or SERVICE=N (milliseconds, e.g. \"Cisco "
                                                   "Tomcat=240000\"), got '" + value + "'");
  }
  if (service.empty()) {
    timings.restart = *duration;
  } else {
    timings.restart_by_service[service] = *duration;
  }
  return {};
}

trustctl::Result<void> apply_latency_flag(Timings& timings, const std::string& value) {
  auto [name, number] = split_flag(value);
  auto duration = parse_millis(number);
  auto command_class = command_class_named(name);
  if (!duration || (!name.empty() && !command_class)) {
    std::string classes;
    for (const auto& entry : kClassNames) classes += (classes.empty() ? "" : ", ") + std::string(entry.name);
    return trustctl::fail(ErrorCode::invalid_site, "--command-latency-ms wants N or CLASS=N (milliseconds; CLASS is "
                                                   "one of " + classes + "), got '" + value + "'");
  }
  if (name.empty()) {
    timings.command_latency = *duration;
    timings.latency_by_class.clear();  // a plain N is every class, as before
  } else {
    timings.latency_by_class[*command_class] = *duration;
  }
  return {};
}

}  // namespace vossim
