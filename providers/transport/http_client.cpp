#include "providers/transport/http_client.hpp"

#include "engine/base/log.hpp"
#include "providers/transport/tls_pins.hpp"

#include <curl/curl.h>
#include <signal.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <csignal>
#include <mutex>

namespace trustctl::transport {

namespace {

// A body larger than this is not an appliance's answer to a certificate call: stop reading rather than grow forever.
constexpr size_t kMaxBody = 16 * 1024 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

void init_curl_once() {
  // curl_global_init is not thread-safe: the first worker of a parallel apply does it for everyone.
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    // CURLOPT_NOSIGNAL (required with threads) leaves SIGPIPE to the application: a node that resets the connection
    // while OpenSSL writes (an alert, a session ticket) would otherwise kill the whole apply. trustctl's main ignores
    // it already; this covers every other program that links the transport. A handler someone installed stays.
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
  });
}

std::string sha256_hex(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) != 1) return {};
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

// What the handshake's verify callback decides and records, for the request in flight.
struct Verification {
  std::string host_port;
  std::vector<std::string> pins;   // empty: validate against the CA bundle instead
  std::filesystem::path pins_file;
  std::string presented;           // SHA-256 of the leaf the server presented
  std::string failure;             // set when the callback refused the certificate

  void reset() {
    presented.clear();
    failure.clear();
  }
};

// Replaces OpenSSL's chain verification for this connection. Runs inside the handshake: when it refuses, the
// handshake fails and curl never sends the request, so the Basic credentials never reach an unverified server.
// CURLOPT_PINNEDPUBLICKEY would pin the public key, but a pin here names a certificate (a fingerprint an administrator
// compares with the appliance's own listing), and CURLINFO_CERTINFO is only available after the request went out.
int verify_certificate(X509_STORE_CTX* store, void* arg) {
  auto* verification = static_cast<Verification*>(arg);
  X509* leaf = X509_STORE_CTX_get0_cert(store);
  verification->presented = leaf ? sha256_hex(leaf) : std::string();
  if (!verification->pins.empty()) {
    std::string message = pin_mismatch_message(verification->host_port, verification->pins, verification->presented,
                                               verification->pins_file);
    if (message.empty()) {
      X509_STORE_CTX_set_error(store, X509_V_OK);
      return 1;
    }
    verification->failure = std::move(message);
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  if (X509_verify_cert(store) == 1) return 1;
  verification->failure = verification->host_port + " presented a certificate (SHA-256 " + verification->presented +
                          ") that does not validate against the site's CA certificates: " +
                          X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)) +
                          ". Add its issuing CA to the site, or, if it is the node's own certificate, pin it in " +
                          verification->pins_file.string() + "; nothing was sent.";
  return 0;
}

// A node that holds tomcat-ECDSA beside tomcat presents whichever the client prefers (an agent's browser gets the EC
// one). Pins and the site's CAs follow the RSA tomcat identity, so trustctl asks for it first: RSA signature
// algorithms (TLS 1.3) and RSA key exchange suites (TLS 1.2) ahead of the EC ones, which stay offered for a node that
// has nothing else.
constexpr const char* kRsaFirstSigalgs =
    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512:"
    "ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512";
constexpr const char* kRsaFirstCiphers = "ECDHE+aRSA+AESGCM:ECDHE+aRSA+CHACHA20:DEFAULT";

CURLcode configure_tls(CURL*, void* ssl_ctx, void* arg) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_set1_sigalgs_list(ctx, kRsaFirstSigalgs) != 1 || SSL_CTX_set_cipher_list(ctx, kRsaFirstCiphers) != 1) {
    return CURLE_SSL_CIPHER;
  }
  SSL_CTX_set_cert_verify_callback(ctx, verify_certificate, arg);
  return CURLE_OK;
}

size_t collect_body(char* data, size_t size, size_t count, void* arg) {
  auto* body = static_cast<std::string*>(arg);
  const size_t bytes = size * count;
  if (body->size() + bytes > kMaxBody) return 0;  // curl reports CURLE_WRITE_ERROR
  body->append(data, bytes);
  return bytes;
}

size_t collect_header(char* data, size_t size, size_t count, void* arg) {
  auto* headers = static_cast<HttpHeaders*>(arg);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  // A new status line starts a new response (after "100 Continue"): only the last one's headers count.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) headers->emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
  return bytes;
}

// Owning handles for libcurl objects: the easy handle lives as long as its client, a header list as one request.
struct CurlCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;
using CurlList = std::unique_ptr<curl_slist, CurlListFree>;

