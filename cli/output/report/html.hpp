#pragma once
// Text into HTML and SVG: every name, subject and message the report shows comes from a site file or an appliance,
// so it is escaped (and stripped of control characters) before it reaches the page.

#include <string>
#include <string_view>

namespace trustctl::cli::report {

// &, <, >, " and ' as entities; control characters and bytes that are not UTF-8 as printable escapes.
std::string escape(std::string_view text);

// <tag class="..."> text </tag>, the text escaped.
std::string element(std::string_view tag, std::string_view text, std::string_view css_class = "");

}  // namespace trustctl::cli::report
