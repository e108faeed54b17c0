#include "tests/vossim/integration_oracle.hpp"

#include "tests/vossim/java_client.hpp"

#include <ctime>

namespace vossim {

using trustctl::Product;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::milliseconds(5000);
constexpr const char* kCcxEngine = "Cisco Unified CCX Engine";
constexpr const char* kMediaSenseApi = "MediaSense API service";
constexpr const char* kFinesseTomcat = "Cisco Finesse Tomcat";
constexpr const char* kCuicReporting = "Cisco Unified Intelligence Center Reporting Service";
constexpr const char* kSocialMinerRuntime = "SocialMiner Runtime";

struct RelationRow {
  Product from;
  Product to;
  bool any_kind;  // false: only an integration without a kind
  std::vector<OracleCall> calls;
};

// The oracle's one table (README: "Integration oracle" says where each row comes from). UCCX's calls are made by the
// CCX Engine (docs/appliances.md section 5: the Engine calls MediaSense, SocialMiner, CUCM and scripts' hosts).
const std::vector<RelationRow>& relation_table() {
  static const std::vector<RelationRow> rows = {
      {Product::uccx, Product::mediasense, false,
       {{Product::uccx, Product::mediasense, kCcxEngine, 8440, "MediaSense REST (recording tags, notifications)"}}},
      {Product::mediasense, Product::uccx, false,
       {{Product::mediasense, Product::uccx, kMediaSenseApi, 8445, "Finesse REST (Search and Play gadget)"}}},
      {Product::mediasense, Product::finesse, false,
       {{Product::mediasense, Product::finesse, kMediaSenseApi, 8445, "Finesse REST (Search and Play gadget)"}}},
      {Product::uccx, Product::socialminer, false,
       {{Product::uccx, Product::socialminer, kCcxEngine, 443, "SocialMiner REST"},
        {Product::uccx, Product::socialminer, kCcxEngine, 7443, "SocialMiner notifications (Openfire)"},
        {Product::socialminer, Product::uccx, kSocialMinerRuntime, 0, "UCCX REST (Tomcat)"}}},
      {Product::uccx, Product::cucm, false,
       {{Product::uccx, Product::cucm, kCcxEngine, 0, "CUCM AXL", true}}},
      {Product::uccx, Product::external, true,
       {{Product::uccx, Product::external, kCcxEngine, 0, "third-party HTTPS (scripts, REST)"}}},
      {Product::finesse, Product::cuic, false,
       {{Product::finesse, Product::cuic, kFinesseTomcat, 8444, "CUIC reporting and Live Data"},
        {Product::cuic, Product::finesse, kCuicReporting, 8445, "Finesse REST"}}},
      {Product::cuic, Product::finesse, false,
       {{Product::cuic, Product::finesse, kCuicReporting, 8445, "Finesse REST"},
        {Product::finesse, Product::cuic, kFinesseTomcat, 8444, "CUIC reporting and Live Data"}}},
      {Product::finesse, Product::external, false,
       {{Product::finesse, Product::external, kFinesseTomcat, 0, "gadget host", false, true}}},
  };
  return rows;
}

std::string utc_text(Clock::time_point time) {
  const std::time_t t = Clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The Finesse gadget rules (section 6 and 9: TC010, TC004); empty when none is broken.
std::string finesse_refusal(const JavaHandshake& handshake, const std::string& where) {
  if (handshake.dhe) {
    return where + " negotiated the DHE suite " + handshake.cipher + ": Finesse refuses DHE suites (Logjam, "
           "CSCuv89545)";
  }
  for (const auto& certificate : handshake.chain) {
    if (certificate.signer_key_type() == "RSA-PSS") {
      return where + " presents " + certificate.subject() + ", signed with RSASSA-PSS, which Java on Finesse does "
             "not accept";
    }
  }
  return {};
}

}  // namespace

std::vector<OracleCall> oracle_calls(Product from, Product to, const std::string& kind) {
  for (const auto& row : relation_table()) {
    if (row.from == from && row.to == to && (row.any_kind || kind.empty())) return row.calls;
  }
  return {};
}

IntegrationOracle::IntegrationOracle(const trustctl::Site& site, std::map<std::string, Endpoint> endpoints,
                                     int port_offset)
    : m_endpoints(std::move(endpoints)), m_port_offset(port_offset) {
  for (const auto& cluster : site.clusters) {
    m_cluster_product[cluster.name] = cluster.product;
    auto& names = m_cluster_nodes[cluster.name];
    for (const auto& node : cluster.nodes) names.push_back(node.name);
  }
  for (const auto& integration : site.integrations) {
    const trustctl::Cluster* from = site.find_cluster(integration.from);
    const trustctl::Cluster* to = site.find_cluster(integration.to);
    const std::string text = integration.from + " -> " + integration.to +
                             (integration.kind.empty() ? "" : " (" + integration.kind + ")");
    auto calls = from && to ? oracle_calls(from->product, to->product, integration.kind) : std::vector<OracleCall>{};
    if (calls.empty()) {
      m_unknown.push_back(text);
      continue;
    }
    m_relations.push_back(Relation{text, integration.from, integration.to, std::move(calls)});
  }
}

int IntegrationOracle::port_of(const OracleCall& call, const Endpoint& callee) const {
  return call.callee_port == 0 ? callee.https_port : call.callee_port + m_port_offset;
}

nlohmann::json IntegrationOracle::evaluate(Clock::time_point now) const {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& relation : m_relations) {
    for (const auto& call : relation.calls) {
      // A call goes from the cluster of the caller's product to the other one (a two-way integration: both).
      const bool forward = call.caller == m_cluster_product.at(relation.from);
      const std::string& caller_cluster = forward ? relation.from : relation.to;
      const std::string& callee_cluster = forward ? relation.to : relation.from;
      for (const auto& caller_name : m_cluster_nodes.at(caller_cluster)) {
        const Endpoint& caller = m_endpoints.at(caller_name);
        if (caller.sim == nullptr) continue;  // only the nodes this lab serves make calls
        for (const auto& callee_name : m_cluster_nodes.at(callee_cluster)) {
          nlohmann::json row = judge(call, caller, m_endpoints.at(callee_name), now);
          row["integration"] = relation.text;
          rows.push_back(std::move(row));
        }
      }
    }
  }
  return {{"integrations", rows}, {"unknown", m_unknown}};
}

