#pragma once
// The texts of the VOS admin CLI's terminal itself, which the SSH CLI session needs to know where a command's output
// ends: the prompt, the pager and the command that turns paging off (docs/appliances.md section 7). The commands and
// messages of the appliance's operations are in providers/vos/cli_messages.hpp.

#include <string_view>

namespace trustctl::transport::terminal {

inline constexpr std::string_view prompt = "admin:";  // the last bytes written, preceded by a newline
inline constexpr std::string_view banner = "Welcome to the Platform Command Line Interface";
inline constexpr std::string_view pager = "Press <enter> for 1 line, <space> for one page, or <q> to quit";
inline constexpr std::string_view pager_key = " ";  // one page at a time
inline constexpr std::string_view pagination_off_command = "set cli pagination off";
inline constexpr std::string_view pagination_off_reply = "Automatic pagination is turned off";

}  // namespace trustctl::transport::terminal
