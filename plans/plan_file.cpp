#include "plans/plan_file.hpp"

#include "engine/base/atomic_file.hpp"
#include "engine/base/background_file_writer.hpp"

#include "plans/json_view.hpp"
#include "plans/plan_document.hpp"
#include "plans/render_json.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <unordered_map>

namespace trustctl::plans {
namespace {

using nlohmann::json;

// The site file's path as the plan file names it (from) and as this run names it (to).
struct SitePathRewrite {
  std::string from, to;
};

// Every mention of the site file's path in one of the plan's strings (reasons, sources, regions, notes, findings) as
// this run names it: a plan saved in one checkout then reads the same in another, and compares equal there.
void rewrite_site_path(std::string& text, const SitePathRewrite& rewrite) {
  const auto& [from, to] = rewrite;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Every kind a saved plan may hold. A kind added to ActionKind must be added here too, or its plans cannot be read
// back (plan_file_test round-trips one action of each kind).
constexpr ActionKind kKinds[] = {ActionKind::upload_trust,     ActionKind::delete_trust,
                                 ActionKind::wait_replication, ActionKind::restart_service,
                                 ActionKind::restart_system,   ActionKind::renew_identity,
                                 ActionKind::regenerate_identity, ActionKind::install_identity,
                                 ActionKind::wait_identity};

// Reads typed fields and remembers the first problem with its JSON path, so the checks read as a list of fields
// instead of a ladder of early returns. Callers check failed() before using what they read.
class Reader {
 public:
  explicit Reader(std::string source, const SitePathRewrite* rewrite = nullptr)
      : m_source(std::move(source)), m_rewrite(rewrite) {}

  // While on, every string read has the site file's path as the plan file names it replaced by the path as this run
  // names it (read_saved_plan): the document itself stays as written, for apply's comparison.
  void rewriting(bool on) { m_rewriting = on && m_rewrite; }
  std::string text(std::string_view value) const {
    std::string out(value);
    if (m_rewriting) rewrite_site_path(out, *m_rewrite);
    return out;
  }

  bool failed() const { return m_error.has_value(); }
  Error error() const { return *m_error; }

  void problem(const std::string& where, const std::string& what) {
    if (m_error) return;
    m_error = Error(ErrorCode::io, m_source + ": " + (where.empty() ? "" : where + ": ") + what +
                                       " (not a plan written by `trustctl plan --out`, or edited since)");
  }
  std::optional<JsonView> member(const JsonView& object, const std::string& where, const char* key, bool required) {
    if (!object.is_object()) {
      problem(where, "expected an object");
      return std::nullopt;
    }
    auto value = object.find(key);
    if (!value && required) problem(join(where, key), "missing");
    return value;
  }

  std::string string(const JsonView& object, const std::string& where, const char* key, bool required = true) {
    auto value = member(object, where, key, required);
    if (!value) return {};
    if (!value->is_string()) {
      problem(join(where, key), "expected a string");
      return {};
    }
    return text(value->string());
  }

  long long integer(const JsonView& object, const std::string& where, const char* key, bool required = true) {
    auto value = member(object, where, key, required);
    if (!value) return 0;
    if (!value->is_number_integer()) {
      problem(join(where, key), "expected an integer");
      return 0;
    }
    return value->integer();
  }

  bool boolean(const JsonView& object, const std::string& where, const char* key) {
    auto value = member(object, where, key, false);
    if (!value) return false;
    if (!value->is_boolean()) {
      problem(join(where, key), "expected true or false");
      return false;
    }
    return value->boolean();
  }

  // The elements of an array member (none when it is missing or no array, with the problem noted).
  std::vector<JsonView> array(const JsonView& object, const std::string& where, const char* key) {
    auto value = member(object, where, key, true);
    if (!value) return {};
    if (!value->is_array()) {
      problem(join(where, key), "expected an array");
      return {};
    }
    return value->elements();
  }

  static std::string join(const std::string& where, const std::string& key) {
    return where.empty() ? key : where + "." + key;
  }

 private:
  std::string m_source;
  std::optional<Error> m_error;
  const SitePathRewrite* m_rewrite;
  bool m_rewriting = false;
};

class PlanDecoder {
 public:
  PlanDecoder(const std::string& source, const CertificateUnits& units, const SitePathRewrite* rewrite = nullptr,
              CertificateDecoding decoding = CertificateDecoding::names)
      : m_source(source), m_read(source, rewrite), m_units(units), m_decoding(decoding) {}

  Result<SavedPlan> decode(const JsonView& doc) {
    if (!doc.is_object()) return fail(Error(ErrorCode::io, source_error("expected a JSON object")));
    auto version = doc.find("format_version");
    if (!version) {
      return fail(Error(ErrorCode::io, source_error("no format_version: this is not a trustctl plan file")));
    }
    if (!version->is_number_integer()) {
      return fail(Error(ErrorCode::io, source_error("format_version: expected an integer")));
    }
    // Compared exactly and quoted as written: a cast to int would wrap 18446744073709551615 into -1.
    if (version->integer() != kPlanFormatVersion) {  // saturated, never wrapped: a huge version stays unequal
      bool newer = version->integer_greater_than(kPlanFormatVersion);
      std::string hint = newer ? "; it was written by a newer trustctl: upgrade, or plan again"
                                                       : "; plan again with this trustctl";
      return fail(Error(ErrorCode::io, source_error("format_version " + version->dump() +
                                                    " is not supported (this trustctl reads version " +
                                                    std::to_string(kPlanFormatVersion) + ")" + hint)));
    }
    // A `plan --format json` document has the same shape but not what a re-apply needs; say so plainly.
    if (!doc.contains("edges") || !doc.contains("layout") || !doc.contains("certificates")) {
      return fail(Error(ErrorCode::io, source_error("this is the output of `trustctl plan --format json`, which "
                                                    "lacks the certificates and ordering edges an apply needs; save "
                                                    "plans with `trustctl plan SITE --out FILE`")));
    }

    SavedPlan saved;
    Plan& plan = saved.plan;
    plan.units = m_units;
    if (auto site = m_read.member(doc, "", "site", true)) {
      plan.site_name = m_read.string(*site, "site", "name");
      plan.site_file = m_read.string(*site, "site", "file");
      plan.site_digest = m_read.string(*site, "site", "digest_sha256");
    }
    if (auto observed = m_read.member(doc, "", "observed", true)) {
      if (!observed->is_object()) m_read.problem("observed", "expected an object of node -> digest");
      for (const auto& [node, digest] : observed->items()) {
        if (!digest.is_string()) m_read.problem("observed." + std::string(node), "expected a string");
        else plan.observed[std::string(node)] = std::string(digest.string());
      }
    }

    certificates(doc);
    // The strings the site path is rewritten in: those of actions, manual restarts, notes and lint.
    m_read.rewriting(true);
    const std::vector<JsonView> actions = m_read.array(doc, "", "actions");
    plan.order.reserve(actions.size());
    plan.graph.reserve(actions.size());  // exact: an Action is large, and growing by doubling moved them all each time
    for (std::size_t k = 0; k < actions.size() && !m_read.failed(); ++k) {
      plan.graph.add(action(actions[k], "actions[" + std::to_string(k) + "]"));
      plan.order.push_back(k);
    }
    const std::vector<JsonView> manual = m_read.array(doc, "", "manual_restarts");
    for (std::size_t k = 0; k < manual.size() && !m_read.failed(); ++k) {
      plan.manual_restarts.push_back(action(manual[k], "manual_restarts[" + std::to_string(k) + "]"));
    }
    const std::vector<JsonView> notes = m_read.array(doc, "", "notes");
    for (std::size_t k = 0; k < notes.size() && !m_read.failed(); ++k) {
      if (!notes[k].is_string()) m_read.problem("notes[" + std::to_string(k) + "]", "expected a string");
      else plan.notes.push_back(m_read.text(notes[k].string()));
    }
    m_read.rewriting(false);
    const std::vector<JsonView> edges = m_read.array(doc, "", "edges");
    for (std::size_t k = 0; k < edges.size() && !m_read.failed(); ++k) {
      std::string where = "edges[" + std::to_string(k) + "]";
      long long before = m_read.integer(edges[k], where, "before");
      long long after = m_read.integer(edges[k], where, "after");
      std::string rule = m_read.string(edges[k], where, "rule");
      if (m_read.failed()) break;
      long long n = static_cast<long long>(plan.graph.size());
      if (before < 0 || after < 0 || before >= n || after >= n) {
        m_read.problem(where, "names an action that does not exist (there are " + std::to_string(n) + ")");
      } else if (before >= after) {
        // Actions are saved in run order, so every edge points forward; one that does not would mean a cycle.
        m_read.problem(where, "points backwards in the run order (" + std::to_string(before) + " -> " +
                                  std::to_string(after) + ")");
      } else {
        plan.graph.order(static_cast<ActionGraph::Index>(before), static_cast<ActionGraph::Index>(after), rule);
      }
    }
    m_read.rewriting(true);
    if (auto lint = m_read.member(doc, "", "lint", false)) plan.lint = this->lint(*lint);
    m_read.rewriting(false);
    if (auto target = m_read.member(doc, "", "target", false)) plan.target = this->target(*target);
    if (auto layout = m_read.member(doc, "", "layout", true)) saved.layout = this->layout(*layout);
    if (auto timing = m_read.member(doc, "", "timing", false)) plan.timing = this->timing(*timing);
    if (m_read.failed()) return fail(m_read.error());
    saved.layout.timing = plan.timing;
    plan.topology = topology_of(saved.layout);
    saved.layout.name = plan.site_name;
    saved.layout.file = plan.site_file;
    saved.layout.file_digest = plan.site_digest;
    return saved;
  }

 private:
  std::string source_error(const std::string& what) const { return m_source + ": " + what; }

  Action action(const JsonView& j, const std::string& where) {
    Action a;
    std::string kind = m_read.string(j, where, "kind");
    bool known = false;
    for (ActionKind k : kKinds) {
      if (kind == to_string(k)) {
        a.kind = k;
        known = true;
      }
    }
    if (!known && !m_read.failed()) m_read.problem(where + ".kind", "unknown action kind '" + kind + "'");
    a.node = m_read.string(j, where, "node");
    a.cluster = m_read.string(j, where, "cluster");
    a.store = m_read.string(j, where, "store", false);
    a.file = m_read.string(j, where, "file", false);
    a.service = m_read.string(j, where, "service", false);
    a.source_node = m_read.string(j, where, "source_node", false);
    if (auto of = m_read.member(j, where, "identity_of", false)) {
      // Not an object: member() says so, naming identity_of.
      a.identity_node = m_read.string(*of, where + ".identity_of", "node");
      a.identity_unit = m_read.string(*of, where + ".identity_of", "unit");
    }
    a.issuer_ca = m_read.string(j, where, "issuer_ca", false);
    a.multi_server = m_read.boolean(j, where, "multi_server");
    a.reason = m_read.string(j, where, "reason");
    a.pending_from_journal = m_read.boolean(j, where, "pending_from_journal");
    if (auto orderings = m_read.member(j, where, "orderings", false)) {
      const std::string at = where + ".orderings";
      if (!orderings->is_array()) m_read.problem(at, "expected an array");
      for (const auto& o : orderings->elements()) {
        a.orderings.push_back({m_read.string(o, at, "group"), static_cast<int>(m_read.integer(o, at, "phase"))});
      }
    }
    if (auto owes = m_read.member(j, where, "owes_restarts", false)) {
      // Named once per action: an upload on UCCX owes a dozen restarts, and a fleet's plan has thousands of uploads.
      const std::string at = where + ".owes_restarts";
      if (!owes->is_array()) m_read.problem(at, "expected an array");
      const std::vector<JsonView> owed = owes->elements();
      a.owes.reserve(owed.size());
      for (const auto& o : owed) {
        a.owes.push_back({m_read.string(o, at, "node"), m_read.string(o, at, "service")});
      }
    }
    // Plans saved before an action could belong to several groups carry one.
    std::string legacy_group = m_read.string(j, where, "ordering_group", false);
    if (!legacy_group.empty()) {
      a.orderings.push_back({legacy_group, static_cast<int>(m_read.integer(j, where, "ordering_phase", false))});
    }
    if (auto cert = m_read.member(j, where, "certificate", false)) {
      a.certificate = certificate(*cert, where + ".certificate");
    }
    if (auto region = m_read.member(j, where, "region", false)) {
      SourceRegion r;
      std::string file = m_read.string(*region, where + ".region", "file", false);
      if (!file.empty()) r.file = shared_path(file);
      r.line = static_cast<int>(m_read.integer(*region, where + ".region", "line"));
      r.column = static_cast<int>(m_read.integer(*region, where + ".region", "column"));
      a.region = r;
    }
    if (known) required_fields(a, where);
    std::string id = m_read.string(j, where, "id");
    if (!m_read.failed() && id != a.id()) {
      m_read.problem(where + ".id", "'" + id + "' does not match the action's fields ('" + a.id() + "')");
    }
    return a;
  }

  // What each kind cannot run without: an action missing it would reach the runner empty-handed.
  void required_fields(const Action& a, const std::string& where) {
    auto need = [&](bool present, const char* what) {
      if (!present) m_read.problem(where, std::string("a ") + to_string(a.kind) + " action needs " + what);
    };
    switch (a.kind) {
      case ActionKind::upload_trust:
        need(a.certificate.has_value() || !a.identity_node.empty(), "a certificate (or identity_of)");
        need(!a.store.empty(), "a store");
        break;
      case ActionKind::install_identity:
        need(a.certificate.has_value(), "a certificate");
        need(!a.store.empty(), "a store");
        break;
      case ActionKind::delete_trust:
        need(a.certificate.has_value(), "a certificate");
        need(!a.file.empty(), "a file");
        need(!a.store.empty(), "a store");
        break;
      case ActionKind::wait_replication:
        need(a.certificate.has_value() || !a.identity_node.empty(), "a certificate (or identity_of)");
        need(!a.source_node.empty(), "a source_node");
        break;
      case ActionKind::wait_identity: need(!a.source_node.empty(), "a source_node"); break;
      case ActionKind::restart_service: need(!a.service.empty(), "a service"); break;
      case ActionKind::restart_system: break;
      case ActionKind::renew_identity: need(!a.issuer_ca.empty(), "an issuer_ca"); break;
      case ActionKind::regenerate_identity: need(!a.store.empty(), "a store"); break;
      case ActionKind::export_csr: m_read.problem(where, "a saved plan never holds a CSR export (trustctl csr)"); break;
    }
  }

  // The file's certificate table: each PEM's DER checked against the fingerprint that names it (SHA-256 of the DER),
  // and kept as a certificate decoded on first use, which the actions read next take copies of. With
  // CertificateDecoding::names each is also proven a certificate by reading its names from the DER
  // (Certificate::named_from_der: microseconds, where OpenSSL decodes a whole certificate in about 0.1 ms), which is
  // all that showing a plan asks of it.
  void certificates(const JsonView& doc) {
    auto table = m_read.member(doc, "", "certificates", true);
    if (!table) return;
    if (!table->is_object()) {
      m_read.problem("certificates", "expected an object of fingerprint -> PEM");
      return;
    }
    for (const auto& [key, pem] : table->items()) {
      const std::string fingerprint(key);
      const std::string where = "certificates." + fingerprint.substr(0, 16);
      auto der = pem.is_string() ? der_of_one_pem_certificate(pem.string())
                                 : Result<std::string>(fail(ErrorCode::io, "not a string"));
      if (!der) {
        m_read.problem(where, "expected exactly one PEM certificate");
        return;
      }
      const Certificate one = Certificate::decoded_on_first_use(*der);
      if (one.fingerprint() != fingerprint) {
        m_read.problem(where, "the PEM does not match the fingerprint that names it");
        return;
      }
      if (m_decoding == CertificateDecoding::on_first_use) {
        m_certificates.insert_or_assign(fingerprint, one);  // named twice: the last, as everywhere
        continue;
      }
      auto named = Certificate::named_from_der(std::move(*der));
      if (!named) {
        m_read.problem(where, "expected exactly one PEM certificate");
        return;
      }
      m_certificates.insert_or_assign(fingerprint, *named);
    }
  }

  std::optional<Certificate> certificate(const JsonView& j, const std::string& where) {
    std::string fingerprint = m_read.string(j, where, "fingerprint_sha256");
    if (m_read.failed()) return std::nullopt;
    auto it = m_certificates.find(fingerprint);
    if (it == m_certificates.end()) {
      m_read.problem(where, "certificate " + fingerprint.substr(0, 16) + " is not in the file's certificates table");
      return std::nullopt;
    }
    return it->second;
  }

  std::shared_ptr<const std::string> shared_path(const std::string& file) {
    auto [it, inserted] = m_paths.try_emplace(file, nullptr);
    if (inserted) it->second = std::make_shared<const std::string>(file);
    return it->second;
  }

  // Seconds as [timing] allows them (docs/site-format.md): a number from 0 to a day.
  double seconds(const JsonView& j, const std::string& where, const std::string& key) {
    auto value = m_read.member(j, where, key.c_str(), true);
    if (!value) return 0;
    if (!value->is_number() || !(value->number() >= 0 && value->number() <= 86400)) {
      m_read.problem(Reader::join(where, key), "expected seconds (a number from 0 to 86400)");
      return 0;
    }
    return value->number();
  }

  // Plans saved before the estimate have no "timing": they keep the defaults.
  Timing timing(const JsonView& j) {
    Timing out;
    out.command_s = seconds(j, "timing", "command_s");
    out.restart_s = seconds(j, "timing", "restart_s");
    out.system_restart_s = seconds(j, "timing", "system_restart_s");
    out.replication_s = seconds(j, "timing", "replication_s");
    auto per_service = m_read.member(j, "timing", "restart_by_service", true);
    if (!per_service) return out;
    if (!per_service->is_object()) {
      m_read.problem("timing.restart_by_service", "expected an object of service -> seconds");
      return out;
    }
    for (const auto& [service, value] : per_service->items()) {
      if (m_read.failed()) break;
      const std::string name(service);
      out.restart_by_service[name] = seconds(*per_service, "timing.restart_by_service", name);
    }
    return out;
  }

  // Plans saved before findings travelled with them have no "lint": an empty one.
  PlanLint lint(const JsonView& j) {
    PlanLint out;
    out.policy = m_read.string(j, "lint", "policy");
    out.blocks_apply = m_read.boolean(j, "lint", "blocks_apply");
    const std::vector<JsonView> findings = m_read.array(j, "lint", "findings");
    for (std::size_t k = 0; k < findings.size() && !m_read.failed(); ++k) {
      std::string where = "lint.findings[" + std::to_string(k) + "]";
      PlanFinding f{m_read.string(findings[k], where, "rule"), m_read.string(findings[k], where, "severity"),
                    m_read.string(findings[k], where, "subject"), m_read.string(findings[k], where, "message"),
                    m_read.string(findings[k], where, "fix"), m_read.boolean(findings[k], where, "deployed")};
      out.findings.push_back(std::move(f));
    }
    return out;
  }

  std::vector<std::string> strings(const JsonView& j, const char* key) {
    std::vector<std::string> out;
    const std::vector<JsonView> list = m_read.array(j, "target", key);
    for (std::size_t k = 0; k < list.size() && !m_read.failed(); ++k) {
      std::string where = std::string("target.") + key + "[" + std::to_string(k) + "]";
      if (!list[k].is_string()) {
        m_read.problem(where, "expected a string");
      } else {
        out.emplace_back(list[k].string());
      }
    }
    return out;
  }

  // A partial plan's target (absent: the whole site).
  PlanTarget target(const JsonView& j) {
    PlanTarget out;
    out.clusters = strings(j, "clusters");
    out.nodes = strings(j, "nodes");
    out.exclude_clusters = strings(j, "exclude_clusters");
    out.exclude_nodes = strings(j, "exclude_nodes");
    out.pulled_in = strings(j, "pulled_in");
    if (!m_read.failed() && !out.partial()) m_read.problem("target", "names no cluster or node");
    return out;
  }

  Site layout(const JsonView& j) {
    Site site;
    std::string policy = m_read.string(j, "layout", "restart_policy");
    if (auto known = restart_policy_from_string(policy)) site.policy.restart = *known;
    else if (!m_read.failed()) m_read.problem("layout.restart_policy", "unknown restart policy '" + policy + "'");
    std::string services = m_read.string(j, "layout", "restart_services", false);
    if (auto known = service_restarts_from_string(services)) site.policy.restart_services = *known;
    else if (!services.empty() || j.contains("restart_services")) {
      if (!m_read.failed()) m_read.problem("layout.restart_services", "unknown restart_services '" + services + "'");
    }
    const std::vector<JsonView> clusters = m_read.array(j, "layout", "clusters");
    for (std::size_t c = 0; c < clusters.size() && !m_read.failed(); ++c) {
      std::string where = "layout.clusters[" + std::to_string(c) + "]";
      Cluster cluster;
      cluster.name = m_read.string(clusters[c], where, "name");
      std::string product = m_read.string(clusters[c], where, "product");
      if (auto p = product_from_string(product)) cluster.product = *p;
      else if (!m_read.failed()) m_read.problem(where + ".product", "unknown product '" + product + "'");
      std::string restart = m_read.string(clusters[c], where, "restart", false);
      if (auto known = restart_policy_from_string(restart)) cluster.restart = *known;
      else if (!restart.empty() || clusters[c].contains("restart")) {
        if (!m_read.failed()) m_read.problem(where + ".restart", "unknown restart policy '" + restart + "'");
      }
      std::string own = m_read.string(clusters[c], where, "restart_services", false);
      if (auto known = service_restarts_from_string(own)) cluster.restart_services = *known;
      else if (!own.empty() || clusters[c].contains("restart_services")) {
        if (!m_read.failed()) m_read.problem(where + ".restart_services", "unknown restart_services '" + own + "'");
      }
      const std::vector<JsonView> nodes = m_read.array(clusters[c], where, "nodes");
      for (std::size_t n = 0; n < nodes.size() && !m_read.failed(); ++n) {
        std::string at = where + ".nodes[" + std::to_string(n) + "]";
        Node node;
        node.name = m_read.string(nodes[n], at, "name");
        node.fqdn = m_read.string(nodes[n], at, "fqdn");
        node.address = node.fqdn;
        std::string role = m_read.string(nodes[n], at, "role");
        if (role == "publisher") node.role = Role::publisher;
        else if (role == "subscriber") node.role = Role::subscriber;
        else if (!m_read.failed()) m_read.problem(at + ".role", "expected publisher or subscriber");
        node.cluster = cluster.name;
        cluster.nodes.push_back(std::move(node));
      }
      site.clusters.push_back(std::move(cluster));
    }
    return site;
  }

 private:
  std::string m_source;
  Reader m_read;
  const CertificateUnits& m_units;
  CertificateDecoding m_decoding;
  std::unordered_map<std::string, Certificate> m_certificates;  // by fingerprint
  std::unordered_map<std::string, std::shared_ptr<const std::string>> m_paths;
};

std::string errno_text() { return std::strerror(errno); }

}  // namespace

// The site file as the plan file names it: relative to the plan file's directory when there is one.
std::string site_path_for(const std::string& site_file, const std::filesystem::path& plan_path) {
  if (plan_path.empty() || site_file.empty()) return site_file;
  auto site_abs = std::filesystem::absolute(site_file).lexically_normal();
  auto dir_abs = std::filesystem::absolute(plan_path).lexically_normal().parent_path();
  auto relative = site_abs.lexically_relative(dir_abs);
  return relative.empty() ? site_abs.string() : relative.string();
}

json plan_to_file_json(const Plan& plan, const Site& site, const std::filesystem::path& plan_path) {
  JsonTreeBuilder tree;
  SavedPlanFields saved{site, site_path_for(plan.site_file, plan_path)};
  write_plan_document(tree, plan, &saved);
  return tree.take();
}

namespace {

// The syntax error of a text that is not JSON, naming the file.
Error not_json(const std::string& source, const JsonError& error) {
  return Error(ErrorCode::io, source + (error.syntax ? ": not valid JSON: " : ": could not be parsed: ") +
                                  error.message + " (a plan file is written by `trustctl plan --out`)");
}

}  // namespace

Result<SavedPlan> plan_from_file_text(std::string_view text, const std::string& source, const CertificateUnits& units,
                                      CertificateDecoding decoding) {
  JsonError error;
  auto document = JsonDocument::parse(text, false, &error);
  if (!document) return fail(not_json(source, error));
  return PlanDecoder(source, units, nullptr, decoding).decode(document->root());
}

std::string plan_file_text(const Plan& plan, const Site& site, const std::filesystem::path& plan_path) {
  // Written straight to text: a fleet's plan is tens of megabytes, and a tree built first would cost more than the
  // writing (plans/json_writer.hpp); the text is what plan_to_file_json(...).dump() prints.
  std::string text;
  // Reserved once (a fleet's plan takes about 1.1 KB per action; pages never written cost nothing), so the text is
  // not copied again each time it doubles.
  text.reserve(4096 + 1536 * plan.graph.size());
  JsonTextWriter writer(text, JsonTextWriter::Layout::compact);
  SavedPlanFields saved{site, site_path_for(plan.site_file, plan_path)};
  write_plan_document(writer, plan, &saved);
  text.push_back('\n');
  return text;
}

Result<void> write_plan_file(const Plan& plan, const Site& site, const std::filesystem::path& path) {
  // Written beside the target and renamed over it (engine/base/atomic_file): a reader sees the old plan or the new one.
  auto file = AtomicFile::create(path, 0644);
  if (!file) return fail(Error(ErrorCode::io, "plan file: " + file.error().message));
  {
    // The same text as plan_file_text(), handed to the disk a few megabytes at a time while the rest is made.
    constexpr std::size_t kChunk = std::size_t(4) << 20;
    BackgroundFileWriter background(*file);
    std::string text;
    text.reserve(kChunk + kChunk / 4);
    JsonTextWriter writer(text, JsonTextWriter::Layout::compact);
    writer.drain_every(kChunk, [&background](std::string& out) {
      background.push(std::move(out));
      out = std::string();
      out.reserve(kChunk + kChunk / 4);
    });
    SavedPlanFields saved{site, site_path_for(plan.site_file, path)};
    write_plan_document(writer, plan, &saved);
    text.push_back('\n');
    background.push(std::move(text));
    if (auto written = background.finish(); !written) {
      return fail(Error(ErrorCode::io, "plan file: " + written.error().message));
    }
  }
  if (auto committed = file->commit(); !committed) {
    return fail(Error(ErrorCode::io, "plan file: " + committed.error().message));
  }
  return {};
}

namespace {

Result<std::string> read_plan_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return fail(ErrorCode::io, "cannot read the plan file " + path.string() + ": " + errno_text());
  // Read whole into one string sized once (a fleet's plan is tens of megabytes); a file that grows meanwhile is read
  // to its end all the same.
  // With the room simdjson reads past the end of what it parses (JsonDocument::parse, padded), so it is parsed in
  // place rather than copied.
  std::string text;
  text.reserve(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)) + simdjson::SIMDJSON_PADDING);
  in.seekg(0);
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (text.capacity() - text.size() < simdjson::SIMDJSON_PADDING) {
    text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  }
  return text;
}

}  // namespace

