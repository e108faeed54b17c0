// `trustctl report SITE --out report.html`: the site on one page, for people who would rather look than read. The
// facts are the ones the other commands print, gathered by the same stages: plan (refresh, plan, lint), show's
// inventory (every identity unit, every external host), expiry's rows, verify's matrix and the journal's applies;
// cli/output/report/ only lays them out.

#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/report/render_report.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/plan_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "cli/stages/verify_stage.hpp"
#include "engine/base/atomic_file.hpp"
#include "engine/state/journal.hpp"
#include "engine/state/journal_summary.hpp"
#include "plans/expiry.hpp"
#include "plans/inventory.hpp"

#include <iostream>

namespace trustctl::cli {

int run_report(const CommonOptions& common, const ReportOptions& options, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context || !refresh_and_plan(*context)) return kExitError;
  const Site& site = context->site;
  context->term.progress("report: reading every identity unit and external host...");
  auto inventory_read = refresh_partial(*context, {.presented = true, .every_identity_unit = true, .every_external = true});
  if (!inventory_read) return kExitError;
  if (!inventory_read->errors.empty()) {
    report_errors(inventory_read->errors, common, context->term);
    return kExitError;
  }
  auto verified = verify(*context);
  if (!verified) return kExitError;
  auto journal = Journal::read(site.state_dir);
  if (!journal) {
    report_errors({journal.error()}, common, context->term);
    return kExitError;
  }
  const TimePoint now = now_utc();
  auto inventory = plans::make_inventory(site, inventory_read->state, registry, context->managed, {}, now);
  auto expiry = plans::expiry_rows(site, inventory_read->state, now);
  auto applies = summarise(*journal);
  std::string html = report::render_report_html({.site = site,
                                                 .inventory = inventory,
                                                 .verify = verified->rows,
                                                 .expiry = expiry,
                                                 .plan = context->plan,
                                                 .owed = context->owed,
                                                 .findings = context->findings,
                                                 .journal = applies,
                                                 .now = now});
  if (auto written = AtomicFile::replace(options.out, html); !written) {
    report_errors({written.error()}, common, context->term);
    return kExitError;
  }
  std::cerr << "Wrote the report of " << site.name << " to " << options.out << " (" << verified->rows.size()
            << " endpoint(s), " << expiry.size() << " certificate(s)); open it in a browser.\n";
  return kExitOk;
}

}  // namespace trustctl::cli
