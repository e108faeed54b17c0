// Property tests of the planner: random sites (tests/support/random_site.hpp) always yield a schedule that obeys every
// ordering rule of engine/graph/ordering_rules.hpp, owes the restarts docs/appliances.md section 5 names, and
// converges.
//
// Each seed builds a site and a live state, runs the planner `trustctl plan` runs (plans::make_plan), then checks
// the plan against properties re-implemented here from the documents (the rule functions are never asked to check
// themselves): reachability in the action graph stands for "before" (an edge path means the executor can never run
// the later action first, whatever the parallelism).
//
// All seeds are planned once; every property is checked over all of them, and each failure names the property, the
// seed and the site it drew. Reproduce one: PLAN_PROPERTY_SEED=123 unit_tests --gtest_filter='PlanProperty*'.
// More seeds: PLAN_PROPERTY_SEEDS=5000.

#include "plans/diff.hpp"

#include "providers/registry.hpp"
#include "support/random_site.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace trustctl::plans {
namespace {

using testing::CaPool;
using testing::CertificateBook;
using testing::RandomSite;

// About 5 ms a seed on a loaded 2-core machine; the two TESTs below each plan them (one process each under ctest).
constexpr unsigned kDefaultSeeds = 300;

namespace prop {
constexpr const char* kPlans = "the planner accepts every generated site";
constexpr const char* kAcyclic = "acyclic, and plan.order is a topological order";
constexpr const char* kChainOrder = "chain order: issuer uploaded before what it issued (same node, same store)";
constexpr const char* kPublisherOnly =
    "replicated store: a certificate the publisher gets is not written again on its subscribers";
constexpr const char* kReplication =
    "replicated store: subscribers await the publisher's write, and what needs it follows the wait";
constexpr const char* kTrustBeforeIdentity = "trust before identity";
constexpr const char* kPublisherFirst = "publisher before subscriber for multi-server identity changes";
constexpr const char* kCrossProduct = "PCCE: CUIC roots on Finesse before Finesse roots on CUIC";
constexpr const char* kRestartsLast = "every change on a node precedes that node's restarts";
constexpr const char* kRestartsOwed = "restarts: one per (node, service), every owed one present, none unowed";
constexpr const char* kRolling = "rolling restarts: publisher first, one node of a cluster at a time";
constexpr const char* kSimulation = "every action can run, in plan order, on the simulated appliances";
constexpr const char* kIdempotent = "apply then plan again: no changes";
constexpr const char* kConverges = "after apply the nodes hold what the site describes";
constexpr const char* kReason = "every action has a reason";
constexpr const char* kRegion = "every action names the site entry that asked for it";
constexpr const char* kDeterministic = "the same input plans to the same action ids in the same order";
constexpr const char* kUniqueIds = "action ids are unique within a plan";
}  // namespace prop

std::string kind_name(const Action& a) { return to_string(a.kind); }

bool adds_trust(const Action& a) {
  return (a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) && a.certificate;
}

// ---------------------------------------------------------------------------------------------------------------
// Reachability over the plan's edges, computed here (Kahn, then bitsets in reverse topological order).
class Reach {
 public:
  explicit Reach(const ActionGraph& graph) : m_n(graph.size()), m_words((m_n + 63) / 64) {
    std::vector<std::vector<std::size_t>> out(m_n);
    std::vector<std::size_t> in_degree(m_n, 0);
    for (auto [from, to] : graph.edges()) {
      out[from].push_back(to);
      ++in_degree[to];
    }
    std::vector<std::size_t> ready, order;
    for (std::size_t i = 0; i < m_n; ++i) {
      if (in_degree[i] == 0) ready.push_back(i);
    }
    while (!ready.empty()) {
      std::size_t i = ready.back();
      ready.pop_back();
      order.push_back(i);
      for (auto t : out[i]) {
        if (--in_degree[t] == 0) ready.push_back(t);
      }
    }
    m_acyclic = order.size() == m_n;
    for (std::size_t i = 0; i < m_n; ++i) {
      if (in_degree[i] > 0) m_on_cycle.push_back(i);
    }
    m_bits.assign(m_n, std::vector<std::uint64_t>(m_words, 0));
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      auto& mine = m_bits[*it];
      for (auto t : out[*it]) {
        mine[t / 64] |= std::uint64_t{1} << (t % 64);
        for (std::size_t w = 0; w < m_words; ++w) mine[w] |= m_bits[t][w];
      }
    }
  }
  bool acyclic() const { return m_acyclic; }
  const std::vector<std::size_t>& on_cycle() const { return m_on_cycle; }
  // A path of at least one edge from a to b.
  bool path(std::size_t a, std::size_t b) const { return (m_bits[a][b / 64] >> (b % 64)) & 1; }

 private:
  std::size_t m_n, m_words;
  bool m_acyclic = false;
  std::vector<std::size_t> m_on_cycle;
  std::vector<std::vector<std::uint64_t>> m_bits;
};

// ---------------------------------------------------------------------------------------------------------------
// The appliances, simulated in memory the way docs/appliances.md sections 3 and 4 describe them (and vos-sim
// implements): a tomcat-trust upload on a publisher replicates to its subscribers, one on a subscriber stays there,
// deletes never replicate, a certificate with the CN of one already stored replaces it, an identity signed by a CA is
// accepted only with that CA's chain in the node's tomcat-trust, a regenerated self-signed identity enters tomcat-trust
// (and replicates from the publisher). Apply records what it added or removed (managed.json), as cmd_apply does.
struct Simulation {
  const Site& site;
  LiveState state;
  ManagedRecord managed;
  CertificateBook& book;
  std::vector<std::string> problems;
  std::set<std::string> regenerated_leaves;  // fingerprints of identities made by regenerate_identity
  int regenerations = 0;