void append(CurlList& list, const std::string& line) {
  if (curl_slist* grown = curl_slist_append(list.get(), line.c_str())) {
    (void)list.release();  // curl_slist_append returns the same list, now one longer
    list.reset(grown);
  }
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(HttpsTarget target, CurlHandle handle) : m_target(std::move(target)), m_handle(std::move(handle)) {
    m_verification.host_port = pin_key(m_target.fqdn, m_target.port);
    m_verification.pins_file = m_target.tls_pins;
    for (const auto& ca : m_target.trusted_cas) m_ca_bundle += ca.pem();
  }
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  const std::string& node() const override { return m_target.node; }

  Result<HttpResponse> request(const HttpRequest& request, const std::string& operation) override {
    const auto started = std::chrono::steady_clock::now();
    auto result = perform(request, operation);
    if (m_target.log || log::enabled(log::Level::debug)) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      std::string line = m_target.node + ": " + request.method + " " + base_url() + request.path + " -> ";
      if (result) {
        line += std::to_string(result->status) + " (" + std::to_string(result->body.size()) + " bytes in " +
                std::to_string(ms.count()) + " ms)";
      } else {
        line += std::string("failed: ") + to_string(result.error().code) + " after " + std::to_string(ms.count()) + " ms";
      }
      log::debug("https", result ? line : line + " (" + result.error().message + ")");
      if (m_target.log) m_target.log(line);
    }
    return result;
  }

 private:
  std::string base_url() const { return "https://" + url_host() + ":" + std::to_string(m_target.port); }
  std::string url_host() const {
    return m_target.fqdn.find(':') != std::string::npos ? "[" + m_target.fqdn + "]" : m_target.fqdn;
  }

  tl::unexpected<Error> error(ErrorCode code, std::string message, const std::string& operation) const {
    return fail(Error(code, std::move(message)).on(m_target.node, operation));
  }

  // The pins for this node: under its FQDN, else under its address (vos-sim and administrators may record either).
  Result<std::vector<std::string>> current_pins() const {
    auto pins = load_pins(m_target.tls_pins);
    if (!pins) return fail(pins.error());
    auto found = lookup_pins(*pins, m_target.fqdn, m_target.port);
    if (found.empty() && !m_target.address.empty()) found = lookup_pins(*pins, m_target.address, m_target.port);
    return found;
  }

  Result<HttpResponse> perform(const HttpRequest& request, const std::string& operation) {
    auto pins = current_pins();
    if (!pins) return error(pins.error().code, pins.error().message, operation);
    if (pins->empty() && m_target.trusted_cas.empty()) {
      return error(ErrorCode::tls,
                   "no pin for " + m_verification.host_port + " in " + m_target.tls_pins.string() +
                       " and no [[ca]] in the site to validate its certificate against: record the node's platform "
                       "certificate there ('" + m_verification.host_port + " sha256/<hex>'); nothing was sent",
                   operation);
    }
    m_verification.pins = *pins;
    m_verification.reset();

    curl_easy_reset(m_handle.get());  // keeps the connection cache; every option below is set again for this request
    HttpResponse response;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    const std::string url = base_url() + request.path;
    const std::string method = request.method.empty() ? "GET" : request.method;
    CurlList headers;
    CurlList resolve;
    for (const auto& [name, value] : request.headers) {
      if (lower(name) == "authorization") continue;  // the credential set decides, nothing else
      append(headers, name + ": " + value);
    }
    append(headers, "Expect:");  // no 100-continue round trip before a body
    if (!m_target.address.empty() && m_target.address != m_target.fqdn) {
      const std::string address = m_target.address.find(':') != std::string::npos ? "[" + m_target.address + "]"
                                                                                   : m_target.address;
      append(resolve, m_target.fqdn + ":" + std::to_string(m_target.port) + ":" + address);
    }

    CURL* h = m_handle.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // an appliance is reached directly, whatever the environment says
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    if (resolve) curl_easy_setopt(h, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_target.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(m_target.timeout.count()));

    // Verification: only our callback and (without a pin) the site's CAs decide, never the system store.
    curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    // A pin names the exact certificate: the name in it adds nothing. Without one, the FQDN must be in it.
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, m_verification.pins.empty() ? 2L : 0L);
    if (m_verification.pins.empty()) {
      curl_blob blob{m_ca_bundle.data(), m_ca_bundle.size(), CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
    }
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, configure_tls);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &m_verification);
    // Every connection verifies afresh: a resumed session would skip the certificate, and a rotated pin must count.
    curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);

    // Pre-emptive Basic: with Basic the only scheme allowed, curl sends it with the first request.
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(h, CURLOPT_USERNAME, m_target.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, m_target.password.c_str());

    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);

    const CURLcode code = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    // Nothing the handle holds may point at this frame's buffers after we return.
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_RESOLVE, nullptr);

    if (code != CURLE_OK) return transport_error(code, error_buffer, operation);
    response.status = static_cast<int>(status);
    if (response.status == 401) {
      return error(ErrorCode::authentication,
                   base_url() + " refused user '" + m_target.username + "' of credential set '" +
                       m_target.credentials + "' (HTTP 401): check the password that credential set resolves to",
                   operation);
    }
    return response;
  }

  tl::unexpected<Error> transport_error(CURLcode code, const char* buffer, const std::string& operation) const {
    const std::string where = m_verification.host_port +
                              (m_target.address.empty() || m_target.address == m_target.fqdn
                                   ? std::string()
                                   : " (address " + m_target.address + ")");
    const std::string detail = buffer[0] ? std::string(buffer) : std::string(curl_easy_strerror(code));
    // Our own verdict first: the handshake failed because we refused the certificate, whatever curl calls it.
    if (!m_verification.failure.empty()) return error(ErrorCode::tls, m_verification.failure, operation);
    switch (code) {
      case CURLE_OPERATION_TIMEDOUT:
        return error(ErrorCode::timeout, "no answer from " + where + " in time: " + detail, operation);
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      case CURLE_SSL_CERTPROBLEM:
        return error(ErrorCode::tls,
                     where + " failed TLS verification (presented SHA-256 " +
                         (m_verification.presented.empty() ? std::string("unknown") : m_verification.presented) +
                         "): " + detail + ". If it is the node's own certificate, pin it in " +
                         m_target.tls_pins.string() + "; nothing was sent.",
                     operation);
      case CURLE_WRITE_ERROR:
        return error(ErrorCode::protocol, where + " answered more than " + std::to_string(kMaxBody) + " bytes", operation);
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_BAD_FUNCTION_ARGUMENT:
      case CURLE_OUT_OF_MEMORY:
      case CURLE_NOT_BUILT_IN:
      case CURLE_UNKNOWN_OPTION:
        return error(ErrorCode::internal, "cannot request " + where + ": " + detail, operation);
      default:
        // Refused, reset, closed without an answer, a handshake cut short: the node may be restarting. Retry.
        return error(ErrorCode::connection, "cannot reach " + where + ": " + detail, operation);
    }
  }

  HttpsTarget m_target;
  CurlHandle m_handle;
  Verification m_verification;  // reached from the handshake through CURLOPT_SSL_CTX_DATA
  std::string m_ca_bundle;      // the site's CAs as PEM, for CURLOPT_CAINFO_BLOB
};

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  const std::string wanted = lower(name);
  for (const auto& [key, value] : headers) {
    if (lower(key) == wanted) return value;
  }
  return {};
}

