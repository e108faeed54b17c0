#include "plans/plan_document.hpp"

#include "plans/estimate.hpp"
#include "plans/render_json.hpp"
#include "plans/restart_waves.hpp"

#include <cstdint>
#include <future>
#include <map>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

namespace trustctl::plans {
namespace {

// A fleet's plan names the same few CA certificates on thousands of nodes; their subject, issuer and serial are
// decoded through OpenSSL once each.
struct CertificateNames {
  std::string issuer, serial, subject;
};

class DocumentWriter {
 public:
  DocumentWriter(JsonSink& out, const Plan& plan, const SavedPlanFields* saved, TrustctlVersion version)
      : m_out(out), m_plan(plan), m_saved(saved), m_version(saved || version == TrustctlVersion::included) {
    // The estimate (two critical paths, one over a reordered copy of the graph) reads the plan only, as the writing
    // does: for a fleet's plan it is worked out on another core while the actions are written, which is most of the
    // document. A small plan's is worked out in place when its turn comes.
    if (plan.graph.size() >= kEstimateAsideFrom && std::thread::hardware_concurrency() > 1) {
      try {
        m_estimate = std::async(std::launch::async, [&plan] { return plans::estimate(plan); });
      } catch (const std::system_error&) {
        // No thread to be had: the estimate is worked out in place, as for a small plan.
      }
    }
    // Each id is asked for again by every action that comes after it.
    m_ids.reserve(plan.graph.size());
    for (const auto& a : plan.graph.actions()) m_ids.push_back(a.id());
  }

  void write() {
    // Reasons, sources and findings name the site file as the plan file does (plans/plan_file.hpp).
    const bool rewrite = m_saved && !m_plan.site_file.empty() && m_saved->site_path != m_plan.site_file;
    auto rewriting = [&](bool on) {
      if (on && rewrite) m_out.set_rewrite(m_plan.site_file, m_saved->site_path);
      else m_out.clear_rewrite();
    };
    m_out.begin_object();
    rewriting(true);
    m_out.key("actions");
    m_out.begin_array();
    for (auto i : m_plan.order) action(i, m_plan.graph.action(i), m_ids[i]);
    m_out.end_array();
    rewriting(false);
    if (m_saved) certificates();
    if (m_saved) edges();
    estimate();
    m_out.member("format_version", kPlanFormatVersion);
    if (m_saved) layout(m_saved->layout);
    rewriting(true);
    m_out.member("lint", lint_to_json(m_plan.lint));
    m_out.key("manual_restarts");
    m_out.begin_array();
    for (const auto& a : m_plan.manual_restarts) action(kNone, a, a.id());
    m_out.end_array();
    strings("notes", m_plan.notes);
    rewriting(false);
    m_out.key("observed");
    m_out.begin_object();
    for (const auto& [node, digest] : m_plan.observed) m_out.member(node, digest);
    m_out.end_object();
    rewriting(true);
    restarts();
    rewriting(false);
    m_out.key("site");
    m_out.begin_object();
    m_out.member("digest_sha256", m_plan.site_digest);
    m_out.member("file", m_saved ? m_saved->site_path : m_plan.site_file);
    m_out.member("name", m_plan.site_name);
    m_out.end_object();
    summary();
    // Only a partial plan says so: a whole-site plan's document is unchanged by targeting's existence.
    if (m_plan.target.partial()) target();
    if (m_saved) timing(m_plan.timing);
    // Which trustctl made it, for the reviewer and for apply's comparison.
    if (m_version) m_out.member("trustctl_version", TRUSTCTL_VERSION);
    m_out.end_object();
  }

 private:
  static constexpr ActionGraph::Index kNone = static_cast<ActionGraph::Index>(-1);
  // Below this many actions the estimate takes milliseconds: not worth a thread.
  static constexpr std::size_t kEstimateAsideFrom = 2000;

  void strings(std::string_view name, const std::vector<std::string>& list) {
    m_out.key(name);
    m_out.begin_array();
    for (const auto& s : list) m_out.value(s);
    m_out.end_array();
  }

  const CertificateNames& names(const Certificate& c) {
    auto [it, added] = m_names.try_emplace(c.fingerprint());
    if (added) it->second = {c.issuer(), c.serial_hex(), c.subject()};
    return it->second;
  }

