#include "tests/vossim/rest_api.hpp"

#include "tests/vossim/messages.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace vossim {

namespace {

using nlohmann::json;

constexpr std::string_view kCertmgr = "/platformcom/api/v1/certmgr/config/";
constexpr const char* kSystemInfo = "/finesse/api/SystemInfo";

HttpResponse error(int status, const std::string& message, const std::vector<std::string>& messages = {}) {
  return json_response(status, rest_error_body(message, messages));
}

int major_version(const std::string& version) {
  int major = 0;
  for (char c : version) {
    if (c < '0' || c > '9') break;
    major = major * 10 + (c - '0');
    if (major > 1000) break;
  }
  return major;
}

bool is_tomcat_service(const json& value) {
  if (value.is_string()) return value.get<std::string>() == "tomcat";
  if (value.is_array() && !value.empty()) {
    for (const auto& item : value) {
      if (!item.is_string() || item.get<std::string>() != "tomcat") return false;
    }
    return true;
  }
  return false;
}

}  // namespace

std::string rest_error_body(const std::string& message, const std::vector<std::string>& messages) {
  json body = {{"message", message}, {"messages", messages.empty() ? std::vector<std::string>{message} : messages}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

RestApi::RestApi(SimNode& node, RestContext context) : m_node(node), m_context(std::move(context)) {}

bool RestApi::serves_certmgr(const NodeSpec& spec) {
  return spec.product == trustctl::Product::cucm && major_version(spec.version) >= 14;
}

bool RestApi::serves_system_info(const NodeSpec& spec) {
  return spec.product == trustctl::Product::finesse || spec.product == trustctl::Product::uccx;
}

RestOutcome RestApi::handle(const HttpRequest& request) {
  RestOutcome outcome;
  const std::string line = request.method + " " + request.path;
  std::optional<Fault> fault;
  if (m_context.faults != nullptr) {
    fault = m_context.faults->take(
        m_node.spec().name, line,
        {FaultKind::drop_before_reply, FaultKind::drop_after_commit, FaultKind::delay, FaultKind::refuse});
  }
  if (fault && fault->kind == FaultKind::drop_before_reply) {
    m_node.log_rest(line, 0);
    outcome.drop = true;
    return outcome;
  }
  if (fault && fault->kind == FaultKind::refuse) {
    outcome.response = error(500, fault->message.empty() ? std::string(msg::kRefusedDefault) : fault->message);
    m_node.log_rest(line, outcome.response.status);
    return outcome;
  }
  if (fault && fault->kind == FaultKind::delay) outcome.delay = fault->delay;
  outcome.response = route(request);
  m_node.log_rest(line, outcome.response.status);
  if (fault && fault->kind == FaultKind::drop_after_commit) outcome.drop = true;
  return outcome;
}

HttpResponse RestApi::route(const HttpRequest& request) {
  const NodeSpec& spec = m_node.spec();
  if (request.path == kSystemInfo && serves_system_info(spec)) {
    if (request.method != "GET") return error(405, "method not allowed");
    return system_info();
  }
  if (request.path.rfind(kCertmgr, 0) != 0 || !serves_certmgr(spec)) return error(404, "not found: " + request.path);

  // Pre-emptive Basic auth with the OS admin account on every call.
  std::string user;
  std::string password;
  if (!basic_credentials(request, user, password) || user != m_context.username || password != m_context.password) {
    HttpResponse response = error(401, "authentication failed");
    response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Cisco Platform\"");
    return response;
  }
  const std::string tail = request.path.substr(kCertmgr.size());
  if (tail == "snapshot/server" && request.method == "GET") return snapshot();
  if (tail == "trust/certificate" && request.method == "GET") return list_trust(request);
  if (tail == "trust/certificates" && request.method == "POST") return upload_trust(request);
  if (tail == "csr" && request.method == "POST") return create_csr(request);
  if (tail == "identity/certificates" && request.method == "POST") return upload_identity(request);
  return error(404, "not found: " + request.path);
}

HttpResponse RestApi::snapshot() {
  json identities = json::array();
  for (const auto& entry : m_node.own_store()) {
    identities.push_back({{"service", entry.file.substr(0, entry.file.find('/'))},
                          {"fileName", entry.file},
                          {"certificate", entry.pem},
                          {"fingerprint", entry.certificate.fingerprint()}});
  }
  json trusts = json::array();
  for (const auto& entry : m_node.trust_store()) {
    trusts.push_back({{"service", "tomcat"},
                      {"fileName", entry.file},
                      {"certificate", entry.pem},
                      {"fingerprint", entry.certificate.fingerprint()}});
  }
  json body = {{"hostName", m_node.spec().fqdn}, {"identities", identities}, {"trusts", trusts}};
  return json_response(200, body.dump());
}

HttpResponse RestApi::list_trust(const HttpRequest& request) {
  if (request.query_param("service") != "tomcat") return error(400, "unsupported service: " + request.query_param("service"));
  json certificates = json::array();
  for (const auto& entry : m_node.trust_store()) {
    certificates.push_back({{"certificate", entry.pem},
                            {"fileName", entry.file},
                            {"subject", entry.certificate.subject()},
                            {"serialNumber", entry.certificate.serial_hex()}});
  }
  return json_response(200, json({{"certificates", certificates}}).dump());
}

HttpResponse RestApi::upload_trust(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("certificates") || !body["certificates"].is_array() ||
      body["certificates"].empty()) {
    return error(400, "the body needs \"certificates\": [PEM...]");
  }
  if (!body.contains("service") || !is_tomcat_service(body["service"])) {
    return error(400, "only the tomcat service is supported");
  }
  std::vector<UploadedCertificate> uploaded;
  for (const auto& element : body["certificates"]) {
    if (!element.is_string()) return error(400, "every element of \"certificates\" must be a PEM string");
    // An element may hold several PEM blocks (a chain): each is imported.
    auto parsed = parse_uploaded(element.get<std::string>());
    if (!parsed) return error(400, std::string(msg::kImportFailed) + std::string(msg::kReasonNotPem));
    uploaded.insert(uploaded.end(), parsed->begin(), parsed->end());
  }
  std::vector<std::string> problems;
  json results = json::array();
  for (const auto& outcome : m_node.import_trust(uploaded, Clock::now())) {
    results.push_back({{"fileName", outcome.file},
                       {"status", outcome.status == ImportStatus::imported   ? "imported"
                                  : outcome.status == ImportStatus::unchanged ? "unchanged"
                                                                              : "refused"}});
    if (!outcome.ok()) {
      problems.push_back(std::string(msg::kImportFailed) + outcome.reason() + " (CN=" +
                         outcome.common_name + ")");
    }
  }
  if (!problems.empty()) return error(400, problems.front(), problems);
  json reply = {{"message", std::string(msg::kImportedPrefix) + "tomcat."}, {"certificates", results}};
  return json_response(200, reply.dump());
}

