#include "engine/config/names.hpp"

#include "engine/model/printable.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace trustctl::config {
namespace {

constexpr std::size_t kMaxHostName = 253;  // RFC 1035 section 2.3.4, without the trailing dot
constexpr std::size_t kMaxLabel = 63;

bool is_ascii_letter_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> labels_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = text.find('.', start);
    out.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool is_ipv4(std::string_view text) {
  in_addr out{};
  return inet_pton(AF_INET, std::string(text).c_str(), &out) == 1;
}

bool is_ipv6(std::string_view text) {
  in6_addr out{};
  return inet_pton(AF_INET6, std::string(text).c_str(), &out) == 1;
}

// "host:22" -> true: a name or address followed by a port number.
bool ends_with_port(std::string_view text) {
  std::size_t colon = text.rfind(':');
  return colon != std::string_view::npos && colon > 0 && all_digits(text.substr(colon + 1));
}

std::optional<std::string> url_or_path_problem(std::string_view text) {
  if (text.find("://") != std::string_view::npos) {
    return "'" + std::string(text) + "' is a URL; write the host name alone (e.g. uccx1.lab.example)";
  }
  if (text.find_first_of("/\\") != std::string_view::npos) {
    return "'" + std::string(text) + "' contains a path; write the host name alone (e.g. uccx1.lab.example)";
  }
  return std::nullopt;
}

std::optional<std::string> label_problem(std::string_view text, std::string_view label) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (label.empty()) return quoted + " has an empty label (two dots in a row, or a leading dot)";
  if (label.size() > kMaxLabel) {
    return quoted + ": the label '" + std::string(label.substr(0, 20)) + "...' is " + std::to_string(label.size()) +
           " characters long; a DNS label has at most " + std::to_string(kMaxLabel);
  }
  for (char c : label) {
    if (is_ascii_letter_or_digit(c) || c == '-') continue;
    return quoted + " contains '" + std::string(1, c) +
           "', which a host name cannot (letters, digits and '-' in labels separated by dots)";
  }
  if (label.front() == '-' || label.back() == '-') {
    return quoted + ": the label '" + std::string(label) + "' " + (label.front() == '-' ? "starts" : "ends") +
           " with '-', which a host name cannot";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> first_control_character(std::string_view text) {
  std::size_t character = 0;  // counted in UTF-8 characters: what an editor's column shows
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto c = static_cast<unsigned char>(text[at]);
    if ((c & 0xc0) != 0x80) ++character;
    std::size_t length = 0;
    if (c < 0x20 || c == 0x7f) length = 1;
    // C1 controls, U+0080..U+009F, are encoded C2 80..C2 9F.
    if (c == 0xc2 && at + 1 < text.size() && static_cast<unsigned char>(text[at + 1]) <= 0x9f &&
        static_cast<unsigned char>(text[at + 1]) >= 0x80) {
      length = 2;
    }
    if (length > 0) return printable(text.substr(at, length)) + " at character " + std::to_string(character);
  }
  return std::nullopt;
}

std::optional<std::string> host_name_problem(std::string_view text, bool ip_is_problem) {
  const std::string quoted = "'" + printable(text) + "'";
  if (auto control = first_control_character(text)) return quoted + " contains a control character (" + *control + ")";
  if (auto problem = url_or_path_problem(text)) return problem;
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
    return quoted + " is an internationalised name; write its A-label (the ASCII form starting with xn--, as "
                    "`idn2 " + std::string(text) + "` prints it), which is what certificates carry";
  }
  if (text.find(' ') != std::string_view::npos) return quoted + " contains a space, which a host name cannot";
  if (ends_with_port(text) || is_ipv6(text)) {
    if (is_ipv6(text)) {
      return quoted + " is an IP address; write the node's DNS name here (the address goes in address)";
    }
    return quoted + " carries a port; write the host name alone and set ssh_port or https_port";
  }
  if (text.size() > kMaxHostName) {
    return "'" + std::string(text.substr(0, 30)) + "...' is " + std::to_string(text.size()) +
           " characters long; a host name has at most " + std::to_string(kMaxHostName);
  }
  if (!text.empty() && text.back() == '.') return quoted + " ends with a dot; remove it (certificates carry none)";
  auto labels = labels_of(text);
  if (std::all_of(labels.begin(), labels.end(), all_digits)) {
    if (ip_is_problem && is_ipv4(text)) {
      return quoted + " is an IP address; write the node's DNS name here (the address goes in address)";
    }
    if (!is_ipv4(text)) return quoted + " is neither a host name nor a valid IPv4 address";
    return std::nullopt;
  }
  for (auto label : labels) {
    if (auto problem = label_problem(text, label)) return problem;
  }
  return std::nullopt;
}

std::optional<std::string> address_problem(std::string_view text) {
  const std::string quoted = "'" + printable(text) + "'";
  if (auto control = first_control_character(text)) return quoted + " contains a control character (" + *control + ")";
  if (auto problem = url_or_path_problem(text)) return problem;
  if (is_ipv4(text) || is_ipv6(text)) return std::nullopt;
  if (text.size() > 2 && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close != std::string_view::npos && is_ipv6(text.substr(1, close - 1))) {
      if (close + 1 < text.size()) return quoted + " carries a port; write the address alone and set ssh_port or https_port";
      return quoted + ": write the IPv6 address without brackets";
    }
  }
  if (ends_with_port(text)) return quoted + " carries a port; write the address alone and set ssh_port or https_port";
  if (text.find(':') != std::string_view::npos) return quoted + " is neither a valid IP address nor a host name";
  return host_name_problem(text, false);
}

std::optional<std::string> display_name_problem(std::string_view text) {
  const std::string quoted = "'" + printable(text) + "'";
  if (auto control = first_control_character(text)) return quoted + " contains a control character (" + *control + ")";
  if (printable(text) != text) return quoted + " is not valid UTF-8 text";
  auto space = [](char c) { return c == ' '; };
  if (!text.empty() && (space(text.front()) || space(text.back()))) {
    return quoted + " starts or ends with a space; remove it";
  }
  return std::nullopt;
}

}  // namespace trustctl::config
