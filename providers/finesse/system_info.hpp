#pragma once
// Finesse's health check (docs/appliances.md section 8): GET /finesse/api/SystemInfo reports the node's status;
// IN_SERVICE means ready. Used after a restart of Finesse Tomcat or its notification service, on finesse and uccx nodes
// (on uccx ask the platform port, 8443: the Finesse port 8445 is closed while Finesse restarts).

#include "engine/model/error.hpp"
#include "providers/transport/http_client.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace trustctl::finesse {

inline constexpr std::string_view kSystemInfoPath = "/finesse/api/SystemInfo";
inline constexpr std::string_view kInService = "IN_SERVICE";

struct SystemInfo {
  std::string status;           // "IN_SERVICE", "OUT_OF_SERVICE", ... as the node says it
  std::string deployment_type;  // "UCCX", "UCCE"; "" when absent
  std::string host;             // "" when absent
  std::string primary_host;
  std::string secondary_host;

  bool in_service() const { return status == kInService; }
};

transport::HttpRequest system_info_request();

// Parses the XML document. Tolerates an XML declaration, comments, attributes, namespace prefixes, whitespace and
// elements it does not know, in any order; only the <status> that is a direct child of <SystemInfo> counts. A
// document that is not well-formed, has another root, or has no status is ErrorCode::protocol.
Result<SystemInfo> parse_system_info(std::string_view xml);

// 200 -> parse_system_info; another status -> the transport's default meaning (5xx transient: Finesse starting).
Result<SystemInfo> parse_system_info_response(const transport::HttpResponse& response);

// One GET; errors carry .on(http.node(), "Finesse health check").
Result<SystemInfo> read_system_info(transport::HttpClient& http);

// Asks every `interval` until the node is IN_SERVICE, for at most `limit`. Transient failures (the port closed or
// 5xx while the services start) count as "not yet"; a TLS or authentication failure ends the wait at once.
// Running out of time is ErrorCode::timeout naming the last status or failure seen.
Result<SystemInfo> wait_in_service(transport::HttpClient& http, std::chrono::milliseconds limit,
                                   std::chrono::milliseconds interval = std::chrono::seconds(2));

}  // namespace trustctl::finesse