  // i: the action's index in the graph, or kNone for a manual restart (which is in no graph).
  void action(ActionGraph::Index i, const Action& a, const std::string& id) {
    m_out.begin_object();
    m_out.key("after");
    m_out.begin_array();
    if (i != kNone) {
      for (auto pre : m_plan.graph.predecessors(i)) {
        m_out.begin_object();
        m_out.member("id", m_ids[pre]);
        m_out.member("rule", m_plan.graph.rule_of(pre, i));
        m_out.end_object();
      }
    }
    m_out.end_array();
    if (a.certificate) {
      const CertificateNames& n = names(*a.certificate);
      m_out.key("certificate");
      m_out.begin_object();
      m_out.member("fingerprint_sha256", a.certificate->fingerprint());
      m_out.member("issuer", n.issuer);
      m_out.member("serial", n.serial);
      m_out.member("subject", n.subject);
      m_out.end_object();
    }
    m_out.member("cluster", a.cluster);
    m_out.member("description", a.describe());
    if (!a.file.empty()) m_out.member("file", a.file);
    m_out.member("id", id);
    if (!a.identity_node.empty()) {
      m_out.key("identity_of");
      m_out.begin_object();
      m_out.member("node", a.identity_node);
      m_out.member("unit", a.identity_unit);
      m_out.end_object();
    }
    if (!a.issuer_ca.empty()) m_out.member("issuer_ca", a.issuer_ca);
    m_out.member("kind", to_string(a.kind));
    if (a.multi_server) m_out.member("multi_server", true);
    m_out.member("node", a.node);
    if (m_saved && !a.orderings.empty()) {
      m_out.key("orderings");
      m_out.begin_array();
      for (const auto& o : a.orderings) {
        m_out.begin_object();
        m_out.member("group", o.group);
        m_out.member("phase", o.phase);
        m_out.end_object();
      }
      m_out.end_array();
    }
    if (!a.owes.empty()) {
      m_out.key("owes_restarts");
      m_out.begin_array();
      for (const auto& r : a.owes) {
        m_out.begin_object();
        m_out.member("node", r.node);
        m_out.member("service", r.service);
        m_out.end_object();
      }
      m_out.end_array();
    }
    if (m_saved) m_out.member("pending_from_journal", a.pending_from_journal);
    m_out.member("reason", a.reason);
    if (m_saved && a.region) {
      m_out.key("region");
      m_out.begin_object();
      m_out.member("column", a.region->column);
      if (a.region->file) m_out.member("file", *a.region->file);
      m_out.member("line", a.region->line);
      m_out.end_object();
    }
    if (!a.service.empty()) m_out.member("service", a.service);
    if (a.region) m_out.member("source", a.region->describe());
    if (!a.source_node.empty()) m_out.member("source_node", a.source_node);
    if (!a.store.empty()) m_out.member("store", a.store);
    m_out.end_object();
  }

  // The certificate itself goes into the file's one table (fingerprint -> PEM), each once.
  void certificates() {
    std::map<std::string_view, const Certificate*> table;
    auto add = [&](const Action& a) {
      if (a.certificate) table.try_emplace(a.certificate->fingerprint(), &*a.certificate);
    };
    for (auto i : m_plan.order) add(m_plan.graph.action(i));
    for (const auto& a : m_plan.manual_restarts) add(a);
    m_out.key("certificates");
    m_out.begin_object();
    for (const auto& [fingerprint, certificate] : table) m_out.member(fingerprint, certificate->pem());
    m_out.end_object();
  }

  // Edges by position in the run order, grouped by their later action and in the graph's own order of
  // predecessors, so a plan read back lists "after" hints exactly as the original did.
  void edges() {
    std::vector<std::uint64_t> position(m_plan.graph.size());
    for (std::size_t k = 0; k < m_plan.order.size(); ++k) position[m_plan.order[k]] = k;
    m_out.key("edges");
    m_out.begin_array();
    for (std::size_t k = 0; k < m_plan.order.size(); ++k) {
      for (auto pre : m_plan.graph.predecessors(m_plan.order[k])) {
        m_out.begin_object();
        m_out.member("after", std::uint64_t{k});
        m_out.member("before", position[pre]);
        m_out.member("rule", m_plan.graph.rule_of(pre, m_plan.order[k]));
        m_out.end_object();
      }
    }
    m_out.end_array();
  }

