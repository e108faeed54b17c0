#include "plans/render_trust_dot.hpp"

#include "plans/render_dot.hpp"

#include <map>
#include <sstream>

namespace trustctl::plans {
namespace {

std::string node_id(const std::string& node) { return dot_quote("node:" + node); }
std::string cluster_id(const std::string& cluster) { return dot_quote("cluster_" + cluster); }

void clusters(std::ostringstream& out, const Site& site) {
  for (const auto& cluster : site.clusters) {
    bool external = !is_vos(cluster.product);
    out << "  subgraph " << cluster_id(cluster.name) << " {\n"
        << "    label=" << dot_quote(cluster.name + " (" + to_string(cluster.product) +
                                     (cluster.version.empty() ? "" : " " + cluster.version) + ")")
        << "; style=" << (external ? "\"rounded,dashed\"" : "rounded") << "; color=gray40;\n";
    for (const auto& node : cluster.nodes) {
      out << "    " << node_id(node.name) << " [label="
          << dot_quote(node.name + "\n" + node.fqdn + (external ? "" : "\n" + std::string(to_string(node.role))))
          << (external ? ", style=\"rounded,dashed\"" : "") << "];\n";
    }
    out << "  }\n";
  }
}

// An edge between two clusters: drawn from the first node of one to the first of the other, clipped at the boxes.
void cluster_edge(std::ostringstream& out, const Cluster& from, const Cluster& to, const std::string& label) {
  if (from.nodes.empty() || to.nodes.empty()) return;
  out << "  " << node_id(from.nodes.front().name) << " -> " << node_id(to.nodes.front().name)
      << " [ltail=" << cluster_id(from.name) << ", lhead=" << cluster_id(to.name) << ", label=" << dot_quote(label)
      << ", color=darkgreen];\n";
}

void integrations(std::ostringstream& out, const Site& site, const ProviderLookup& providers) {
  for (const auto& integration : site.integrations) {
    const Cluster* from = site.find_cluster(integration.from);
    const Cluster* to = site.find_cluster(integration.to);
    if (!from || !to) continue;
    const IntegrationRule* rule = providers.integration(from->product, to->product, integration.kind);
    if (!rule) continue;
    std::string why = "integration " + integration.from + " -> " + integration.to +
                      (integration.kind.empty() ? "" : " (" + integration.kind + ")");
    if (rule->caller_trusts_callee && is_vos(from->product)) {
      cluster_edge(out, *from, *to, std::string(rule->whole_chain ? "trusts the whole chain" : "trusts") + "\n" + why);
    }
    if (rule->callee_trusts_caller && is_vos(to->product)) cluster_edge(out, *to, *from, "trusts\n" + why);
  }
}

void explicit_trust(std::ostringstream& out, const Site& site) {
  std::map<std::string, std::string> anchors;  // what a [[trust]] entry names -> its DOT id
  auto anchor = [&](const CertificateRef& ref) {
    std::string key = ref.ca.empty() ? ref.text : ref.ca;
    auto [at, added] = anchors.emplace(key, dot_quote("trust:" + key));
    if (added) {
      std::string label = key;
      if (!ref.certificates.empty()) label += "\n" + ref.certificates.front().common_name();
      out << "  " << at->second << " [shape=ellipse, style=filled, fillcolor=lightyellow, label=" << dot_quote(label)
          << "];\n";
    }
    return at->second;
  };
  for (const auto& rule : site.trust) {
    const Cluster* cluster = rule.cluster ? site.find_cluster(*rule.cluster) : nullptr;
    const Node* node = rule.node ? site.find_node(*rule.node) : nullptr;
    if (!node && (!cluster || cluster->nodes.empty())) continue;
    std::string tail = node ? node_id(node->name) : node_id(cluster->nodes.front().name);
    std::string ltail = node ? "" : ", ltail=" + cluster_id(cluster->name);
    std::string where = rule.store + " (" + rule.region.describe() + ")";
    // anchor() may declare the ellipse, so it runs before the edge's line starts.
    for (const auto& ref : rule.certificates) {
      std::string head = anchor(ref);
      out << "  " << tail << " -> " << head << " [label=" << dot_quote("trusts in " + where) << ltail
          << ", color=darkgreen];\n";
    }
    for (const auto& ref : rule.absent) {
      std::string head = anchor(ref);
      out << "  " << tail << " -> " << head << " [label=" << dot_quote("must not trust (absent) in " + where)
          << ltail << ", color=red3, style=dashed];\n";
    }
  }
}

}  // namespace

std::string render_trust_dot(const Site& site, const ProviderLookup& providers) {
  std::ostringstream out;
  out << "digraph " << dot_quote("trustctl trust " + site.name) << " {\n"
      << "  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", labelloc=t, label="
      << dot_quote("trustctl trust: " + site.name + " (A -> B: A trusts B)") << "];\n"
      << "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  clusters(out, site);
  integrations(out, site, providers);
  explicit_trust(out, site);
  out << "}\n";
  return out.str();
}

}  // namespace trustctl::plans
