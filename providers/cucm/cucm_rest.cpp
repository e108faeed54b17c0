#include "providers/cucm/cucm_rest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace trustctl::cucm {

namespace {

using nlohmann::json;

constexpr size_t kMaxQuoted = 400;  // of a non-JSON error body quoted in a message

std::string path(std::string_view tail) { return std::string(certmgr::base) + std::string(tail); }

transport::HttpRequest json_request(std::string method, std::string_view tail, const json& body) {
  transport::HttpRequest request;
  request.method = std::move(method);
  request.path = path(tail);
  request.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
  request.body = body.dump();
  return request;
}

transport::HttpRequest get_request(std::string tail) {
  transport::HttpRequest request;
  request.method = "GET";
  request.path = path(tail);
  request.headers = {{"Accept", "application/json"}};
  return request;
}

bool success(int status) { return status >= 200 && status < 300; }

// Percent-encodes a query value; service names are plain words, but nothing the site says may bend the URL.
std::string encode_query(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= kMaxQuoted) return out + "...";
  }
  return out;
}

Error protocol(Call call, std::string what) {
  return Error(ErrorCode::protocol, std::string("unexpected answer to ") + operation_name(call) + ": " + std::move(what));
}

Result<json> parse_body(Call call, const transport::HttpResponse& response) {
  if (!success(response.status)) return fail(response_error(call, response));
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(protocol(call, "the body is not a JSON object (HTTP " + std::to_string(response.status) + ")"));
  }
  return body;
}

std::string string_field(const json& object, const char* name) {
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

Result<RestCertificate> parse_entry(Call call, const json& entry, const char* list) {
  if (!entry.is_object()) return fail(protocol(call, std::string("an element of \"") + list + "\" is not an object"));
  auto pem = entry.find("certificate");
  const std::string file = string_field(entry, "fileName");
  const std::string label = file.empty() ? std::string() : " (" + file + ")";
  if (pem == entry.end() || !pem->is_string()) {
    return fail(protocol(call, std::string("an element of \"") + list + "\"" + label + " has no \"certificate\""));
  }
  auto certificates = parse_certificates(pem->get<std::string>());
  if (!certificates) {
    return fail(protocol(call, std::string("the \"certificate\" of an element of \"") + list + "\"" + label +
                                   " is not a certificate"));
  }
  return RestCertificate{pem->get<std::string>(), certificates->front(), file, string_field(entry, "service")};
}

// `list` missing is an empty list; anything but an array is not understood.
Result<std::vector<RestCertificate>> parse_list(Call call, const json& body, const char* list, bool required) {
  std::vector<RestCertificate> out;
  auto found = body.find(list);
  if (found == body.end()) {
    if (required) return fail(protocol(call, std::string("no \"") + list + "\" list"));
    return out;
  }
  if (!found->is_array()) return fail(protocol(call, std::string("\"") + list + "\" is not a list"));
  for (const auto& entry : *found) {
    auto parsed = parse_entry(call, entry, list);
    if (!parsed) return fail(parsed.error());
    out.push_back(std::move(*parsed));
  }
  return out;
}

std::vector<std::string> pems_of(const std::vector<Certificate>& certificates) {
  std::vector<std::string> out;
  for (const auto& certificate : certificates) out.push_back(certificate.pem());
  return out;
}

// The store a listed certificate belongs to and its file name in it. A file name with a directory
// ("tomcat-ECDSA/tomcat-ECDSA.pem", "tomcat-trust/x.pem") says the unit itself and wins over "service", which some
// answers give as "tomcat" for every unit; otherwise the service names it ("tomcat" + suffix), by default tomcat.
std::pair<std::string, std::string> unit_and_file(const RestCertificate& entry, const std::string& suffix) {
  const size_t slash = entry.file_name.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    return {entry.file_name.substr(0, slash), entry.file_name.substr(slash + 1)};
  }
  return {(entry.service.empty() ? std::string("tomcat") : entry.service) + suffix, entry.file_name};
}

template <typename T>
Result<T> labelled(const transport::HttpClient& http, Call call, Result<T> result) {
  if (!result) return fail(std::move(result.error()).on(http.node(), operation_name(call)));
  return result;
}