Result<json> plan_document_of(const PlanAsWritten& written, const std::filesystem::path& path) {
  json doc = json::parse(written.text, nullptr, false);
  if (doc.is_discarded()) return fail(not_json(path.string(), {true, "rejected by nlohmann::json"}));
  return doc;
}

Result<SavedPlan> read_saved_plan(const std::filesystem::path& path, const CertificateUnits& units,
                                  PlanAsWritten* as_written, CertificateDecoding decoding) {
  auto text = read_plan_text(path);
  if (!text) return fail(text.error());
  JsonError error;
  auto document = JsonDocument::parse(*text, true, &error);
  if (!document) return fail(not_json(path.string(), error));
  const JsonView doc = document->root();
  // A relative site path is relative to the plan file's directory, wherever trustctl runs from; the plan's text names
  // the site file that way again, as plan printed it. The document is left as written: the decoder rewrites the
  // strings it reads.
  std::optional<std::string> resolved;
  std::optional<SitePathRewrite> rewrite;
  auto site = doc.find("site");
  auto named = site ? site->find("file") : std::nullopt;
  if (named && named->is_string()) {
    std::filesystem::path site_file = named->string();
    if (!site_file.empty() && site_file.is_relative()) {
      auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
      resolved = (dir / site_file).lexically_normal().string();
      // In the text, as a person in this directory would name it: relative below it, absolute elsewhere.
      std::error_code ec;
      auto absolute = std::filesystem::absolute(*resolved, ec).lexically_normal();
      auto here = std::filesystem::current_path(ec);
      auto below = absolute.lexically_relative(here);
      std::string shown = !ec && !below.empty() && *below.begin() != ".." ? below.string() : absolute.string();
      if (shown != site_file.string()) rewrite = SitePathRewrite{site_file.string(), std::move(shown)};
    }
  }
  auto saved = PlanDecoder(path.string(), units, rewrite ? &*rewrite : nullptr, decoding).decode(doc);
  if (!saved) return saved;
  if (resolved) saved->plan.site_file = *resolved;
  saved->layout.file = saved->plan.site_file;
  if (as_written) as_written->text = std::move(*text);
  return saved;
}