  const Cluster& cluster_of(const std::string& node) const { return *site.find_cluster(site.find_node(node)->cluster); }
  bool is_publisher(const std::string& node) const { return site.find_node(node)->role == Role::publisher; }
  bool holds(const std::string& node, const std::string& store, const Certificate& cert) const {
    auto it = state.nodes.find(node);
    return it != state.nodes.end() && it->second.holds(store, cert.fingerprint());
  }
  void import(const std::string& node, const std::string& store, const Certificate& cert) {
    auto& entries = state.nodes[node].stores[store];
    std::string cn = cert.common_name();
    std::erase_if(entries,
                  [&](const StoreEntry& e) { return e.certificate.common_name() == cn && !(e.certificate == cert); });
    if (!state.nodes[node].holds(store, cert.fingerprint()))
      entries.push_back({store + "/" + cert.trust_file_name(), cert});
  }
  void replicate_from(const std::string& node, const std::string& store, const Certificate& cert) {
    const Cluster& cluster = cluster_of(node);
    if (!is_vos(cluster.product) || store != "tomcat-trust" || !is_publisher(node)) return;
    for (const auto& member : cluster.nodes) {
      if (member.name != node) import(member.name, store, cert);
    }
  }

  void apply(const Plan& plan) {
    const CaPool& pool = CaPool::get();
    for (auto i : plan.order) {
      Action a = plan.graph.action(i);
      std::string where = a.id();
      // An upload or a wait "known after apply" carries the identity made earlier in this apply: as the runner does,
      // read it from the node that made it; it must exist by now (rule 2b orders it after its making).
      if (!a.certificate && !a.identity_node.empty()) {
        auto made = state.nodes[a.identity_node].identities.find(a.identity_unit);
        if (made == state.nodes[a.identity_node].identities.end() || made->second.empty()) {
          problems.push_back(where + ": the identity it distributes does not exist yet");
          continue;
        }
        a.certificate = made->second.front();
      }
      if ((a.kind == ActionKind::upload_trust || a.kind == ActionKind::wait_replication) && !a.certificate) {
        problems.push_back(where + ": no certificate and no identity to distribute");
        continue;
      }
      if (a.kind == ActionKind::upload_trust) {
        import(a.node, a.store, *a.certificate);
        replicate_from(a.node, a.store, *a.certificate);
        managed.add(a.node, a.store, a.certificate->fingerprint());
      } else if (a.kind == ActionKind::wait_replication) {
        if (!holds(a.node, a.store, *a.certificate)) {
          problems.push_back(where + ": waits for a certificate that no earlier action brings (it would time out)");
        }
        managed.add(a.node, a.store, a.certificate->fingerprint());
      } else if (a.kind == ActionKind::delete_trust) {
        // A certificate already gone (replaced by a same-CN upload earlier in the plan) is no failure: the runner
        // confirms a delete by listing the store (providers/vos/vos_cli.cpp delete_trust), not by the answer.
        std::erase_if(state.nodes[a.node].stores[a.store],
                      [&](const StoreEntry& e) { return e.certificate == *a.certificate; });
        managed.remove(a.node, a.store, a.certificate->fingerprint());
      } else if (a.kind == ActionKind::renew_identity) {
        const auto* ca = pool.find(a.issuer_ca);
        if (!ca) {
          problems.push_back(where + ": names an issuer the site did not declare: " + a.issuer_ca);
          continue;
        }
        std::vector<Certificate> chain = {ca->ca.certificate};
        for (const auto& up : book.issuers(ca->ca.certificate)) chain.push_back(up);
        for (const auto& cert : chain) {
          if (!holds(a.node, "tomcat-trust", cert)) {
            problems.push_back(
                where + ": the appliance refuses the identity: " + book.label(cert) +
                " is not in its tomcat-trust yet (\"CA Certificate is not available in the trust-store\")");
          }
        }
        const Node* node = site.find_node(a.node);
        Certificate leaf = testing::make_identity(book, node->fqdn, &ca->ca, 730, 730);
        state.nodes[a.node].identities["tomcat"] = {leaf, ca->ca.certificate};
      } else if (a.kind == ActionKind::regenerate_identity) {
        const Node* node = site.find_node(a.node);
        Certificate leaf = testing::make_identity(book, node->fqdn, nullptr, 730, 730);
        regenerated_leaves.insert(leaf.fingerprint());
        ++regenerations;
        state.nodes[a.node].identities["tomcat"] = {leaf};
        import(a.node, "tomcat-trust", leaf);
        replicate_from(a.node, "tomcat-trust", leaf);
      } else if (a.kind == ActionKind::restart_service) {
        // Nothing observable changes in the stores.
      } else {
        problems.push_back(where + ": an action kind this simulation does not know (" + kind_name(a) + ")");
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------------------------
struct Outcome {
  unsigned seed = 0;
  std::string site;
  std::map<std::string, std::vector<std::string>> violations;
  std::set<std::string> features;
};

class Checker {
 public:
  Checker(const RandomSite& input, const providers::Registry& registry, Outcome& outcome)
      : m_in(input), m_registry(registry), m_out(outcome), m_book(input.book) {}

  void run() {
    auto first = make_plan(m_in.site, m_in.live, m_registry, m_in.pending, &m_in.managed);
    if (!first) {
      violate(first.error().code == ErrorCode::cycle ? prop::kAcyclic : prop::kPlans, first.error().describe());
      return;
    }
    const Plan& plan = *first;
    note_features(plan);
    Reach reach(plan.graph);
    check_acyclic(plan, reach);
    check_determinism(plan);
    check_reasons(plan);
    check_unique_ids(plan);
    if (!reach.acyclic()) return;
    check_chain_order(plan, reach);
    check_replication(plan, reach);
    check_trust_before_identity(plan, reach);
    check_publisher_first(plan, reach);
    check_cross_product(plan, reach);
    check_restarts_last(plan, reach);
    check_restarts_owed(plan);
    check_rolling(plan, reach);
    check_apply(plan);
  }

 private:
  const RandomSite& m_in;
  const providers::Registry& m_registry;
  Outcome& m_out;
  CertificateBook m_book;  // grows with the identities the simulation makes
  const LiveState* m_out_state = nullptr;  // the simulated nodes after apply (check_converged)

  void violate(const char* property, std::string what) { m_out.violations[property].push_back(std::move(what)); }
  void feature(const std::string& name) { m_out.features.insert(name); }

  std::string label(const Plan& plan, std::size_t i) const {
    const Action& a = plan.graph.action(i);
    std::string out = a.node + " " + kind_name(a);
    if (a.certificate) out += " " + m_book.label(*a.certificate);
    if (!a.service.empty()) out += " " + a.service;
    return out;
  }
  std::string edge(const Plan& plan, std::size_t a, std::size_t b) const {
    return "no path " + label(plan, a) + "  ->  " + label(plan, b);
  }
  const Node& node(const std::string& name) const { return *m_in.site.find_node(name); }
  const Cluster& cluster_of(const std::string& name) const { return *m_in.site.find_cluster(node(name).cluster); }
  bool is_publisher(const std::string& name) const { return node(name).role == Role::publisher; }
  static bool restart(const Action& a) { return a.kind == ActionKind::restart_service; }

  void note_features(const Plan& plan) {
    const auto& site = m_in.site;
    feature(std::string("policy ") + (site.policy.restart == RestartPolicy::rolling       ? "rolling"
                                      : site.policy.restart == RestartPolicy::all_at_once ? "all-at-once"
                                                                                          : "manual"));
    if (!m_in.pending.empty()) feature("pending restarts from the journal");
    for (const auto& a : plan.graph.actions()) {
      feature("action " + kind_name(a));
      if (a.kind == ActionKind::upload_trust && !is_publisher(a.node)) feature("upload on a subscriber");
      if (a.kind == ActionKind::delete_trust && a.reason.find("policy.prune") != std::string::npos) feature("prune");
      if (!a.orderings.empty()) feature("cross-product ordering group");
      if (a.kind == ActionKind::upload_trust && a.certificate) {
        if (auto issuer = m_book.issuer_of(*a.certificate)) {
          for (const auto& b : plan.graph.actions()) {
            if (adds_trust(b) && b.node == a.node && *b.certificate == *issuer)
              feature("issuer and subject in one plan");
          }
        }
      }
    }
    if (!plan.manual_restarts.empty()) feature("manual restarts listed");
    for (const auto& i : site.integrations)
      feature("integration " + i.from.substr(0, i.from.size() - 1) + " -> " + i.to.substr(0, i.to.size() - 1) +
              (i.kind.empty() ? "" : " " + i.kind));
  }

  // --- acyclic ------------------------------------------------------------------------------------------------
  void check_acyclic(const Plan& plan, const Reach& reach) {
    if (!reach.acyclic()) {
      std::string members;
      for (auto i : reach.on_cycle()) members += "\n    " + label(plan, i);
      violate(prop::kAcyclic, "the graph has a cycle through (or behind) these actions:" + members);
    }
    std::vector<long> position(plan.graph.size(), -1);
    for (std::size_t k = 0; k < plan.order.size(); ++k) {
      auto i = plan.order[k];
      if (i >= plan.graph.size() || position[i] != -1) {
        violate(prop::kAcyclic, "plan.order is not a permutation of the actions");
        return;
      }
      position[i] = static_cast<long>(k);
    }
    if (plan.order.size() != plan.graph.size()) violate(prop::kAcyclic, "plan.order misses actions");
    for (auto [from, to] : plan.graph.edges()) {
      if (position[from] > position[to]) {
        violate(prop::kAcyclic, "plan.order runs " + label(plan, to) + " before its predecessor " + label(plan, from));
      }
    }
  }

  // --- determinism, reasons, ids --------------------------------------------------------------------------------
  static std::vector<std::string> ids_in_order(const Plan& plan) {
    std::vector<std::string> out;
    for (auto i : plan.order) out.push_back(plan.graph.action(i).id());
    for (const auto& a : plan.manual_restarts) out.push_back("manual " + a.id());
    return out;
  }
  static std::set<std::pair<std::string, std::string>> id_edges(const Plan& plan) {
    std::set<std::pair<std::string, std::string>> out;
    for (auto [from, to] : plan.graph.edges()) out.emplace(plan.graph.action(from).id(), plan.graph.action(to).id());
    return out;
  }
  void check_determinism(const Plan& plan) {
    auto again = make_plan(m_in.site, m_in.live, m_registry, m_in.pending, &m_in.managed);
    if (!again) {
      violate(prop::kDeterministic, "the second planning failed: " + again.error().describe());
      return;
    }
    auto a = ids_in_order(plan), b = ids_in_order(*again);
    if (a != b) {
      for (std::size_t k = 0; k < std::max(a.size(), b.size()); ++k) {
        std::string x = k < a.size() ? a[k] : "(none)", y = k < b.size() ? b[k] : "(none)";
        if (x != y) {
          violate(prop::kDeterministic, "step " + std::to_string(k + 1) + ": " + x + " vs " + y);
          break;
        }
      }
    }
    if (id_edges(plan) != id_edges(*again)) violate(prop::kDeterministic, "the edges differ between two plannings");
  }
  void check_reasons(const Plan& plan) {
    auto check = [&](const Action& a, const std::string& where) {
      if (a.reason.empty()) violate(prop::kReason, where + " has no reason");
      // A restart owed by the journal has no site entry behind it: the journal is its source.
      if (a.pending_from_journal) return;
      if (!a.region || a.region->line <= 0) violate(prop::kRegion, where + " names no site region");
    };
    for (std::size_t i = 0; i < plan.graph.size(); ++i) check(plan.graph.action(i), label(plan, i));
    for (const auto& a : plan.manual_restarts) check(a, a.node + " manual restart " + a.service);
  }
  void check_unique_ids(const Plan& plan) {
    std::set<std::string> seen;
    for (const auto& a : plan.graph.actions()) {
      if (!seen.insert(a.id()).second) violate(prop::kUniqueIds, "two actions share the id " + a.id());
    }
  }

  // --- rule 1 ---------------------------------------------------------------------------------------------------
  void check_chain_order(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    for (std::size_t u = 0; u < g.size(); ++u) {
      const Action& subject = g.action(u);
      if (subject.kind != ActionKind::upload_trust || !subject.certificate) continue;
      auto issuer = m_book.issuer_of(*subject.certificate);
      if (!issuer) continue;
      for (std::size_t i = 0; i < g.size(); ++i) {
        const Action& a = g.action(i);
        if (a.kind == ActionKind::upload_trust && a.certificate && *a.certificate == *issuer &&
            a.node == subject.node && a.store == subject.store && !reach.path(i, u)) {
          violate(prop::kChainOrder, edge(plan, i, u));
        }
      }
    }
  }

  // --- rule 3 ---------------------------------------------------------------------------------------------------
  void check_replication(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const Action& a = g.action(i);
      if (a.kind == ActionKind::upload_trust && a.certificate && a.store == "tomcat-trust" && is_publisher(a.node)) {
        // The publisher's copy replicates: a subscriber gets it by waiting, never by a second upload.
        for (std::size_t j = 0; j < g.size(); ++j) {
          const Action& b = g.action(j);
          if (b.kind == ActionKind::upload_trust && b.certificate && *b.certificate == *a.certificate &&
              b.store == a.store && b.node != a.node && node(b.node).cluster == node(a.node).cluster) {
            violate(prop::kPublisherOnly, label(plan, j) + " is written on the subscriber although " + label(plan, i) +
                                              " replicates it there");
          }
        }
      }
      if (a.kind != ActionKind::wait_replication) continue;
      if (!a.certificate) {
        // A wait for an identity made in this apply names its node instead (known after apply).
        if (a.identity_node.empty()) violate(prop::kReplication, label(plan, i) + " waits for no certificate");
        continue;
      }
      const Node* publisher = cluster_of(a.node).publisher();
      if (is_publisher(a.node) || a.source_node != publisher->name) {
        violate(prop::kReplication,
                label(plan, i) + " waits on the publisher or for a source other than it (" + a.source_node + ")");
      }
      // The write it waits for is in the plan and comes first.
      bool found = false;
      for (std::size_t j = 0; j < g.size(); ++j) {
        const Action& w = g.action(j);
        if (w.kind == ActionKind::upload_trust && w.node == publisher->name && w.store == a.store && w.certificate &&
            *w.certificate == *a.certificate) {
          found = true;
          if (!reach.path(j, i)) violate(prop::kReplication, edge(plan, j, i));
        }
      }
      if (!found) violate(prop::kReplication, label(plan, i) + " waits for an upload the plan does not make");
      // Anything on the subscriber that needs the certificate follows the wait: what it issued, identities it signs.
      for (std::size_t j = 0; j < g.size(); ++j) {
        const Action& d = g.action(j);
        if (d.node != a.node || j == i) continue;
        bool needs = false;
        if (d.kind == ActionKind::upload_trust && d.certificate && d.store == a.store) {
          auto issuer = m_book.issuer_of(*d.certificate);
          needs = issuer && *issuer == *a.certificate;
        }
        if (d.kind == ActionKind::renew_identity) needs = in_ca_chain(d.issuer_ca, *a.certificate);
        if (needs && !reach.path(i, j)) violate(prop::kReplication, edge(plan, i, j) + " (needs what it waits for)");
      }
    }
    // Identities this plan replaces: the live one's fingerprint -> (node, unit).
    std::map<std::string, std::pair<std::string, std::string>> replaced_identities;
    for (const auto& a : g.actions()) {
      if (!a.changes_identity()) continue;
      auto live_node = m_in.live.nodes.find(a.node);
      if (live_node == m_in.live.nodes.end()) continue;
      auto unit = live_node->second.identities.find(a.store);
      if (unit == live_node->second.identities.end() || unit->second.empty()) continue;
      replaced_identities[unit->second.front().fingerprint()] = {a.node, a.store};
    }
    // A cluster-wide requirement the publisher lacks reaches a subscriber that lacks it by a wait.
    std::set<std::pair<std::string, std::string>> node_scoped;
    auto wants = testing::desired_trust(m_in.site, m_in.live, m_in.book);
    for (const auto& w : wants) {
      if (!w.cluster_wide) node_scoped.emplace(w.node, w.certificate.fingerprint());
    }
    std::set<std::pair<std::string, std::string>> checked;
    for (const auto& w : wants) {
      if (!w.present || !w.cluster_wide || w.store != "tomcat-trust" || is_publisher(w.node)) continue;
      if (!checked.emplace(w.node, w.certificate.fingerprint()).second) continue;
      if (node_scoped.count({w.node, w.certificate.fingerprint()})) continue;
      const Node* publisher = cluster_of(w.node).publisher();
      if (m_in.live.nodes.at(publisher->name).holds(w.store, w.certificate.fingerprint())) continue;
      if (m_in.live.nodes.at(w.node).holds(w.store, w.certificate.fingerprint())) continue;
      bool waits = false;
      // An identity this plan replaces travels as its successor, known after apply: the wait names the node.
      auto replaced = replaced_identities.find(w.certificate.fingerprint());
      for (const auto& a : g.actions()) {
        waits = waits || (a.kind == ActionKind::wait_replication && a.node == w.node && a.certificate &&
                          *a.certificate == w.certificate);
        waits = waits || (a.kind == ActionKind::wait_replication && a.node == w.node && !a.certificate &&
                          replaced != replaced_identities.end() && a.identity_node == replaced->second.first &&
                          a.identity_unit == replaced->second.second);
      }
      if (!waits) {
        violate(prop::kReplication, w.node + " needs " + m_book.label(w.certificate) + " (" + w.why +
                                        ") from its publisher, which lacks it too, but the plan has no wait for it");
      }
    }
  }

  std::vector<Certificate> ca_chain(const std::string& ca_name) const {
    const auto* ca = CaPool::get().find(ca_name);
    if (!ca) return {};
    std::vector<Certificate> chain = {ca->ca.certificate};
    for (const auto& up : m_book.issuers(ca->ca.certificate)) chain.push_back(up);
    return chain;
  }
  bool in_ca_chain(const std::string& ca_name, const Certificate& cert) const {
    auto chain = ca_chain(ca_name);
    return std::find(chain.begin(), chain.end(), cert) != chain.end();
  }

  // --- rule 2 ---------------------------------------------------------------------------------------------------
  void check_trust_before_identity(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const Action& change = g.action(i);
      if (change.kind != ActionKind::renew_identity) continue;
      for (const auto& cert : ca_chain(change.issuer_ca)) {
        bool brought = false;
        for (std::size_t j = 0; j < g.size(); ++j) {
          const Action& t = g.action(j);
          if (adds_trust(t) && t.node == change.node && t.store == "tomcat-trust" && *t.certificate == cert) {
            brought = true;
            if (!reach.path(j, i)) violate(prop::kTrustBeforeIdentity, edge(plan, j, i));
          }
        }
        if (!brought && !m_in.live.nodes.at(change.node).holds("tomcat-trust", cert.fingerprint())) {
          violate(prop::kTrustBeforeIdentity, label(plan, i) + " needs " + m_book.label(cert) +
                                                  " in the node's tomcat-trust, which neither holds it nor gets it");
        }
      }
    }
  }

  // --- rule 5 ---------------------------------------------------------------------------------------------------
  void check_publisher_first(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    for (std::size_t i = 0; i < g.size(); ++i) {
      if (!g.action(i).changes_identity() || !g.action(i).multi_server || !is_publisher(g.action(i).node)) continue;
      for (std::size_t j = 0; j < g.size(); ++j) {
        const Action& b = g.action(j);
        if (b.changes_identity() && b.multi_server && !is_publisher(b.node) && node(b.node).cluster == node(g.action(i).node).cluster &&
            !reach.path(i, j)) {
          violate(prop::kPublisherFirst, edge(plan, i, j));
        }
      }
    }
  }

  // --- rule 4 ---------------------------------------------------------------------------------------------------
  void check_cross_product(const Plan& plan, const Reach& reach) {
    const auto& site = m_in.site;
    std::set<std::pair<std::string, std::string>> pairs;  // (finesse cluster, cuic cluster)
    for (const auto& i : site.integrations) {
      const testing::Relation* r =
          testing::find_relation(site.find_cluster(i.from)->product, site.find_cluster(i.to)->product, i.kind);
      if (!r || !r->cuic_first) continue;
      bool from_finesse = site.find_cluster(i.from)->product == Product::finesse;
      pairs.emplace(from_finesse ? i.from : i.to, from_finesse ? i.to : i.from);
    }
    const auto& g = plan.graph;
    for (const auto& [finesse_name, cuic_name] : pairs) {
      const Cluster& finesse = *site.find_cluster(finesse_name);
      const Cluster& cuic = *site.find_cluster(cuic_name);
      auto chains = [&](const Cluster& c) {
        std::set<std::string> out;
        for (const auto& n : c.nodes) {
          for (const auto& cert : testing::peer_chain(site, m_in.live, m_book, c, n)) out.insert(cert.fingerprint());
        }
        return out;
      };
      auto cuic_certs = chains(cuic), finesse_certs = chains(finesse);
      std::vector<std::size_t> first, second;  // CUIC's chain onto Finesse; Finesse's chain onto CUIC
      for (std::size_t i = 0; i < g.size(); ++i) {
        const Action& a = g.action(i);
        if (!adds_trust(a) || a.store != "tomcat-trust") continue;
        const std::string& cluster = node(a.node).cluster;
        if (cluster == finesse_name && cuic_certs.count(a.certificate->fingerprint())) first.push_back(i);
        if (cluster == cuic_name && finesse_certs.count(a.certificate->fingerprint())) second.push_back(i);
      }
      if (!first.empty() && !second.empty()) feature("cross-product: both phases in one plan");
      for (auto a : first) {
        for (auto b : second) {
          if (!reach.path(a, b)) violate(prop::kCrossProduct, edge(plan, a, b));
        }
      }
    }
  }

  // --- rule 6 ---------------------------------------------------------------------------------------------------
  void check_restarts_last(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    for (std::size_t r = 0; r < g.size(); ++r) {
      if (!restart(g.action(r))) continue;
      for (std::size_t c = 0; c < g.size(); ++c) {
        if (!restart(g.action(c)) && g.action(c).node == g.action(r).node && !reach.path(c, r)) {
          violate(prop::kRestartsLast, edge(plan, c, r));
        }
      }
      // Finesse: the Notification Service, then Finesse Tomcat (docs/appliances.md section 5).
      if (g.action(r).service == "Cisco Finesse Notification Service" &&
          cluster_of(g.action(r).node).product == Product::finesse) {
        for (std::size_t t = 0; t < g.size(); ++t) {
          if (restart(g.action(t)) && g.action(t).node == g.action(r).node &&
              g.action(t).service == "Cisco Finesse Tomcat" && !reach.path(r, t)) {
            violate(prop::kRestartsLast, edge(plan, r, t) + " (Finesse: Notification first)");
          }
        }
      }
    }
  }

  void check_restarts_owed(const Plan& plan) {
    bool manual = m_in.site.policy.restart == RestartPolicy::manual;
    std::vector<const Action*> restarts;
    for (const auto& a : plan.graph.actions()) {
      if (!restart(a)) continue;
      if (manual)
        violate(prop::kRestartsOwed, "policy.restart = manual, yet the plan runs " + a.node + " " + a.service);
      restarts.push_back(&a);
    }
    for (const auto& a : plan.manual_restarts) {
      if (!manual) violate(prop::kRestartsOwed, "manual restart listed although the policy runs restarts");
      if (!restart(a)) violate(prop::kRestartsOwed, "a manual entry that is no restart: " + a.id());
      restarts.push_back(&a);
    }
    std::map<std::string, std::set<std::string>> services;
    for (const Action* a : restarts) {
      if (!services[a->node].insert(a->service).second) {
        violate(prop::kRestartsOwed, a->node + " restarts " + a->service + " more than once");
      }
    }
    std::set<std::string> changed;
    for (const auto& a : plan.graph.actions()) {
      if (!restart(a)) changed.insert(a.node);
    }
    std::set<std::pair<std::string, std::string>> pending;
    for (const auto& p : m_in.pending) pending.emplace(p.node, p.service);
    // Owed by docs/appliances.md section 5 for every node whose tomcat-trust or identity changes (a wait changes the
    // store too).
    for (const auto& n : changed) {
      Product product = cluster_of(n).product;
      auto required = testing::domain_restarts(product);
      for (const auto& service : required) {
        if (!services[n].count(service)) violate(prop::kRestartsOwed, n + " changes but does not restart " + service);
      }
      if (required.empty() && services[n].empty()) {
        violate(prop::kRestartsOwed, n + " (" + to_string(product) + ") changes but restarts nothing");
      }
    }
    // UCCX scripts: a change to what a script integration needs restarts the CCX Engine.
    for (const auto& i : m_in.site.integrations) {
      if (i.kind != "script") continue;
      const Cluster& callee = *m_in.site.find_cluster(i.to);
      std::set<std::string> chain;
      for (const auto& n : callee.nodes) {
        for (const auto& c : testing::peer_chain(m_in.site, m_in.live, m_book, callee, n))
          chain.insert(c.fingerprint());
      }
      for (const auto& a : plan.graph.actions()) {
        if (adds_trust(a) && node(a.node).cluster == i.from && chain.count(a.certificate->fingerprint()) &&
            !services[a.node].count(testing::kCcxEngine)) {
          violate(prop::kRestartsOwed, a.node + " gets " + m_book.label(*a.certificate) +
                                           " for a script integration but does not restart the CCX Engine");
        }
      }
    }
    for (const auto& [n, s] : pending) {
      if (!services[n].count(s))
        violate(prop::kRestartsOwed, "the journal owes " + n + " " + s + "; the plan drops it");
    }
    for (const Action* a : restarts) {
      if (!changed.count(a->node) && !pending.count({a->node, a->service})) {
        violate(prop::kRestartsOwed, a->node + " restarts " + a->service + " with no change and nothing owed");
      }
    }
  }

  void check_rolling(const Plan& plan, const Reach& reach) {
    const auto& g = plan.graph;
    auto policy = m_in.site.policy.restart;
    for (std::size_t a = 0; a < g.size(); ++a) {
      if (!restart(g.action(a))) continue;
      for (std::size_t b = 0; b < g.size(); ++b) {
        const Action& x = g.action(a);
        const Action& y = g.action(b);
        if (x.node == y.node) continue;
        bool same_cluster = node(x.node).cluster == node(y.node).cluster;
        if (policy == RestartPolicy::rolling && restart(y) && same_cluster) {
          if (is_publisher(x.node) && !reach.path(a, b))
            violate(prop::kRolling, edge(plan, a, b) + " (publisher first)");
          if (!reach.path(a, b) && !reach.path(b, a)) {
            violate(prop::kRolling, label(plan, a) + " and " + label(plan, b) + " may run at the same time");
          }
        }
        // Across clusters a restart may lead: the PCCE phases (rule 4) finish phase 0, its restarts included, before
        // phase 1 writes anything.
        if (policy == RestartPolicy::all_at_once && same_cluster && reach.path(a, b)) {
          violate(prop::kRolling, "all-at-once, yet " + label(plan, b) + " waits for " + label(plan, a));
        }
      }
    }
  }

  // --- apply, plan again ------------------------------------------------------------------------------------------
  static bool only_restarts(const Plan& plan) {
    for (const auto& a : plan.graph.actions()) {
      if (a.kind != ActionKind::restart_service) return false;
    }
    return true;
  }
  std::string non_restarts(const Plan& plan) const {
    std::string out;
    int shown = 0;
    for (std::size_t i = 0; i < plan.graph.size(); ++i) {
      if (restart(plan.graph.action(i))) continue;
      if (shown++ < 6) out += "\n    " + label(plan, i) + "  (" + plan.graph.action(i).reason + ")";
    }
    if (shown > 6) out += "\n    ... " + std::to_string(shown - 6) + " more";
    return out;
  }
  static std::vector<PendingRestart> owed_after(const Site& site, const Plan& plan) {
    // What the journal owes after an apply: under a manual policy every listed restart, otherwise none (they ran).
    std::vector<PendingRestart> out;
    if (site.policy.restart != RestartPolicy::manual) return out;
    for (const auto& a : plan.manual_restarts) out.push_back({a.node, a.service, "earlier apply"});
    return out;
  }

  void check_apply(const Plan& plan) {
    const Site& site = m_in.site;
    Simulation sim{site, m_in.live, m_in.managed, m_book, {}, {}, 0};
    sim.apply(plan);
    for (const auto& p : sim.problems) violate(prop::kSimulation, "first apply: " + p);
    if (sim.regenerations > 0) {
      feature("regenerated identity: a second round");
      if (plan.notes.empty())
        violate(prop::kIdempotent,
                "identities are regenerated but the plan has no note saying "
                "peers follow on the next plan");
    }

    auto pending = owed_after(site, plan);
    auto second = make_plan(site, sim.state, m_registry, pending, &sim.managed);
    if (!second) {
      violate(prop::kIdempotent, "planning after apply failed: " + second.error().describe());
      return;
    }
    if (sim.regenerations == 0) {
      if (!only_restarts(*second)) violate(prop::kIdempotent, "planning again still changes:" + non_restarts(*second));
    } else {
      // The new self-signed identities are known only now: peers get them (and prune drops what only the old ones
      // needed). Nothing else may change; a third plan must be empty.
      for (std::size_t i = 0; i < second->graph.size(); ++i) {
        const Action& a = second->graph.action(i);
        bool follow_up = (adds_trust(a) && sim.regenerated_leaves.count(a.certificate->fingerprint())) ||
                         (a.kind == ActionKind::delete_trust && site.policy.prune &&
                          a.reason.find("policy.prune") != std::string::npos) ||
                         restart(a);
        if (!follow_up) violate(prop::kIdempotent, "after regeneration the second plan also does " + label(*second, i));
      }
      sim.regenerations = 0;
      sim.apply(*second);
      for (const auto& p : sim.problems) violate(prop::kSimulation, "second apply: " + p);
      if (sim.regenerations > 0) violate(prop::kIdempotent, "the second plan regenerates identities again");
      pending = owed_after(site, *second);
      auto third = make_plan(site, sim.state, m_registry, pending, &sim.managed);
      if (!third) {
        violate(prop::kIdempotent, "planning a third time failed: " + third.error().describe());
        return;
      }
      if (!only_restarts(*third)) violate(prop::kIdempotent, "a third plan still changes:" + non_restarts(*third));
      second = std::move(third);
    }
    // Restarts left: only what the journal owes (manual policy); otherwise none.
    std::set<std::pair<std::string, std::string>> owed;
    for (const auto& p : pending) owed.emplace(p.node, p.service);
    for (const auto& a : second->graph.actions()) {
      if (restart(a) && !owed.count({a.node, a.service})) {
        violate(prop::kIdempotent, "planning again restarts " + a.node + " " + a.service + " with nothing changed");
      }
    }
    check_converged(sim);
  }

  // Prune keeps an issuer of the node's own identity: removing it would break that identity's chain (TC007). Judged
  // on the converged nodes (the last plan saw them and changed nothing), up the chain as far as the store holds it.
  bool keeps_own_chain(const std::string& node, const Certificate& certificate) const {
    auto state = m_out_state->nodes.find(node);
    if (state == m_out_state->nodes.end()) return false;
    auto held = [&](const Certificate& c) {
      auto trust = state->second.stores.find("tomcat-trust");
      if (trust == state->second.stores.end()) return false;
      for (const auto& e : trust->second) {
        if (e.certificate == c) return true;
      }
      return false;
    };
    for (const auto& [unit, chain] : state->second.identities) {
      if (chain.empty()) continue;
      for (const auto& issuer : m_book.issuers(chain.front())) {
        if (!held(issuer)) break;
        if (issuer == certificate) return true;
      }
    }
    return false;
  }

  void check_converged(const Simulation& sim) {
    m_out_state = &sim.state;
    const Site& site = m_in.site;
    auto wants = testing::desired_trust(site, sim.state, m_book);
    std::set<std::tuple<std::string, std::string, std::string>> wanted;
    for (const auto& w : wants) {
      if (!w.present) continue;
      wanted.emplace(w.node, w.store, w.certificate.fingerprint());
      if (!sim.holds(w.node, w.store, w.certificate)) {
        violate(prop::kConverges, w.node + " lacks " + m_book.label(w.certificate) + " (" + w.why + ")");
      }
    }
    for (const auto& w : wants) {
      if (!w.present && sim.holds(w.node, w.store, w.certificate) &&
          !wanted.count({w.node, w.store, w.certificate.fingerprint()})) {
        violate(prop::kConverges, w.node + " still holds " + m_book.label(w.certificate) + ", which must be absent");
      }
    }
    if (site.policy.prune) {
      for (const auto& [name, state] : sim.state.nodes) {
        for (const auto& [store, entries] : state.stores) {
          for (const auto& e : entries) {
            const std::string& fp = e.certificate.fingerprint();
            bool ours = m_in.managed.contains(name, store, fp) || sim.managed.contains(name, store, fp);
            if (ours && !wanted.count({name, store, fp}) && !keeps_own_chain(name, e.certificate)) {
              violate(prop::kConverges, name + " keeps " + m_book.label(e.certificate) +
                                            ", which trustctl added and the site no longer wants (prune on)");
            }
          }
        }
      }
    }
    const TimePoint now = now_utc();
    for (const auto& cluster : site.clusters) {
      const IdentityPolicy* policy = testing::identity_policy(cluster);
      if (!is_vos(cluster.product) || !policy) continue;
      for (const auto& n : cluster.nodes) {
        const Certificate& leaf = sim.state.nodes.at(n.name).identities.at("tomcat").front();
        auto lifetime = std::chrono::duration_cast<std::chrono::days>(leaf.not_after() - leaf.not_before()).count();
        long window = policy->renew_before_days ? *policy->renew_before_days : std::max<long>(lifetime / 3, 30);
        auto left = std::chrono::duration_cast<std::chrono::days>(leaf.not_after() - now).count();
        if (left < window) violate(prop::kConverges, n.name + "'s identity is still inside its renewal window");
        if (policy->issuer == "self") {
          if (!m_book.self_signed(leaf)) violate(prop::kConverges, n.name + "'s identity is not self-signed");
        } else {
          auto issuer = m_book.issuer_of(leaf);
          if (!issuer || !(*issuer == CaPool::get().find(policy->issuer)->ca.certificate)) {
            violate(prop::kConverges, n.name + "'s identity is not signed by " + policy->issuer);
          }
          auto names = leaf.dns_names();
          if (std::find(names.begin(), names.end(), n.fqdn) == names.end()) {
            violate(prop::kConverges, n.name + "'s identity lacks its FQDN in the SAN");
          }
        }
      }
    }
  }
};

// ---------------------------------------------------------------------------------------------------------------
unsigned env_unsigned(const char* name, unsigned fallback) {
  const char* text = std::getenv(name);
  return text && *text ? static_cast<unsigned>(std::strtoul(text, nullptr, 10)) : fallback;
}

struct PropertyRun {
  std::vector<Outcome> outcomes;
  double seconds = 0;
};

PropertyRun run_seeds(const std::vector<unsigned>& seeds) {
  PropertyRun out;
  auto start = std::chrono::steady_clock::now();
  providers::Registry registry = providers::make_registry();
  for (unsigned seed : seeds) {
    Outcome outcome;
    outcome.seed = seed;
    RandomSite input = testing::make_random_site(seed);
    outcome.site = input.describe();
    Checker(input, registry, outcome).run();
    out.outcomes.push_back(std::move(outcome));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<unsigned> seed_range(unsigned count) {
  std::vector<unsigned> seeds;
  for (unsigned s = 1; s <= count; ++s) seeds.push_back(s);
  return seeds;
}

// The seeds the environment asks for (one to reproduce, or more), else the default range.
const PropertyRun& run_all() {
  static const PropertyRun run = [] {
    if (const char* one = std::getenv("PLAN_PROPERTY_SEED"); one && *one) {
      return run_seeds({static_cast<unsigned>(std::strtoul(one, nullptr, 10))});
    }
    return run_seeds(seed_range(env_unsigned("PLAN_PROPERTY_SEEDS", kDefaultSeeds)));
  }();
  return run;
}

// Coverage is judged on at least the default range, whatever seeds the environment narrowed run_all() to.
const PropertyRun& coverage_run() {
  if (run_all().outcomes.size() >= kDefaultSeeds) return run_all();
  static const PropertyRun full = run_seeds(seed_range(kDefaultSeeds));
  return full;
}

// Reports every seed that broke the property: the first few in full (site and violations), then a count. Returns the
// number of failing seeds.
int expect_property(const char* property) {
  const PropertyRun& run = run_all();
  int failing = 0;
  for (const auto& outcome : run.outcomes) {
    auto it = outcome.violations.find(property);
    if (it == outcome.violations.end() || it->second.empty()) continue;
    if (++failing > 3) continue;
    SCOPED_TRACE(outcome.site);
    std::string shown;
    for (std::size_t k = 0; k < it->second.size() && k < 8; ++k) shown += "\n  " + it->second[k];
    if (it->second.size() > 8) shown += "\n  ... " + std::to_string(it->second.size() - 8) + " more";
    ADD_FAILURE() << "property \"" << property << "\" fails for seed " << outcome.seed << ":" << shown;
  }
  if (failing > 3) ADD_FAILURE() << "property \"" << property << "\" also fails for " << failing - 3 << " more seeds";
  return failing;
}

// One TEST for every property: ctest runs each TEST in a process of its own (gtest_discover_tests), and planning the
// seeds is the cost, so the properties share one run. The summary at the end lists each property's verdict.
TEST(PlanProperty, RandomSitesYieldSchedulesObeyingEveryRule) {
  std::string summary;
  for (const char* property :
       {prop::kPlans, prop::kAcyclic, prop::kChainOrder, prop::kPublisherOnly, prop::kReplication,
        prop::kTrustBeforeIdentity, prop::kPublisherFirst, prop::kCrossProduct, prop::kRestartsLast,
        prop::kRestartsOwed, prop::kRolling, prop::kSimulation, prop::kIdempotent, prop::kConverges, prop::kReason,
        prop::kRegion, prop::kDeterministic, prop::kUniqueIds}) {
    int failing = expect_property(property);
    std::string verdict = failing ? "FAIL (" + std::to_string(failing) + " seeds)" : "ok";
    summary += "\n  " + verdict + "  " + property;
  }
  std::printf("[ plan property ] %zu seeds planned in %.1f s:%s\n", run_all().outcomes.size(), run_all().seconds,
              summary.c_str());
}

// The generator must keep exercising what the properties are about, or they would pass vacuously.
TEST(PlanProperty, GeneratorCoversEveryFeature) {
  const PropertyRun& run = coverage_run();
  std::map<std::string, int> seen;
  for (const auto& outcome : run.outcomes) {
    for (const auto& f : outcome.features) ++seen[f];
  }
  std::string table;
  for (const auto& [f, n] : seen) table += "\n  " + std::to_string(n) + "  " + f;
  for (const char* f : {"policy rolling",
                        "policy all-at-once",
                        "policy manual",
                        "pending restarts from the journal",
                        "action upload-trust",
                        "action delete-trust",
                        "action wait-replication",
                        "action restart",
                        "action renew-identity",
                        "action regenerate-identity",
                        "upload on a subscriber",
                        "prune",
                        "cross-product ordering group",
                        "cross-product: both phases in one plan",
                        "issuer and subject in one plan",
                        "manual restarts listed",
                        "regenerated identity: a second round",
                        "integration uccx -> external script",
                        "integration finesse -> cuic",
                        "integration cuic -> finesse",
                        "integration uccx -> socialminer"}) {
    EXPECT_GE(seen[f], 3) << "too few seeds exercise \"" << f << "\"; seen:" << table;
  }
  std::printf("[ plan property ] features exercised (seeds):%s\n", table.c_str());
}

}  // namespace
}  // namespace trustctl::plans