Result<transport::HttpResponse> send(transport::HttpClient& http, Call call, const transport::HttpRequest& request) {
  return http.request(request, operation_name(call));  // the client labels its own errors
}

}  // namespace

const char* operation_name(Call call) {
  switch (call) {
    case Call::snapshot: return "read certificates (REST)";
    case Call::trust_list: return "list trust certificates (REST)";
    case Call::trust_upload: return "upload trust (REST)";
    case Call::csr: return "generate CSR (REST)";
    case Call::identity_upload: return "upload identity (REST)";
  }
  return "certificate REST call";
}

transport::HttpRequest snapshot_request() { return get_request(std::string(certmgr::snapshot)); }

transport::HttpRequest trust_list_request(std::string_view service) {
  return get_request(std::string(certmgr::trust_list) + encode_query(service));
}

transport::HttpRequest trust_upload_request(const std::vector<std::string>& pems, std::string_view description,
                                            std::string_view service) {
  json body = {{"service", json::array({std::string(service)})},
               {"certificates", pems},
               {"description", std::string(description)}};
  return json_request("POST", certmgr::trust_upload, body);
}

transport::HttpRequest csr_request(const CsrParameters& parameters) {
  json body = {{"service", parameters.service},
               {"distribution", parameters.distribution},
               {"commonName", parameters.common_name},
               {"keyType", parameters.key_type},
               {"keyLength", parameters.key_length},
               {"hashAlgorithm", parameters.hash_algorithm}};
  // Optional on the appliance: an empty list is left out rather than sent as "no SANs at all".
  if (!parameters.alt_names.empty()) body["altNames"] = parameters.alt_names;
  return json_request("POST", certmgr::csr, body);
}

transport::HttpRequest identity_upload_request(const std::vector<std::string>& chain_pems, std::string_view service) {
  json body = {{"service", std::string(service)}, {"certificates", chain_pems}};
  return json_request("POST", certmgr::identity_upload, body);
}

std::string appliance_words(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return one_line(body);
  std::vector<std::string> words;
  auto add = [&](const json& value) {
    if (!value.is_string()) return;
    std::string text = one_line(value.get<std::string>());
    if (!text.empty() && std::find(words.begin(), words.end(), text) == words.end()) words.push_back(text);
  };
  if (auto message = parsed.find("message"); message != parsed.end()) add(*message);
  if (auto messages = parsed.find("messages"); messages != parsed.end()) {
    if (messages->is_array()) {
      for (const auto& item : *messages) add(item.is_object() && item.contains("message") ? item["message"] : item);
    } else {
      add(*messages);
    }
  }
  std::string out;
  for (const auto& text : words) out += (out.empty() ? "" : "; ") + text;
  return out;
}

Error response_error(Call call, const transport::HttpResponse& response) {
  const std::string words = appliance_words(response.body);
  const std::string status = "HTTP " + std::to_string(response.status);
  const std::string said = words.empty() ? status : status + ": " + words;
  ErrorCode code = transport::status_error_code(response.status);
  // The documented permanent 500: an identity upload without its CSR (missing, or replaced by a newer one) fails
  // the same way every time; retrying cannot help, a new CSR can.
  if (call == Call::identity_upload && response.status == 500) code = ErrorCode::appliance_refused;
  switch (code) {
    case ErrorCode::appliance_refused:
      return Error(code, std::string("the appliance refused ") + operation_name(call) + " (" + said + ")");
    case ErrorCode::authentication:
      return Error(code, std::string("the appliance refused the credentials for ") + operation_name(call) + " (" +
                             said + ")");
    default:
      return Error(code, std::string("the appliance failed ") + operation_name(call) + " (" + said +
                             "); it may be busy or restarting");
  }
}

Result<Snapshot> parse_snapshot(const transport::HttpResponse& response) {
  auto body = parse_body(Call::snapshot, response);
  if (!body) return fail(body.error());
  Snapshot snapshot;
  snapshot.host_name = string_field(*body, "hostName");
  auto identities = parse_list(Call::snapshot, *body, "identities", false);
  if (!identities) return fail(identities.error());
  auto trusts = parse_list(Call::snapshot, *body, "trusts", false);
  if (!trusts) return fail(trusts.error());
  snapshot.identities = std::move(*identities);
  snapshot.trusts = std::move(*trusts);
  return snapshot;
}

