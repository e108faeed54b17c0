#pragma once
// DOT to SVG through Graphviz's `dot`, when it is installed (Debian package graphviz). trustctl does not link
// Graphviz: without it, `graph --format dot` still works and `--format svg` says what to install.

#include "engine/model/error.hpp"

#include <string>

namespace trustctl::cli {

// The first executable `dot` on PATH, or "" when there is none.
std::string find_dot();

// Runs `dot -Tsvg` on the text. An error names what failed (not installed, exit status, its stderr's first line).
Result<std::string> dot_to_svg(const std::string& dot);

}  // namespace trustctl::cli
