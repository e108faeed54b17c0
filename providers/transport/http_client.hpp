#pragma once
// HTTPS requests to one appliance (docs/appliances.md section 8): the REST clients in providers/<product> are written
// against HttpClient only, so unit tests drive them with an in-process fake and production with libcurl.
//
// Verification is always on and happens inside the TLS handshake, before a single byte of the request (and so the
// Basic credentials) is sent:
//   - a pin for host:port in the pins file (tls_pins.hpp): the leaf certificate's SHA-256 over DER must equal a pin;
//   - no pin: the chain must validate against the site's CA certificates (only those, not the system store) and the
//     certificate must name the node's FQDN.
// The connection goes to the node's address while the URL, SNI and the name check use the FQDN (CURLOPT_RESOLVE).

#include "engine/config/secrets.hpp"
#include "engine/model/certificate.hpp"
#include "engine/model/error.hpp"
#include "engine/model/site.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trustctl::transport {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string path;      // from the root, with any query: "/platformcom/api/v1/certmgr/config/trust/certificate?service=tomcat"
  HttpHeaders headers;   // besides Authorization, which the client adds
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;   // as received (names in the server's case)
  std::string body;

  // The first header with this name, compared case-insensitively; "" when absent.
  std::string header(std::string_view name) const;
};

// Not thread-safe: one request at a time (each worker opens its own).
class HttpClient {
 public:
  virtual ~HttpClient() = default;

  // The node this client talks to; every error it returns already carries it.
  virtual const std::string& node() const = 0;

  // Sends one request with pre-emptive Basic auth and returns the answer, whatever its status, except:
  //   401 -> ErrorCode::authentication (names the user and the credential set, never the password);
  //   no answer -> ErrorCode::connection (refused, reset, closed) or ErrorCode::timeout;
  //   verification failed -> ErrorCode::tls (never retried).
  // Other statuses are returned as they are: only the product's client knows which 5xx is permanent (a CUCM identity
  // upload against a missing CSR answers 500), so it classifies them, with status_error_code() as the default.
  // `operation` labels errors: .on(node(), operation).
  virtual Result<HttpResponse> request(const HttpRequest& request, const std::string& operation) = 0;
};

// The default meaning of an HTTP status a REST client did not expect: 5xx, 408 and 429 are transient
// (ErrorCode::connection: the executor retries), 401 authentication, anything else the appliance refusing.
ErrorCode status_error_code(int status);

// One line per request for a progress or debug log. Lines are built from the method, the path, the status, sizes and
// times only: never a header (Authorization) or a body (certificates are harmless, but a body is where a secret would
// be if a future API carried one).
using HttpLog = std::function<void(const std::string& line)>;

struct HttpsTarget {
  std::string node;                   // for messages
  std::string fqdn;                   // URL host, SNI and the name the certificate must carry
  std::string address;                // where to connect; the FQDN itself when empty
  int port = 8443;
  std::string username;
  std::string password;               // secret: never logged, never in an Error
  std::string credentials;            // name of the credential set, for messages
  std::filesystem::path tls_pins;     // read at every request, so a pin updated after a rotation counts at once
  std::vector<Certificate> trusted_cas;  // used for a host:port without a pin
  std::chrono::milliseconds connect_timeout{30000};  // TCP connect and TLS handshake
  std::chrono::milliseconds timeout{600000};         // the whole request
  HttpLog log;                        // may be empty
};

// Prepares a client; nothing is sent until the first request. Errors carry .on(node, "connect").
Result<std::unique_ptr<HttpClient>> open_https(const HttpsTarget& target);

// The target for a site's node: its FQDN, address, https_port (or `port` when not 0), credential set, pins file,
// every [[ca]] certificate of the site, and timeouts from timeout_s (connect: at most 30 s).
HttpsTarget https_target(const Node& node, const Site& site, const config::Secret& secret, int port = 0);

// open_https(https_target(node, site, secret)): what the action runner calls.
Result<std::unique_ptr<HttpClient>> open_https(const Node& node, const Site& site, const config::Secret& secret,
                                               HttpLog log = {});

// ---- exposed for tests ----

// The pin-check decision made inside the handshake: "" when `presented` (SHA-256 hex of the leaf) is acceptable.
// Otherwise the message of the ErrorCode::tls error.
std::string pin_mismatch_message(const std::string& host_port, const std::vector<std::string>& pins,
                                 const std::string& presented, const std::filesystem::path& pins_file);

}  // namespace trustctl::transport