Result<std::vector<RestCertificate>> parse_trust_list(const transport::HttpResponse& response) {
  auto body = parse_body(Call::trust_list, response);
  if (!body) return fail(body.error());
  return parse_list(Call::trust_list, *body, "certificates", true);
}

Result<std::string> parse_csr(const transport::HttpResponse& response) {
  auto body = parse_body(Call::csr, response);
  if (!body) return fail(body.error());
  const std::string csr = string_field(*body, "csr");
  if (csr.find("-----BEGIN CERTIFICATE REQUEST-----") == std::string::npos ||
      csr.find("-----END CERTIFICATE REQUEST-----") == std::string::npos) {
    return fail(protocol(Call::csr, "no \"csr\" with a PEM certificate request"));
  }
  return csr;
}

Result<void> parse_upload(Call call, const transport::HttpResponse& response) {
  if (!success(response.status)) return fail(response_error(call, response));
  // A 200 that still lists a refused certificate is a refusal: the caller must not believe it stored.
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("certificates") && body["certificates"].is_array()) {
    for (const auto& entry : body["certificates"]) {
      if (entry.is_object() && string_field(entry, "status") == "refused") {
        const std::string words = appliance_words(response.body);
        return fail(Error(ErrorCode::appliance_refused,
                          std::string("the appliance refused ") + operation_name(call) + " of " +
                              string_field(entry, "fileName") + (words.empty() ? "" : " (" + words + ")")));
      }
    }
  }
  return {};
}

NodeState to_node_state(const std::string& node, const Snapshot& snapshot) {
  NodeState state;
  state.node = node;
  for (const auto& trust : snapshot.trusts) {
    auto [unit, file] = unit_and_file(trust, "-trust");
    if (file.empty()) file = trust.certificate.trust_file_name();
    state.stores[unit].push_back(StoreEntry{file, trust.certificate});
  }
  for (const auto& identity : snapshot.identities) {
    auto chain = parse_certificates(identity.pem);
    auto& unit = state.identities[unit_and_file(identity, "").first];
    if (chain) unit.insert(unit.end(), chain->begin(), chain->end());
    else unit.push_back(identity.certificate);
  }
  return state;
}

Result<Snapshot> read_snapshot(transport::HttpClient& http) {
  auto response = send(http, Call::snapshot, snapshot_request());
  if (!response) return fail(response.error());
  return labelled(http, Call::snapshot, parse_snapshot(*response));
}

Result<std::vector<RestCertificate>> list_trust(transport::HttpClient& http, std::string_view service) {
  auto response = send(http, Call::trust_list, trust_list_request(service));
  if (!response) return fail(response.error());
  return labelled(http, Call::trust_list, parse_trust_list(*response));
}

Result<void> upload_trust(transport::HttpClient& http, const std::vector<Certificate>& certificates,
                          std::string_view description) {
  if (certificates.empty()) {
    return fail(Error(ErrorCode::internal, "no certificate to upload").on(http.node(), operation_name(Call::trust_upload)));
  }
  auto response = send(http, Call::trust_upload, trust_upload_request(pems_of(certificates), description));
  if (!response) return fail(response.error());
  return labelled(http, Call::trust_upload, parse_upload(Call::trust_upload, *response));
}

Result<std::string> generate_csr(transport::HttpClient& http, const CsrParameters& parameters) {
  auto response = send(http, Call::csr, csr_request(parameters));
  if (!response) return fail(response.error());
  return labelled(http, Call::csr, parse_csr(*response));
}

Result<void> upload_identity(transport::HttpClient& http, const std::vector<Certificate>& chain,
                             std::string_view service) {
  if (chain.empty()) {
    return fail(Error(ErrorCode::internal, "no certificate to upload").on(http.node(), operation_name(Call::identity_upload)));
  }
  auto response = send(http, Call::identity_upload, identity_upload_request(pems_of(chain), service));
  if (!response) return fail(response.error());
  return labelled(http, Call::identity_upload, parse_upload(Call::identity_upload, *response));
}

}  // namespace trustctl::cucm
