#pragma once
// What a name in the site file may be, as pure functions: each returns what is wrong with the text, for a message
// that names the key ("cluster.nodes[0].fqdn: <problem>"), or nothing when the text is fine. The loader calls them;
// schemas/site.schema.json carries the same rules as patterns (a unit test keeps both in agreement).

#include <optional>
#include <string>
#include <string_view>

namespace trustctl::config {

// The same rules as patterns, in the ECMAScript syntax JSON Schema uses, for editors: schemas/site.schema.json carries
// these texts exactly, and a unit test checks that they agree with the functions below (which also say what is wrong).
inline constexpr std::string_view kHostNamePattern =
    R"(^(?![0-9.]+$)(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$)";
inline constexpr std::string_view kDisplayNamePattern = R"(^(?! )(?!.* $)[^\x00-\x1f\x7f-\x9f]+$)";

// A DNS host name as certificates carry it: labels of letters, digits and '-' (not first or last), 1..63 characters
// each, 253 in all; no trailing dot, no port, path or URL. An IP address is not a host name (ip_is_problem: say so).
std::optional<std::string> host_name_problem(std::string_view text, bool ip_is_problem = true);

// Where to connect: an IPv4 or IPv6 address (without brackets) or a host name; never a port or a URL.
std::optional<std::string> address_problem(std::string_view text);

// A name people give (site, cluster, node, CA, credential set): printable UTF-8 without control characters, and
// without spaces around it (they would be invisible in every message).
std::optional<std::string> display_name_problem(std::string_view text);

// The first control character in text, as "0x1b at character 4" (nullopt when there is none).
std::optional<std::string> first_control_character(std::string_view text);

}  // namespace trustctl::config
