#include "cli/output/report/trust_map.hpp"

#include "cli/output/report/html.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace trustctl::cli::report {
namespace {

constexpr int kColumns = 3;         // clusters per row: three fit a laptop screen
constexpr int kColumnWidth = 400;   // a cluster box and the gap its arrows use
constexpr int kClusterWidth = 230;
constexpr int kNodeWidth = 200;
constexpr int kNodeHeight = 48;
constexpr int kNodeGap = 14;
constexpr int kClusterHeader = 34;
constexpr int kRowGap = 70;
constexpr int kMargin = 50;

struct Box {
  int x = 0, y = 0, w = 0, h = 0;
  int cx() const { return x + w / 2; }
  int cy() const { return y + h / 2; }
};

struct Layout {
  std::vector<Box> clusters;             // by site order
  std::map<std::string, Box> nodes;      // by node name
  int width = 0, height = 0;
};

Layout lay_out(const Site& site) {
  Layout layout;
  int row_top = kMargin + 30;  // room for the legend
  int row_height = 0;
  for (std::size_t c = 0; c < site.clusters.size(); ++c) {
    if (c % kColumns == 0 && c > 0) {
      row_top += row_height + kRowGap;
      row_height = 0;
    }
    const Cluster& cluster = site.clusters[c];
    int n = static_cast<int>(cluster.nodes.size());
    Box box{kMargin + static_cast<int>(c % kColumns) * kColumnWidth, row_top, kClusterWidth,
            kClusterHeader + n * (kNodeHeight + kNodeGap) + 4};
    layout.clusters.push_back(box);
    for (int i = 0; i < n; ++i) {
      layout.nodes[cluster.nodes[i].name] =
          Box{box.x + (kClusterWidth - kNodeWidth) / 2, box.y + kClusterHeader + i * (kNodeHeight + kNodeGap),
              kNodeWidth, kNodeHeight};
    }
    row_height = std::max(row_height, box.h);
  }
  int columns = std::min<int>(kColumns, std::max<int>(1, static_cast<int>(site.clusters.size())));
  layout.width = 2 * kMargin + (columns - 1) * kColumnWidth + kClusterWidth + 60;
  layout.height = row_top + row_height + kMargin;
  return layout;
}

// A curve from the truster's box to the server's: side to side across columns, bowing out to the right within one.
std::string arrow_path(const Box& from, const Box& to, int lane) {
  std::ostringstream d;
  int bow = 30 + 12 * (lane % 4);
  if (from.cx() == to.cx()) {
    int x = from.x + from.w;
    d << "M" << x << "," << from.cy() << " C" << x + bow << "," << from.cy() << " " << x + bow << "," << to.cy()
      << " " << x + 4 << "," << to.cy();
  } else {
    bool right = to.cx() > from.cx();
    int x1 = right ? from.x + from.w : from.x;
    int x2 = right ? to.x - 4 : to.x + to.w + 4;
    int mid = (x1 + x2) / 2;
    int y1 = from.cy() + (lane % 3 - 1) * 8;
    int y2 = to.cy() + (lane % 3 - 1) * 8;
    d << "M" << x1 << "," << y1 << " C" << mid << "," << y1 - bow / 3 << " " << mid << "," << y2 - bow / 3 << " "
      << x2 << "," << y2;
  }
  return d.str();
}

// A node's colour: its own ports as verify judged them (green all ok, red any failing, grey none checked).
std::map<std::string, int> failing_ports(const std::vector<plans::VerifyRow>& rows, std::map<std::string, int>& seen) {
  std::map<std::string, int> failing;
  for (const auto& row : rows) {
    ++seen[row.node];
    if (!row.ok()) ++failing[row.node];
  }
  return failing;
}

void legend(std::ostringstream& svg) {
  int x = kMargin, y = kMargin - 10;
  svg << "<g class=\"legend\" font-size=\"12\">"
      << "<line x1=\"" << x << "\" y1=\"" << y << "\" x2=\"" << x + 36 << "\" y2=\"" << y
      << "\" class=\"rel-ok\" marker-end=\"url(#arrow-ok)\"/>"
      << "<text x=\"" << x + 44 << "\" y=\"" << y + 4 << "\">A → B: A trusts what B presents (in place)</text>"
      << "<line x1=\"" << x + 330 << "\" y1=\"" << y << "\" x2=\"" << x + 366 << "\" y2=\"" << y
      << "\" class=\"rel-failing\" marker-end=\"url(#arrow-failing)\"/>"
      << "<text x=\"" << x + 374 << "\" y=\"" << y + 4 << "\">not in place (see the verify matrix)</text></g>\n";
}

}  // namespace

