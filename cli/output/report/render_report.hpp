#pragma once
// `trustctl report`: one self-contained HTML page (inline CSS and SVG; no script, font or request of any kind) for a
// change board or an on-call engineer. Every fact comes from the structures `show`, `verify`, `expiry`, `plan` and
// `journal` print; this module only lays them out.

#include "engine/model/site.hpp"
#include "engine/state/journal_summary.hpp"
#include "engine/state/pending_restart.hpp"
#include "plans/expiry.hpp"
#include "plans/inventory.hpp"
#include "plans/plan.hpp"
#include "plans/verify.hpp"
#include "providers/pki/lint/finding.hpp"

#include <string>
#include <vector>

namespace trustctl::cli::report {

struct ReportInput {
  const Site& site;
  const plans::Inventory& inventory;               // show
  const std::vector<plans::VerifyRow>& verify;     // verify
  const std::vector<plans::ExpiryRow>& expiry;     // expiry
  const plans::Plan& plan;                         // plan
  const std::vector<PendingRestart>& owed;         // the journal's owed restarts
  const std::vector<pki::lint::Finding>& findings;  // the plan's lint findings
  const JournalView& journal;                       // journal
  TimePoint now;
};

std::string render_report_html(const ReportInput& input);

}  // namespace trustctl::cli::report