  void estimate() {
    const Estimate e = m_estimate.valid() ? m_estimate.get() : plans::estimate(m_plan);
    m_out.key("estimate");
    m_out.begin_object();
    m_out.member("duration_s", e.duration_s);
    if (e.other) {
      m_out.key("other");
      m_out.begin_object();
      m_out.member("duration_s", e.other->duration_s);
      m_out.member("restart_services", to_string(e.other->restart_services));
      m_out.end_object();
    }
    m_out.key("per_node");
    m_out.begin_array();
    for (const auto& node : e.per_node) {
      m_out.begin_object();
      m_out.member("cluster", node.cluster);
      m_out.member("down_s", node.down_s);
      m_out.member("node", node.node);
      m_out.member("restarts", node.restarts);
      m_out.end_object();
    }
    m_out.end_array();
    m_out.end_object();
  }

  // The renderers group and label nodes, and say how each cluster restarts, as when the plan was made.
  void layout(const Site& site) {
    m_out.key("layout");
    m_out.begin_object();
    m_out.key("clusters");
    m_out.begin_array();
    for (const auto& cluster : site.clusters) {
      m_out.begin_object();
      m_out.member("name", cluster.name);
      m_out.key("nodes");
      m_out.begin_array();
      for (const auto& node : cluster.nodes) {
        m_out.begin_object();
        m_out.member("fqdn", node.fqdn);
        m_out.member("name", node.name);
        m_out.member("role", to_string(node.role));
        m_out.end_object();
      }
      m_out.end_array();
      m_out.member("product", to_string(cluster.product));
      if (cluster.restart) m_out.member("restart", to_string(*cluster.restart));
      if (cluster.restart_services) m_out.member("restart_services", to_string(*cluster.restart_services));
      m_out.end_object();
    }
    m_out.end_array();
    m_out.member("restart_policy", to_string(site.policy.restart));
    // Written only when set, so a plan saved before the key existed still compares equal where the site never set it.
    if (site.policy.restart_services != ServiceRestarts::one_by_one) {
      m_out.member("restart_services", to_string(site.policy.restart_services));
    }
    m_out.end_object();
  }

  void restarts() {
    m_out.key("restarts");
    m_out.begin_array();
    for (const auto& wave : restart_waves(m_plan)) {
      m_out.begin_object();
      m_out.member("cluster", wave.cluster);
      m_out.key("nodes");
      m_out.begin_array();
      for (const auto& node : wave.nodes) {
        m_out.begin_object();
        m_out.member("down", node.whole ? "node" : "services");
        m_out.member("node", node.node);
        strings("services", node.services);
        if (node.together) m_out.member("together", true);
        m_out.end_object();
      }
      m_out.end_array();
      m_out.member("rolling", wave.rolling);
      m_out.end_object();
    }
    m_out.end_array();
  }

  void summary() {
    PlanSummary s = m_plan.summary();
    m_out.key("summary");
    m_out.begin_object();
    m_out.member("add", s.add);
    m_out.member("change", s.change);
    m_out.member("manual_restarts", s.manual_restarts);
    m_out.member("no_changes", m_plan.empty());
    m_out.member("remove", s.remove);
    m_out.member("restarts", s.restarts);
    m_out.member("waits", s.waits);
    m_out.end_object();
  }

  void target() {
    const PlanTarget& t = m_plan.target;
    m_out.key("target");
    m_out.begin_object();
    strings("clusters", t.clusters);
    strings("exclude_clusters", t.exclude_clusters);
    strings("exclude_nodes", t.exclude_nodes);
    strings("nodes", t.nodes);
    m_out.member("partial", true);
    strings("pulled_in", t.pulled_in);
    m_out.end_object();
  }

  // The [timing] the plan's estimate was made from, so a saved plan renders the same estimate.
  void timing(const Timing& timing) {
    m_out.key("timing");
    m_out.begin_object();
    m_out.member("command_s", timing.command_s);
    m_out.member("replication_s", timing.replication_s);
    m_out.key("restart_by_service");
    m_out.begin_object();
    for (const auto& [service, seconds] : timing.restart_by_service) m_out.member(service, seconds);
    m_out.end_object();
    m_out.member("restart_s", timing.restart_s);
    m_out.member("system_restart_s", timing.system_restart_s);
    m_out.end_object();
  }

  JsonSink& m_out;
  const Plan& m_plan;
  const SavedPlanFields* m_saved;
  bool m_version;  // "trustctl_version" is written
  std::vector<std::string> m_ids;
  std::unordered_map<std::string, CertificateNames> m_names;  // by fingerprint
  std::future<Estimate> m_estimate;  // worked out aside (a fleet's plan), or not valid()
};

}  // namespace

void write_plan_document(JsonSink& out, const Plan& plan, const SavedPlanFields* saved, TrustctlVersion version) {
  DocumentWriter(out, plan, saved, version).write();
}

}  // namespace trustctl::plans
