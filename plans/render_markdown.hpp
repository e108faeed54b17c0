#pragma once
// The plan for merge-request comments: the summary line, the restarts called out (they interrupt agents), one table
// row per node with its counts, then each node's actions in run order with their reasons and the site entry that
// asked for them. Plain GitHub/GitLab-flavoured Markdown, no ANSI; text from the site is escaped so a CN or a reason
// cannot break a table.

#include "engine/model/site.hpp"
#include "plans/plan.hpp"

#include <string>

namespace trustctl::plans {

std::string render_markdown(const Plan& plan, const Site& site);

// Escapes Markdown punctuation (and `|`, which would split a table cell); newlines become spaces and other control
// characters escapes.
std::string escape_markdown(const std::string& text);

}  // namespace trustctl::plans