HttpResponse RestApi::create_csr(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object()) return error(400, "the body must be a JSON object");
  const std::string unit = body.value("service", json()).is_string() ? body["service"].get<std::string>() : "";
  if (unit.empty() || !m_node.has_unit(unit)) return error(400, "unsupported service: " + unit);
  const bool ecdsa = unit == kTomcatEcdsaUnit;
  const std::string fqdn = m_node.spec().fqdn;
  const std::string distribution = body.contains("distribution") && body["distribution"].is_string()
                                       ? body["distribution"].get<std::string>()
                                       : "this-server";
  // "multi-server" (or the GUI's "Multi-server(SAN)"): one CSR on the publisher naming every node of the cluster.
  const bool multi_server = distribution == "multi-server" || distribution == "Multi-server(SAN)";
  if (distribution != "this-server" && distribution != fqdn && !multi_server) {
    return error(400, "unsupported distribution: " + distribution);
  }
  if (multi_server && m_node.spec().role != trustctl::Role::publisher) {
    return error(400, std::string(msg::kMultiServerOnPublisher));
  }
  std::string common_name =
      body.contains("commonName") && body["commonName"].is_string() ? body["commonName"].get<std::string>() : fqdn;
  if (multi_server && !body.contains("commonName")) common_name = multi_server_common_name(unit, fqdn);
  const std::string key_type = body.contains("keyType") && body["keyType"].is_string() ? body["keyType"].get<std::string>()
                                                                                       : (ecdsa ? "ec" : "rsa");
  const int key_length = body.contains("keyLength") && body["keyLength"].is_number_integer() ? body["keyLength"].get<int>()
                                                                                             : (ecdsa ? 256 : 2048);
  if (key_type != (ecdsa ? "ec" : "rsa")) return error(400, "unsupported keyType for " + unit + ": " + key_type);
  if (!ecdsa && key_length != 1024 && key_length != 2048 && key_length != 3072 && key_length != 4096) {
    return error(400, "unsupported keyLength: " + std::to_string(key_length));
  }
  if (!m_node.identity_key_allowed(ecdsa ? "EC" : "RSA", key_length, unit)) {
    return error(400, "unsupported keyLength: " + std::to_string(key_length));
  }
  // SAN: the FQDN (multi-server: every node of the cluster) plus altNames (the REST call has no Parent Domain field).
  std::vector<std::string> names = {fqdn};
  if (multi_server) {
    names.clear();
    for (const SimNode* member : m_node.cluster()) names.push_back(member->spec().fqdn);
    if (names.empty()) names.push_back(fqdn);
  }
  if (body.contains("altNames")) {
    if (!body["altNames"].is_array()) return error(400, "\"altNames\" must be a list of names");
    for (const auto& name : body["altNames"]) {
      if (!name.is_string()) return error(400, "\"altNames\" must be a list of names");
      if (std::find(names.begin(), names.end(), name.get<std::string>()) == names.end()) names.push_back(name.get<std::string>());
    }
  }
  const std::string key_spec = (ecdsa ? "ec-" : "rsa-") + std::to_string(key_length);
  auto csr = m_node.generate_csr(CsrRequest{common_name, names, key_spec, false}, unit, multi_server);
  if (!csr) return error(500, csr.error().message);
  return json_response(200, json({{"csr", csr->pem}}).dump());
}