nlohmann::json IntegrationOracle::judge(const OracleCall& call, const Endpoint& caller, const Endpoint& callee,
                                        Clock::time_point now) const {
  const int port = port_of(call, callee);
  const std::string where = callee.fqdn + ":" + std::to_string(port);
  nlohmann::json row = {{"from", caller.name}, {"to", callee.name}, {"port", port}, {"ok", false},
                        {"what", call.what}, {"caller_service", call.caller_service}};
  auto refuse = [&](const std::string& reason) {
    row["reason"] = reason;
    return row;
  };
  if (caller.sim->is_down(now)) return refuse(caller.name + " is down: it makes no calls");
  if (caller.sim->service_state(call.caller_service, now) != ServiceState::started) {
    return refuse(call.caller_service + " on " + caller.name + " is not started");
  }
  const auto loaded = caller.sim->loaded_identity(call.caller_service, now);
  if (!loaded || !loaded->trust) return refuse(caller.name + " runs no " + call.caller_service);

  const JavaHandshake handshake = java_handshake(callee.address, port, callee.fqdn, kHandshakeTimeout);
  if (!handshake.completed) return refuse("no TLS handshake with " + where + " (" + callee.address + "): " + handshake.error);
  if (call.finesse_gadget_rules) {
    if (auto refusal = finesse_refusal(handshake, where); !refusal.empty()) return refuse(refusal);
  }
  const Certificate& leaf = handshake.chain.front();
  const std::string why = java_verify(*loaded->trust, handshake.chain, callee.fqdn);
  if (!why.empty()) {
    return refuse(caller.name + "'s " + call.caller_service + " (tomcat-trust as loaded at " +
                  utc_text(loaded->loaded_at) + ") does not accept what " + where + " presents (" + leaf.subject() +
                  ", " + leaf.key_type() + ", sha256 " + leaf.short_fingerprint() + "): " + why);
  }
  if (call.critical_extensions_break) {
    if (auto critical = unusual_critical_extensions(leaf); !critical.empty()) {
      return refuse(where + " presents a certificate with the critical extension(s) " + join(critical) +
                    ": UCCX's calls to CUCM fail on anything critical but Key Usage and Basic Constraints (agents see "
                    "\"Invalid user ID/password\")");
    }
  }
  row["ok"] = true;
  row["reason"] = caller.name + "'s " + call.caller_service + " accepts " + leaf.subject() + " (" + leaf.key_type() +
                  ", sha256 " + leaf.short_fingerprint() + ") from " + where;
  return row;
}

}  // namespace vossim
