#include "providers/vos/cli_parsers.hpp"

#include "providers/vos/cli_messages.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace trustctl::vos {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string first_non_empty_line(std::string_view text) {
  for (auto line : lines_of(text)) {
    if (auto trimmed = trim(line); !trimmed.empty()) return std::string(trimmed);
  }
  return {};
}

// The line holding `marker`, trimmed.
std::string line_with(std::string_view text, std::string_view marker) {
  for (auto line : lines_of(text)) {
    if (line.find(marker) != std::string_view::npos) return std::string(trim(line));
  }
  return std::string(marker);
}

bool starts_with_error(std::string_view line) {
  constexpr std::string_view word = "error";
  if (line.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != word[i]) return false;
  }
  return true;
}

std::optional<CertListEntry> parse_cert_list_line(std::string_view line) {
  line = trim(line);
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view path = line.substr(0, colon);
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) return std::nullopt;
  if (path.find_first_of(" \t") != std::string_view::npos) return std::nullopt;  // file names never hold spaces
  return CertListEntry{.unit = std::string(path.substr(0, slash)),
                       .file = std::string(path.substr(slash + 1)),
                       .description = std::string(trim(line.substr(colon + 1)))};
}

// "Cisco Tomcat[STARTED]"; tolerates a space before "[" and "Commanded Out of Service" after "]", as some versions
// print "Cisco Trace Collection Service[STOPPED]  Commanded Out of Service".
std::optional<ServiceState> parse_service_line(std::string_view line) {
  line = trim(line);
  std::size_t open = line.find('[');
  if (open == std::string_view::npos) return std::nullopt;
  std::size_t close = line.find(']', open);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view name = trim(line.substr(0, open));
  std::string_view state = trim(line.substr(open + 1, close - open - 1));
  if (name.empty() || state.empty()) return std::nullopt;
  bool words = std::all_of(state.begin(), state.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == ' ';
  });
  if (!words) return std::nullopt;
  ServiceState out{.name = std::string(name), .state = std::string(state)};
  if (line.substr(close + 1).find(cli::commanded_out_of_service) != std::string_view::npos) {
    out.state = std::string(cli::commanded_out_of_service);
  }
  return out;
}

Error refused(std::string message) { return Error(ErrorCode::appliance_refused, std::move(message)); }

}  // namespace

bool ServiceState::started() const { return state == cli::state_started; }

Result<std::vector<CertListEntry>> parse_cert_list(std::string_view output) {
  std::vector<CertListEntry> out;
  for (auto line : lines_of(output)) {
    if (auto entry = parse_cert_list_line(line)) out.push_back(std::move(*entry));
  }
  if (out.empty()) {
    if (std::string first = first_non_empty_line(output); !first.empty()) {
      return fail(ErrorCode::protocol, "expected lines like 'tomcat-trust/name.pem: description' but the appliance "
                                       "answered '" + first + "'");
    }
  }
  return out;
}

Result<std::vector<Certificate>> extract_pem_certificates(std::string_view output) {
  if (output.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) {
    std::string first = first_non_empty_line(output);
    return fail(ErrorCode::protocol,
                "expected a PEM certificate but the appliance answered '" + (first.empty() ? "nothing" : first) + "'");
  }
  auto certificates = parse_certificates(output);
  if (!certificates) {
    return fail(ErrorCode::protocol, "the certificate the appliance showed could not be read: " +
                                         certificates.error().message);
  }
  return certificates;
}

std::vector<ServiceState> parse_service_list(std::string_view output) {
  std::vector<ServiceState> out;
  for (auto line : lines_of(output)) {
    if (auto state = parse_service_line(line)) out.push_back(std::move(*state));
  }
  return out;
}

Result<void> parse_restart_stream(std::string_view service, std::string_view output) {
  if (output.find(cli::state_failed_marker) != std::string_view::npos) {
    return fail(refused("restart of " + std::string(service) + " failed: " +
                        line_with(output, cli::state_failed_marker)));
  }
  if (output.find(cli::error_marker) != std::string_view::npos) {
    return fail(refused("restart of " + std::string(service) + " failed: " + line_with(output, cli::error_marker)));
  }
  std::optional<std::string> last;
  for (auto line : lines_of(output)) {
    auto state = parse_service_line(line);
    if (state && state->name == service) last = state->state;
  }
  if (!last) {
    std::string first = first_non_empty_line(output);
    return fail(refused("restart of " + std::string(service) + " reported no state for the service; the appliance "
                        "answered '" + (first.empty() ? "nothing" : first) + "'"));
  }
  if (*last != cli::state_started) {
    return fail(refused("restart of " + std::string(service) + " ended in state " + *last + ", not " +
                        std::string(cli::state_started)));
  }
  return {};
}

Result<void> check_import_result(std::string_view output, std::string_view unit) {
  // The output holds the echo of the paste; the appliance's reply is what follows it.
  std::string_view reply = output;
  if (std::size_t end = output.rfind(cli::pem_end); end != std::string_view::npos) {
    reply = output.substr(end + cli::pem_end.size());
  } else if (std::size_t prompt = output.find(cli::paste_prompt); prompt != std::string_view::npos) {
    reply = output.substr(prompt + cli::paste_prompt.size());
  }
  // A chain is imported certificate by certificate: one refused among accepted ones is still a refusal.
  for (auto line : lines_of(reply)) {
    if (auto trimmed = trim(line); starts_with_error(trimmed)) {
      return fail(refused("the appliance refused the certificate: " + std::string(trimmed)));
    }
  }
  if (reply.find(cli::import_success(unit)) != std::string_view::npos) return {};
  std::string first = first_non_empty_line(reply);
  if (first.empty()) return fail(refused("the appliance gave no answer to the certificate paste"));
  return fail(refused("the appliance refused the certificate: " + first));
}

}  // namespace trustctl::vos
