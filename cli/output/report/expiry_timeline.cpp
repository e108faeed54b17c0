#include "cli/output/report/expiry_timeline.hpp"

#include "cli/output/report/html.hpp"
#include "plans/render_text.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>

namespace trustctl::cli::report {
namespace {

constexpr int kLabelWidth = 210;
constexpr int kAxisWidth = 460;
constexpr int kRowHeight = 18;
constexpr int kTop = 34;

std::string label(const plans::ExpiryRow& row) {
  std::string cn = row.certificate.common_name();
  return row.node + " · " + (cn.empty() ? row.certificate.subject() : cn);
}

int year_of(TimePoint t) {
  return static_cast<int>(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t)).year());
}

TimePoint start_of_year(int year) {
  return std::chrono::sys_days(std::chrono::year(year) / std::chrono::January / 1);
}

}  // namespace

std::string render_expiry_timeline(const std::vector<plans::ExpiryRow>& rows, TimePoint now) {
  // The axis spans every validity period and today, in whole years.
  TimePoint first = now, last = now + std::chrono::days(365);
  for (const auto& r : rows) {
    first = std::min(first, r.certificate.not_before());
    last = std::max(last, r.certificate.not_after());
  }
  TimePoint from = start_of_year(year_of(first));
  TimePoint to = start_of_year(year_of(last) + 1);
  const double span = static_cast<double>((to - from).count());
  auto x_of = [&](TimePoint t) {
    return kLabelWidth + static_cast<int>(kAxisWidth * static_cast<double>((t - from).count()) / span);
  };
  const int height = kTop + static_cast<int>(rows.size()) * kRowHeight + 44;
  std::ostringstream svg;
  svg << "<svg id=\"expiry-timeline\" role=\"img\" aria-label=\"certificate expiry timeline\" width=\""
      << kLabelWidth + kAxisWidth + 20 << "\" height=\"" << height << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  // Year ticks, at most about twelve labels whatever the span.
  int first_year = year_of(from), last_year = year_of(to);
  int step = std::max(1, (last_year - first_year) / 12 + 1);
  for (int y = first_year; y <= last_year; y += step) {
    int x = x_of(start_of_year(y));
    svg << "<line class=\"tick\" x1=\"" << x << "\" y1=\"" << kTop - 6 << "\" x2=\"" << x << "\" y2=\"" << height - 24
        << "\"/><text x=\"" << x << "\" y=\"" << kTop - 10 << "\" text-anchor=\"middle\">" << y << "</text>\n";
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    int y = kTop + static_cast<int>(i) * kRowHeight;
    int x1 = x_of(r.certificate.not_before()), x2 = x_of(r.certificate.not_after());
    int window = x_of(r.certificate.not_after() - std::chrono::days(std::max<long>(0, r.days_left - r.renew_in_days)));
    const char* state = r.days_left < 0 ? "expired" : r.renew_in_days <= 0 ? "renew" : "valid";
    svg << "<g class=\"cert " << state << "\"><title>" << escape(label(r)) << " (" << escape(r.kind)
        << "): valid " << plans::utc_date(r.certificate.not_before()) << " to "
        << plans::utc_date(r.certificate.not_after()) << ", " << r.days_left << " day(s) left</title>"
        << "<text x=\"" << kLabelWidth - 6 << "\" y=\"" << y + 12 << "\" text-anchor=\"end\">"
        << escape(label(r).substr(0, 34)) << "</text>"
        << "<rect class=\"validity\" x=\"" << x1 << "\" y=\"" << y + 3 << "\" width=\"" << std::max(1, window - x1)
        << "\" height=\"" << kRowHeight - 6 << "\"/>"
        << "<rect class=\"window\" x=\"" << window << "\" y=\"" << y + 3 << "\" width=\"" << std::max(1, x2 - window)
        << "\" height=\"" << kRowHeight - 6 << "\"/></g>\n";
  }
  int today = x_of(now);
  svg << "<line id=\"today\" x1=\"" << today << "\" y1=\"" << kTop - 20 << "\" x2=\"" << today << "\" y2=\""
      << height - 24 << "\"/><text class=\"today\" x=\"" << today + 4 << "\" y=\"" << height - 26
      << "\">today " << plans::utc_date(now) << "</text>\n"
      << "<text x=\"" << kLabelWidth << "\" y=\"" << height - 6 << "\" class=\"axis-note\">"
      << "bar: validity · shaded end: renewal window</text>\n</svg>\n";
  return svg.str();
}

std::string render_expiry_table(const std::vector<plans::ExpiryRow>& rows) {
  std::ostringstream html;
  html << "<table id=\"expiry-table\"><thead><tr><th>node</th><th>what</th><th>subject</th><th>expires</th>"
          "<th>days left</th><th>renew in</th></tr></thead><tbody>\n";
  for (const auto& r : rows) {
    std::string cn = r.certificate.common_name();
    const char* state = r.days_left < 0 ? "failing" : r.renew_in_days <= 0 ? "warn" : "";
    html << "<tr class=\"" << state << "\">" << element("td", r.node) << element("td", r.kind)
         << element("td", cn.empty() ? r.certificate.subject() : cn)
         << element("td", plans::utc_date(r.certificate.not_after())) << "<td class=\"num\">" << r.days_left
         << "</td><td class=\"num\">" << r.renew_in_days << "</td></tr>\n";
  }
  html << "</tbody></table>\n";
  return html.str();
}

}  // namespace trustctl::cli::report
