#pragma once
// CUCM 14+ certificate management REST (docs/appliances.md section 8), one server per call, over any HttpClient:
// base /platformcom/api/v1/certmgr/config. No REST call regenerates, deletes or restarts: those stay on the CLI.
//
// Request builders and response parsers are pure functions (table-driven tests); the calls at the bottom join them
// with a client and label every error .on(http.node(), operation).

#include "engine/model/certificate.hpp"
#include "engine/model/error.hpp"
#include "engine/model/live_state.hpp"
#include "providers/transport/http_client.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustctl::cucm {

// Every path of the API, in one table, so a correction found on a real CUCM is a one-line change.
namespace certmgr {
inline constexpr std::string_view base = "/platformcom/api/v1/certmgr/config";
inline constexpr std::string_view snapshot = "/snapshot/server";
inline constexpr std::string_view trust_list = "/trust/certificate?service=";  // + service
inline constexpr std::string_view trust_upload = "/trust/certificates";
inline constexpr std::string_view csr = "/csr";
inline constexpr std::string_view identity_upload = "/identity/certificates";
inline constexpr std::string_view this_server = "this-server";  // CSR distribution for a single-node certificate
inline constexpr std::string_view multi_server = "multi-server";  // one SAN certificate for the cluster (publisher)
}  // namespace certmgr

enum class Call { snapshot, trust_list, trust_upload, csr, identity_upload };
const char* operation_name(Call call);  // "read certificates (REST)", "upload trust (REST)", ...

struct CsrParameters {
  std::string common_name;             // the node's FQDN
  std::vector<std::string> alt_names;  // SANs besides the FQDN (the appliance puts the FQDN in itself); optional
  std::string service = "tomcat";
  std::string distribution = std::string(certmgr::this_server);
  std::string key_type = "rsa";
  int key_length = 2048;
  std::string hash_algorithm = "sha256";
};

// A certificate as the appliance listed it.
struct RestCertificate {
  std::string pem;          // exactly as returned: the appliance returns trust PEMs as uploaded, clients compare strings
  Certificate certificate;  // the first certificate of `pem`
  std::string file_name;    // "" when the answer names none
  std::string service;      // "" when the answer names none
};

struct Snapshot {
  std::string host_name;
  std::vector<RestCertificate> identities;
  std::vector<RestCertificate> trusts;
};

// ---- requests (pure) ----
transport::HttpRequest snapshot_request();
transport::HttpRequest trust_list_request(std::string_view service = "tomcat");
// Each element of `pems` is sent as one element of "certificates" (one may hold a whole chain).
transport::HttpRequest trust_upload_request(const std::vector<std::string>& pems, std::string_view description,
                                            std::string_view service = "tomcat");
transport::HttpRequest csr_request(const CsrParameters& parameters);
// Leaf first, then its chain.
transport::HttpRequest identity_upload_request(const std::vector<std::string>& chain_pems,
                                               std::string_view service = "tomcat");

// ---- responses (pure) ----
// What a non-2xx answer means, with the appliance's own words from the JSON `message`/`messages`:
// 5xx (and 408/429) transient (ErrorCode::connection), except the documented permanent 500 of an identity upload
// (missing or replaced CSR) which, like every 4xx, is ErrorCode::appliance_refused; 401 authentication.
Error response_error(Call call, const transport::HttpResponse& response);
// The appliance's words in an error body: `message` plus any further `messages`; "" when the body has none.
std::string appliance_words(std::string_view body);

Result<Snapshot> parse_snapshot(const transport::HttpResponse& response);
Result<std::vector<RestCertificate>> parse_trust_list(const transport::HttpResponse& response);
Result<std::string> parse_csr(const transport::HttpResponse& response);  // the CSR PEM
Result<void> parse_upload(Call call, const transport::HttpResponse& response);

// The snapshot as refresh records it: stores["tomcat-trust"] and identities["tomcat"] (and other units the answer
// names, e.g. "tomcat-ECDSA"), file names as the appliance gives them, else Certificate::trust_file_name().
NodeState to_node_state(const std::string& node, const Snapshot& snapshot);

// ---- calls ----
Result<Snapshot> read_snapshot(transport::HttpClient& http);
Result<std::vector<RestCertificate>> list_trust(transport::HttpClient& http, std::string_view service = "tomcat");
// Trust uploads go to the publisher only (they replicate); a certificate already present is a 200 no-op.
Result<void> upload_trust(transport::HttpClient& http, const std::vector<Certificate>& certificates,
                          std::string_view description);
// A new CSR replaces any pending one; the key stays on the node. Returns the CSR PEM.
Result<std::string> generate_csr(transport::HttpClient& http, const CsrParameters& parameters);
// Leaf first; its issuers must already be in the node's tomcat-trust. Services must be restarted afterwards (CLI).
Result<void> upload_identity(transport::HttpClient& http, const std::vector<Certificate>& chain,
                             std::string_view service = "tomcat");

}  // namespace trustctl::cucm
