#include "cli/commands/commands.hpp"
#include "cli/output/errors.hpp"
#include "cli/output/machine_output.hpp"
#include "cli/stages/load_stage.hpp"
#include "cli/stages/refresh_stage.hpp"
#include "cli/stages/target_stage.hpp"
#include "engine/model/printable.hpp"
#include "plans/expiry.hpp"
#include "plans/render_text.hpp"
#include "providers/vos/vos_refresh.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace trustctl::cli {

// Every identity and trust certificate on every node, soonest expiry first. With --within, exit 2 when anything
// expires or enters its renewal window within that many days (for monitoring jobs).
int run_expiry(const CommonOptions& common, const ExpiryOptions& options, const providers::Registry& registry) {
  auto context = load(common, registry);
  if (!context || !read_stores(*context)) return kExitError;
  const Terminal& term = context->term;
  const Site* site = &context->site;
  const LiveState* live = &context->live;
  auto rows = plans::expiry_rows(*site, *live, now_utc());
  if (common.target.any()) {
    auto targeted = target_nodes(*context);
    if (!targeted) return kExitError;
    std::erase_if(rows, [&](const plans::ExpiryRow& r) { return !targeted->count(r.node); });
  }
  bool due = false;
  if (options.within >= 0) {
    due = std::any_of(rows.begin(), rows.end(),
                      [&](const plans::ExpiryRow& r) { return plans::expiry_due(r, options.within); });
  }
  if (common.format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : rows) {
      list.push_back({{"node", r.node},
                      {"kind", r.kind},
                      {"subject", r.certificate.subject()},
                      {"fingerprint_sha256", r.certificate.fingerprint()},
                      {"not_after", plans::utc_date(r.certificate.not_after())},
                      {"days_left", r.days_left},
                      {"renew_in_days", r.renew_in_days}});
    }
    print_json({{"certificates", list}, {"due", due}});
  } else {
    std::printf("%-10s %-22s %-11s %9s %9s  %s\n", "node", "what", "expires", "days left", "renew in", "subject");
    for (const auto& r : rows) {
      std::string cn = r.certificate.common_name();
      std::string line;
      char buf[512];
      std::snprintf(buf, sizeof buf, "%-10s %-22s %-11s %9ld %9ld  %s", r.node.c_str(), r.kind.c_str(),
                    plans::utc_date(r.certificate.not_after()).c_str(), r.days_left, r.renew_in_days,
                    printable(cn.empty() ? r.certificate.subject() : cn).c_str());
      line = buf;
      bool soon = plans::expiry_due(r, options.within);
      std::cout << (r.days_left < 0 ? term.red(line) : soon ? term.yellow(line) : line) << "\n";
    }
  }
  return due ? kExitChanges : kExitOk;
}

}  // namespace trustctl::cli
