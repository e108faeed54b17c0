#include "cli/output/report/render_report.hpp"

#include "cli/output/report/expiry_timeline.hpp"
#include "cli/output/report/html.hpp"
#include "cli/output/report/trust_map.hpp"
#include "plans/render_text.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace trustctl::cli::report {
namespace {

// Inline, so the file shows the same anywhere (a mail attachment, an air-gapped laptop).
constexpr const char* kStyle = R"(
body { font-family: sans-serif; margin: 24px; color: #1b1b1b; background: #fafafa; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
.meta { color: #555; font-size: 13px; }
.badges span { display: inline-block; padding: 4px 10px; margin: 8px 8px 0 0; border-radius: 12px; font-size: 13px; }
.good { background: #e3f2e5; color: #1b5e20; } .bad { background: #fde7e7; color: #b71c1c; }
.neutral { background: #eceff1; color: #37474f; }
table { border-collapse: collapse; font-size: 12px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eceff1; } td.num { text-align: right; }
tr.failing td { background: #fde7e7; } tr.warn td { background: #fff6dc; }
.ok { color: #1b5e20; font-weight: bold; } .fail { color: #b71c1c; font-weight: bold; }
ul.problems { margin: 0; padding-left: 16px; }
.side { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
#trust-map .cluster-box { fill: #f3f6fb; stroke: #7a8ca5; stroke-width: 1.5; }
#trust-map .cluster-name { font-weight: bold; font-size: 14px; } #trust-map .product { font-weight: normal; fill: #555; }
#trust-map .node rect { stroke-width: 1.5; } #trust-map .node-ok rect { fill: #e3f2e5; stroke: #2e7d32; }
#trust-map .node-failing rect { fill: #fde7e7; stroke: #c62828; } #trust-map .node-unchecked rect { fill: #eee; stroke: #888; }
#trust-map .node-name { font-weight: bold; font-size: 13px; } #trust-map .node-fqdn { font-size: 10px; fill: #444; }
#trust-map .relation, #trust-map .legend line { fill: none; stroke-width: 2; }
.rel-ok { stroke: #2e7d32; } .rel-failing { stroke: #c62828; stroke-dasharray: 6 3; }
#expiry-timeline .tick { stroke: #ddd; } #expiry-timeline .validity { fill: #90caf9; }
#expiry-timeline .window { fill: #ffb74d; } #expiry-timeline .expired .validity { fill: #e57373; }
#expiry-timeline #today { stroke: #c62828; stroke-width: 2; } #expiry-timeline .today { fill: #c62828; }
#expiry-timeline .axis-note { fill: #666; }
)";

std::string badge(const std::string& text, const char* kind) {
  return std::string("<span class=\"") + kind + "\">" + escape(text) + "</span>";
}

std::string header(const ReportInput& in) {
  std::ostringstream html;
  int failing = static_cast<int>(std::count_if(in.verify.begin(), in.verify.end(),
                                               [](const plans::VerifyRow& r) { return !r.ok(); }));
  int expired = 0, renew = 0;
  for (const auto& r : in.expiry) {
    expired += r.days_left < 0;
    renew += r.days_left >= 0 && r.renew_in_days <= 0;
  }
  std::size_t nodes = in.inventory.node_count();
  html << "<h1>Trust report: " << escape(in.site.name) << "</h1>\n<div class=\"meta\">generated "
       << plans::utc_timestamp(in.now) << " by trustctl " << TRUSTCTL_VERSION << " from " << escape(in.plan.site_file)
       << " · " << in.site.clusters.size() << " cluster(s), " << nodes << " node(s)</div>\n<div class=\"badges\">"
       << badge("verify: " + std::to_string(in.verify.size() - failing) + " of " + std::to_string(in.verify.size()) +
                    " endpoint(s) ok",
                failing ? "bad" : "good")
       << badge(in.plan.empty() ? "plan: no changes" : plans::render_summary_line(in.plan.summary()),
                in.plan.empty() ? "good" : "neutral")
       << badge(std::to_string(expired) + " expired, " + std::to_string(renew) + " in their renewal window",
                expired ? "bad" : renew ? "neutral" : "good")
       << badge(std::to_string(in.owed.size()) + " restart(s) owed", in.owed.empty() ? "good" : "bad") << "</div>\n";
  return html.str();
}

std::string verify_matrix(const ReportInput& in) {
  std::ostringstream html;
  html << "<table id=\"verify-matrix\"><thead><tr><th>node</th><th>endpoint</th><th>what</th><th>service</th>"
          "<th>presents (SHA-256)</th><th>trusted by</th><th>result</th><th>problem and fix</th></tr></thead><tbody>\n";
  for (const auto& row : in.verify) {
    std::string endpoint = row.port.port == 0 ? row.fqdn : row.fqdn + ":" + std::to_string(row.port.port);
    std::string trusted;
    for (const auto& t : row.trusted_by) trusted += (trusted.empty() ? "" : " ") + t.truster + (t.ok ? " ✓" : " ✗");
    html << "<tr class=\"" << (row.ok() ? "" : "failing") << "\" data-node=\"" << escape(row.node) << "\">"
         << element("td", row.node) << element("td", endpoint) << element("td", row.port.what)
         << element("td", row.port.service) << element("td", row.presented.empty() ? "-" : row.presented)
         << element("td", trusted.empty() ? "-" : trusted)
         << (row.ok() ? "<td class=\"ok\">ok</td>" : "<td class=\"fail\">FAIL</td>") << "<td>";
    if (!row.problems.empty()) {
      html << "<ul class=\"problems\">";
      for (const auto& p : row.problems) html << element("li", p);
      html << "</ul>";
    }
    html << "</td></tr>\n";
  }
  html << "</tbody></table>\n";
  return html.str();
}

std::string inventory_table(const ReportInput& in) {
  std::ostringstream html;
  html << "<table id=\"nodes\"><thead><tr><th>cluster</th><th>node</th><th>role</th><th>identities</th>"
          "<th>trust entries</th><th>added by trustctl</th></tr></thead><tbody>\n";
  for (const auto& cluster : in.inventory.clusters) {
    for (const auto& node : cluster.nodes) {
      std::string identities;
      for (const auto& id : node.identities) {
        if (id.chain.empty()) continue;
        const Certificate& leaf = id.chain.front();
        identities += (identities.empty() ? "" : "; ") + id.unit + ": " +
                      (leaf.is_self_issued() ? "self-signed" : "issued by " + leaf.issuer()) + ", until " +
                      plans::utc_date(leaf.not_after());
      }
      if (cluster.external && !node.presented_chain.empty()) {
        identities = "presents " + node.presented_chain.front().subject();
      }
      std::size_t entries = 0, managed = 0;
      for (const auto& store : node.stores) {
        entries += store.entries.size();
        for (const auto& e : store.entries) managed += e.managed;
      }
      html << "<tr>" << element("td", cluster.name + " (" + cluster.product + ")") << element("td", node.name)
           << element("td", node.role) << element("td", identities.empty() ? "-" : identities) << "<td class=\"num\">"
           << entries << "</td><td class=\"num\">" << managed << "</td></tr>\n";
    }
  }
  html << "</tbody></table>\n";
  return html.str();
}

std::string planned_actions(const plans::Plan& plan) {
  std::ostringstream html;
  if (plan.empty()) return "<p id=\"plan-summary\" class=\"ok\">No changes: every node is in the described state.</p>\n";
  html << "<p id=\"plan-summary\">" << escape(plans::render_summary_line(plan.summary())) << "</p>\n"
       << "<table id=\"plan-actions\"><thead><tr><th>#</th><th>node</th><th>action</th><th>why</th></tr></thead>"
          "<tbody>\n";
  int step = 0;
  for (auto i : plan.order) {
    const Action& a = plan.graph.action(i);
    html << "<tr><td class=\"num\">" << ++step << "</td>" << element("td", a.node)
         << element("td", std::string(action_mark(a.kind)) + " " + a.describe()) << element("td", a.reason)
         << "</tr>\n";
  }
  for (const auto& a : plan.manual_restarts) {
    html << "<tr class=\"warn\"><td>manual</td>" << element("td", a.node) << element("td", "↻ " + a.describe())
         << element("td", a.reason) << "</tr>\n";
  }
  html << "</tbody></table>\n";
  for (const auto& note : plan.notes) html << element("p", "note: " + note);
  return html.str();
}

std::string pending_work(const ReportInput& in) {
  std::ostringstream html;
  html << "<h3>The plan now</h3>\n" << planned_actions(in.plan);
  html << "<h3>Restarts owed</h3>\n";
  if (in.owed.empty()) html << "<p>None: every change made so far has had its restarts.</p>\n";
  html << "<ul id=\"owed\">";
  for (const auto& o : in.owed) html << element("li", o.node + ": " + o.service + " (after " + o.owed_by + ")");
  html << "</ul>\n<h3>Lint findings</h3>\n<p>" << escape(pki::lint::summary(in.findings)) << "</p><ul id=\"findings\">";
  for (const auto& f : in.findings) {
    html << "<li>" << escape(pki::lint::headline(f)) << "<br><small>fix: " << escape(f.fix) << "</small></li>";
  }
  html << "</ul>\n<h3>Last applies</h3>\n";
  if (in.journal.applies.empty()) html << "<p>No apply recorded in the journal.</p>\n";
  html << "<table id=\"applies\"><thead><tr><th>apply</th><th>started</th><th>by</th><th>done</th><th>failed</th>"
          "<th>skipped</th><th>end</th></tr></thead><tbody>\n";
  // The ten most recent, newest first.
  const auto& applies = in.journal.applies;
  for (std::size_t k = 0; k < applies.size() && k < 10; ++k) {
    const ApplyRun& a = applies[applies.size() - 1 - k];
    std::string end = !a.ended ? "no end record: interrupted" : !a.stopped_by.empty() ? "stopped by " + a.stopped_by
                                                                                        : a.finished;
    html << "<tr class=\"" << (a.failed || !a.ended ? "failing" : "") << "\">" << element("td", a.id)
         << element("td", a.started) << element("td", a.user + "@" + a.host) << "<td class=\"num\">" << a.done
         << "</td><td class=\"num\">" << a.failed << "</td><td class=\"num\">" << a.skipped << "</td>"
         << element("td", end) << "</tr>\n";
  }
  html << "</tbody></table>\n";
  return html.str();
}

}  // namespace

std::string render_report_html(const ReportInput& in) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       << "<title>trustctl report: " << escape(in.site.name) << "</title><style>" << kStyle << "</style></head>\n<body>\n"
       << header(in)
       << "<section id=\"map\"><h2>Trust map</h2>\n" << render_trust_map(in.site, in.verify) << "</section>\n"
       << "<section id=\"verify\"><h2>Verify matrix</h2>\n" << verify_matrix(in) << "</section>\n"
       << "<section id=\"expiry\"><h2>Expiry</h2>\n<div class=\"side\">" << render_expiry_timeline(in.expiry, in.now)
       << render_expiry_table(in.expiry) << "</div></section>\n"
       << "<section id=\"pending\"><h2>Pending work</h2>\n" << pending_work(in) << "</section>\n"
       << "<section id=\"inventory\"><h2>Nodes</h2>\n" << inventory_table(in) << "</section>\n"
       << "</body></html>\n";
  return html.str();
}

}  // namespace trustctl::cli::report