HttpResponse RestApi::upload_identity(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.contains("certificates") || !body["certificates"].is_array() ||
      body["certificates"].empty()) {
    return error(400, "the body needs \"certificates\": [leaf, chain...]");
  }
  std::string unit = kTomcatUnit;
  if (body.contains("service") && body["service"].is_string() && m_node.has_unit(body["service"].get<std::string>())) {
    unit = body["service"].get<std::string>();
  } else if (!body.contains("service") || !is_tomcat_service(body["service"])) {
    return error(400, "only the tomcat and tomcat-ECDSA services are supported");
  }
  std::vector<Certificate> certificates;
  for (const auto& element : body["certificates"]) {
    if (!element.is_string()) return error(400, "every element of \"certificates\" must be a PEM string");
    auto parsed = trustctl::parse_certificates(element.get<std::string>());
    if (!parsed) return error(400, std::string(msg::kImportFailed) + std::string(msg::kReasonNotPem));
    certificates.insert(certificates.end(), parsed->begin(), parsed->end());
  }
  switch (m_node.import_own(certificates, Clock::now(), unit)) {
    case OwnImportStatus::imported:
      return json_response(200, json({{"message", std::string(msg::kImportedPrefix) + unit + "."}}).dump());
    // A missing or replaced CSR is a server-side failure on the appliance: 500.
    case OwnImportStatus::no_csr:
      return error(500, unit == kTomcatUnit ? std::string(msg::kNoCsr)
                                            : std::string(msg::kNoCsrPrefix) + unit + "/keys/" + unit +
                                                  std::string(msg::kNoCsrSuffix));
    case OwnImportStatus::key_mismatch: return error(500, std::string(msg::kCsrKeyMismatch));
    case OwnImportStatus::san_mismatch: return error(400, std::string(msg::kCsrSanMismatch));
    case OwnImportStatus::no_issuer: return error(400, std::string(msg::kNoIssuer));
    case OwnImportStatus::key_not_allowed:
      return error(400, std::string(unit == kTomcatUnit ? msg::kCucmTexts.identity_key_refused
                                                        : msg::kCucmTexts.ecdsa_key_refused));
    case OwnImportStatus::expired: return error(400, std::string(msg::kImportFailed) + std::string(msg::kReasonExpired));
    case OwnImportStatus::not_pem: break;
  }
  return error(400, std::string(msg::kImportFailed) + std::string(msg::kReasonNotPem));
}

HttpResponse RestApi::system_info() {
  // IN_SERVICE only when the Finesse services are started (docs/appliances.md section 8: the health check after a
  // restart).
  const auto now = Clock::now();
  const bool uccx = m_node.spec().product == trustctl::Product::uccx;
  const std::vector<std::string> needed = {
      "Cisco Finesse Tomcat", uccx ? "Cisco Unified CCX Notification Service" : "Cisco Finesse Notification Service"};
  bool in_service = true;
  for (const auto& service : needed) in_service = in_service && m_node.service_state(service, now) == ServiceState::started;
  std::string primary;
  std::string secondary;
  for (const SimNode* member : m_node.cluster()) {
    (member->spec().role == trustctl::Role::publisher ? primary : secondary) = member->spec().fqdn;
  }
  if (primary.empty()) primary = m_node.spec().fqdn;
  HttpResponse response;
  response.content_type = "application/xml";
  response.body = "<SystemInfo><status>" + std::string(in_service ? "IN_SERVICE" : "OUT_OF_SERVICE") +
                  "</status><deploymentType>" + std::string(uccx ? "UCCX" : "UCCE") + "</deploymentType>" +
                  "<currentTimeMs>" +
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()) +
                  "</currentTimeMs><host>" + m_node.spec().fqdn + "</host><primaryNode><host>" + primary +
                  "</host></primaryNode>" +
                  (secondary.empty() ? "" : "<secondaryNode><host>" + secondary + "</host></secondaryNode>") +
                  "</SystemInfo>";
  return response;
}

}  // namespace vossim
