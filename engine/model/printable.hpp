#pragma once
// Text that came from outside (a certificate's names, an appliance's answer, a site file) reaches the terminal in
// plans, reports and errors. A control character in it could move the cursor, erase or rewrite earlier lines, or
// change the terminal's settings, so every text renderer and error printer passes such text through printable().
// JSON output does not: its encoding escapes control characters itself and must stay exact.

#include <string>
#include <string_view>

namespace trustctl {

// A control character: C0 (below 0x20), DEL (0x7f), or a C1 control (U+0080..U+009F, which some terminals obey).
bool has_control_character(std::string_view text);

// The text with every control character written as an escape ("\n", "\r", "\t", "\x1b", "\u009b") and every byte
// that is not part of valid UTF-8 as "\xNN"; printable characters, UTF-8 included, are kept. Idempotent.
std::string printable(std::string_view text);

}  // namespace trustctl