std::vector<TrustRelation> trust_relations(const std::vector<plans::VerifyRow>& rows) {
  std::vector<TrustRelation> out;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const auto& row : rows) {
    for (const auto& check : row.trusted_by) {
      auto [at, added] = index.emplace(std::make_pair(check.truster, row.node), out.size());
      if (added) out.push_back({check.truster, row.node});
      TrustRelation& r = out[at->second];
      ++r.checks;
      r.failing += check.ok ? 0 : 1;
    }
  }
  return out;
}

std::string render_trust_map(const Site& site, const std::vector<plans::VerifyRow>& rows) {
  Layout layout = lay_out(site);
  std::ostringstream svg;
  svg << "<svg id=\"trust-map\" role=\"img\" aria-label=\"trust map of " << escape(site.name)
      << "\" viewBox=\"0 0 " << layout.width << " " << layout.height << "\" width=\"" << layout.width
      << "\" height=\"" << layout.height << "\" font-family=\"sans-serif\">\n"
      << "<defs>"
      << "<marker id=\"arrow-ok\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
         "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2e7d32\"/></marker>"
      << "<marker id=\"arrow-failing\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
         "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker>"
      << "</defs>\n";
  legend(svg);
  std::map<std::string, int> checked;
  auto failing = failing_ports(rows, checked);
  for (std::size_t c = 0; c < site.clusters.size(); ++c) {
    const Cluster& cluster = site.clusters[c];
    const Box& box = layout.clusters[c];
    svg << "<g class=\"cluster\" data-cluster=\"" << escape(cluster.name) << "\">"
        << "<rect x=\"" << box.x << "\" y=\"" << box.y << "\" width=\"" << box.w << "\" height=\"" << box.h
        << "\" rx=\"10\" class=\"cluster-box\"/>"
        << "<text x=\"" << box.x + 12 << "\" y=\"" << box.y + 22 << "\" class=\"cluster-name\">"
        << escape(cluster.name) << " <tspan class=\"product\">(" << escape(to_string(cluster.product))
        << (cluster.version.empty() ? "" : " " + escape(cluster.version)) << ")</tspan></text>\n";
    for (const auto& node : cluster.nodes) {
      const Box& n = layout.nodes[node.name];
      std::string state = !checked.count(node.name) ? "node-unchecked"
                          : failing.count(node.name) ? "node-failing"
                                                     : "node-ok";
      svg << "<g class=\"node " << state << "\" data-node=\"" << escape(node.name) << "\"><title>"
          << escape(node.fqdn) << " (" << to_string(node.role) << "): " << checked[node.name] << " port(s) checked, "
          << failing[node.name] << " failing</title>"
          << "<rect x=\"" << n.x << "\" y=\"" << n.y << "\" width=\"" << n.w << "\" height=\"" << n.h
          << "\" rx=\"6\"/>"
          << "<text x=\"" << n.x + 10 << "\" y=\"" << n.y + 20 << "\" class=\"node-name\">" << escape(node.name)
          << "</text>"
          << "<text x=\"" << n.x + 10 << "\" y=\"" << n.y + 38 << "\" class=\"node-fqdn\">" << escape(node.fqdn)
          << " · " << to_string(node.role) << "</text></g>\n";
    }
    svg << "</g>\n";
  }
  int lane = 0;
  for (const auto& r : trust_relations(rows)) {
    auto from = layout.nodes.find(r.truster);
    auto to = layout.nodes.find(r.server);
    if (from == layout.nodes.end() || to == layout.nodes.end()) continue;
    const char* cls = r.ok() ? "rel-ok" : "rel-failing";
    svg << "<path class=\"relation " << cls << "\" data-from=\"" << escape(r.truster) << "\" data-to=\""
        << escape(r.server) << "\" d=\"" << arrow_path(from->second, to->second, lane++)
        << "\" marker-end=\"url(#" << (r.ok() ? "arrow-ok" : "arrow-failing") << ")\"><title>" << escape(r.truster)
        << " trusts " << escape(r.server) << ": " << r.checks - r.failing << " of " << r.checks
        << " port(s) in place</title></path>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace trustctl::cli::report