ErrorCode status_error_code(int status) {
  if (status >= 500 || status == 408 || status == 429) return ErrorCode::connection;
  if (status == 401) return ErrorCode::authentication;
  return ErrorCode::appliance_refused;
}

std::string pin_mismatch_message(const std::string& host_port, const std::vector<std::string>& pins,
                                 const std::string& presented, const std::filesystem::path& pins_file) {
  if (!presented.empty() && std::find(pins.begin(), pins.end(), presented) != pins.end()) return {};
  std::string expected;
  for (const auto& pin : pins) expected += (expected.empty() ? "" : ", ") + std::string(kPinPrefix) + pin;
  return host_port + " presented a certificate with SHA-256 " + (presented.empty() ? "(none)" : presented) +
         ", but " + pins_file.string() + " pins " + expected + "; nothing was sent: if the node's certificate was "
         "rotated on purpose, update " + pins_file.string() + " ('" + host_port + " " + std::string(kPinPrefix) +
         (presented.empty() ? "<hex>" : presented) + "'), otherwise find out what answers at this address";
}

Result<std::unique_ptr<HttpClient>> open_https(const HttpsTarget& target) {
  init_curl_once();
  if (target.fqdn.empty()) return fail(Error(ErrorCode::invalid_site, "no FQDN to connect to").on(target.node, "connect"));
  if (target.port < 1 || target.port > 65535) {
    return fail(Error(ErrorCode::invalid_site, "HTTPS port " + std::to_string(target.port) + " is out of range")
                    .on(target.node, "connect"));
  }
  CurlHandle handle(curl_easy_init());
  if (!handle) return fail(Error(ErrorCode::internal, "libcurl could not create a handle").on(target.node, "connect"));
  return std::unique_ptr<HttpClient>(std::make_unique<CurlHttpClient>(target, std::move(handle)));
}

HttpsTarget https_target(const Node& node, const Site& site, const config::Secret& secret, int port) {
  HttpsTarget target;
  target.node = node.name;
  target.fqdn = node.fqdn;
  target.address = node.address;
  target.port = port != 0 ? port : node.connection.https_port;
  target.username = secret.username;
  target.password = secret.password;
  target.credentials = node.connection.credentials;
  target.tls_pins = node.connection.tls_pins;
  for (const auto& ca : site.cas) {
    target.trusted_cas.insert(target.trusted_cas.end(), ca.certificates.begin(), ca.certificates.end());
  }
  const auto timeout = std::chrono::seconds(std::max(1, node.connection.timeout_s));
  target.timeout = timeout;
  target.connect_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(30));
  return target;
}

Result<std::unique_ptr<HttpClient>> open_https(const Node& node, const Site& site, const config::Secret& secret,
                                               HttpLog log) {
  HttpsTarget target = https_target(node, site, secret);
  target.log = std::move(log);
  return open_https(target);
}

}  // namespace trustctl::transport