bool looks_like_plan_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c)) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

Result<Plan> read_plan_file(const std::filesystem::path& path, const CertificateUnits& units) {
  auto saved = read_saved_plan(path, units);
  if (!saved) return fail(saved.error());
  return std::move(saved->plan);
}

std::vector<std::string> stale_reasons(const Plan& saved, const Site& site,
                                       const std::map<std::string, std::string>& observed_now) {
  std::vector<std::string> out;
  auto short_digest = [](const std::string& d) { return d.empty() ? std::string("none") : d.substr(0, 12); };
  if (saved.site_name != site.name) {
    out.push_back("the plan was made for site '" + saved.site_name + "', this site file describes '" + site.name +
                  "'");
  }
  if (saved.site_digest != site.file_digest) {
    out.push_back("the site file " + site.file.string() + " changed since the plan was made (digest " +
                  short_digest(saved.site_digest) + " then, " + short_digest(site.file_digest) + " now)");
  }
  for (const auto& [node, digest] : saved.observed) {
    auto now = observed_now.find(node);
    if (now == observed_now.end()) {
      out.push_back("node " + node + ": the plan observed it, but it was not read now (removed from the site, or "
                    "its refresh failed)");
    } else if (now->second != digest) {
      out.push_back("node " + node + ": its stores changed since the plan was made");
    }
  }
  for (const auto& [node, digest] : observed_now) {
    if (!saved.observed.count(node)) out.push_back("node " + node + ": not in the plan (added since it was made)");
  }
  return out;
}

}  // namespace trustctl::plans
