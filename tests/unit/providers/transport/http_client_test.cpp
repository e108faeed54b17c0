// The libcurl HTTPS client against an in-process TLS server on loopback that records every connection, handshake
// and request byte: pins and CA validation decide inside the handshake (a refused server never sees a request, so
// never the credentials), Basic auth is pre-emptive, and failures map to the right ErrorCode with useful words.

#include "providers/transport/http_client.hpp"

#include "providers/pki/certificate_builder.hpp"
#include "providers/transport/tls_pins.hpp"

#include "support/loopback_listener.hpp"
#include "support/temp_dir.hpp"

#include <poll.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace trustctl::transport {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr const char* kFqdn = "node1.lab.example";
constexpr const char* kPassword = "pw-Secret-123";

struct Identity {
  pki::KeyPair key;
  Certificate certificate;
};

Identity make_ca(const std::string& cn) {
  auto key = *pki::KeyPair::generate("ec-256");
  return {key, *pki::self_signed({.common_name = cn, .is_ca = true, .days = 3650}, key)};
}

Identity make_leaf(const std::string& name, const Identity* issuer) {
  auto key = *pki::KeyPair::generate("ec-256");
  pki::CertificateSpec spec{.common_name = name, .dns_names = {name}};
  auto cert = issuer ? *pki::issue_certificate(spec, key, &issuer->certificate, issuer->key) : *pki::self_signed(spec, key);
  return {key, cert};
}

// How the server answers a request it read.
struct Reply {
  int status = 200;
  std::string body = "hello";
  std::string extra_headers;         // "Name: value\r\n" lines
  bool never_answer = false;         // read the request, then say nothing until the test ends
  bool close_without_answer = false;
};

// A TLS server on 127.0.0.1 with an ephemeral port. Every accepted connection is counted, every completed handshake
// too, and every byte of application data received is kept.
class TlsServer {
 public:
  explicit TlsServer(const Identity& identity, Reply reply = {}, const Identity* second = nullptr)
      : m_reply(std::move(reply)) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-reply must not kill the test process
    m_ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(m_ctx, identity.certificate.native());
    SSL_CTX_use_PrivateKey(m_ctx, identity.key.native());
    // A second identity of the other key type, as a Tomcat holding tomcat and tomcat-ECDSA: OpenSSL presents the one
    // the client's signature algorithms and suites prefer.
    if (second) {
      SSL_CTX_use_certificate(m_ctx, second->certificate.native());
      SSL_CTX_use_PrivateKey(m_ctx, second->key.native());
    }
    m_thread = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    m_stop = true;
    m_thread.join();
    SSL_CTX_free(m_ctx);
  }
  int port() const { return m_listener.port(); }
  int connections() const { return m_connections; }
  int handshakes() const { return m_handshakes; }
  std::vector<std::string> requests() const {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }

 private:
  void serve() {
    while (!m_stop) {
      pollfd p{m_listener.fd(), POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int client = m_listener.accept_one();
      if (client < 0) continue;
      ++m_connections;
      handle(client);
      close(client);
    }
  }

  void handle(int client) {
    SSL* ssl = SSL_new(m_ctx);
    SSL_set_fd(ssl, client);
    if (SSL_accept(ssl) == 1) {
      ++m_handshakes;
      std::string request;
      char buf[4096];
      // Read headers, then Content-Length bytes of body.
      size_t body_needed = std::string::npos;
      while (true) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
        size_t end = request.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (body_needed == std::string::npos) {
          body_needed = 0;
          size_t at = request.find("Content-Length: ");
          if (at != std::string::npos && at < end) body_needed = std::stoul(request.substr(at + 16));
        }
        if (request.size() >= end + 4 + body_needed) break;
      }
      {
        std::lock_guard lock(m_mutex);
        if (!request.empty()) m_requests.push_back(request);
      }
      if (m_reply.never_answer) {
        while (!m_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      } else if (!m_reply.close_without_answer && !request.empty()) {
        std::string out = "HTTP/1.1 " + std::to_string(m_reply.status) + " X\r\nContent-Type: text/plain\r\n" +
                          m_reply.extra_headers + "Content-Length: " + std::to_string(m_reply.body.size()) +
                          "\r\nConnection: close\r\n\r\n" + m_reply.body;
        SSL_write(ssl, out.data(), static_cast<int>(out.size()));
        SSL_shutdown(ssl);
      }
    }
    ERR_clear_error();
    SSL_free(ssl);
  }

  Reply m_reply;
  SSL_CTX* m_ctx = nullptr;
  testing::LoopbackListener m_listener;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::atomic<int> m_handshakes{0};
  mutable std::mutex m_mutex;
  std::vector<std::string> m_requests;
  std::thread m_thread;
};

std::string base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

void write_pin(const fs::path& path, const std::string& host_port, const std::string& fingerprint) {
  std::ofstream(path) << "# test pins\n" << host_port << " sha256/" << fingerprint << "\n";
}

HttpsTarget target_for(int port, const fs::path& pins) {
  HttpsTarget target;
  target.node = "node1";
  target.fqdn = kFqdn;
  target.address = "127.0.0.1";
  target.port = port;
  target.username = "admin";
  target.password = kPassword;
  target.credentials = "os-admin";
  target.tls_pins = pins;
  target.connect_timeout = std::chrono::seconds(5);
  target.timeout = std::chrono::seconds(10);
  return target;
}

HttpRequest get(const std::string& path) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  return request;
}

std::unique_ptr<HttpClient> open(const HttpsTarget& target) {
  auto client = open_https(target);
  EXPECT_TRUE(client) << client.error().message;
  return std::move(*client);
}

// ---- verification ------------------------------------------------------------------------------------------------

TEST(HttpClientPin, APinnedCertificateIsAcceptedAndBasicAuthGoesWithTheFirstRequest) {
  TempDir dir;
  auto self = make_leaf(kFqdn, nullptr);
  TlsServer server(self, {.status = 200, .body = "{\"ok\":true}", .extra_headers = "X-Thing: one\r\n"});
  write_pin(dir / "pins", std::string(kFqdn) + ":" + std::to_string(server.port()), self.certificate.fingerprint());

  auto client = open(target_for(server.port(), dir / "pins"));
  auto response = client->request(get("/platformcom/api/v1/x?service=tomcat"), "read");
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "{\"ok\":true}");
  EXPECT_EQ(response->header("x-thing"), "one");
  EXPECT_EQ(response->header("absent"), "");

  ASSERT_EQ(server.requests().size(), 1u);
  const std::string request = server.requests().front();
  EXPECT_EQ(request.rfind("GET /platformcom/api/v1/x?service=tomcat HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Authorization: Basic " + base64(std::string("admin:") + kPassword) + "\r\n"), std::string::npos)
      << request;
  // The URL names the FQDN even though the connection went to the address.
  EXPECT_NE(request.find("Host: " + std::string(kFqdn) + ":" + std::to_string(server.port())), std::string::npos) << request;
  EXPECT_EQ(server.connections(), 1);  // no unauthenticated first try
}

TEST(HttpClientPin, APinRecordedUnderTheAddressCountsToo) {
  TempDir dir;
  auto self = make_leaf(kFqdn, nullptr);
  TlsServer server(self);
  write_pin(dir / "pins", "127.0.0.1:" + std::to_string(server.port()), self.certificate.fingerprint());
  auto response = open(target_for(server.port(), dir / "pins"))->request(get("/"), "read");
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->body, "hello");
}

// What a client without preferences (a browser, OpenSSL's defaults) is presented by the server.
std::string default_client_sees(int port, const std::string& max_version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (max_version == "1.2") SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  BIO* bio = BIO_new_ssl_connect(ctx);
  BIO_set_conn_hostname(bio, ("127.0.0.1:" + std::to_string(port)).c_str());
  std::string key_type = "none";
  if (BIO_do_handshake(bio) == 1) {
    SSL* ssl = nullptr;
    BIO_get_ssl(bio, &ssl);
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
      key_type = EVP_PKEY_get_base_id(X509_get0_pubkey(peer)) == EVP_PKEY_EC ? "EC" : "RSA";
      X509_free(peer);
    }
  }
  BIO_free_all(bio);
  SSL_CTX_free(ctx);
  return key_type;
}

// A node holding tomcat-ECDSA beside tomcat: a default client gets the EC identity, trustctl asks for the RSA one
// its pins follow, over TLS 1.3 and TLS 1.2 alike.
TEST(HttpClientPin, ANodeWithBothIdentitiesPresentsTheRsaOneThePinsFollow) {
  for (const std::string version : {"1.3", "1.2"}) {
    TempDir dir;
    auto ec = make_leaf(kFqdn, nullptr);
    auto rsa_key = *pki::KeyPair::generate("rsa-2048");
    Identity rsa{rsa_key, *pki::self_signed({.common_name = kFqdn, .dns_names = {kFqdn}}, rsa_key)};
    TlsServer server(ec, {}, &rsa);
    ASSERT_EQ(default_client_sees(server.port(), version), "EC") << "the server must really hold both: " << version;
    write_pin(dir / "pins", std::string(kFqdn) + ":" + std::to_string(server.port()), rsa.certificate.fingerprint());
    auto target = target_for(server.port(), dir / "pins");
    auto client = open(target);
    auto response = client->request(get("/"), "read");
    ASSERT_TRUE(response) << version << ": " << response.error().describe();
    EXPECT_EQ(response->body, "hello");
  }
}

TEST(HttpClientPin, AWrongPinFailsTheHandshakeBeforeAnyCredentialIsSent) {
  TempDir dir;
  auto self = make_leaf(kFqdn, nullptr);
  TlsServer server(self);
  const std::string host_port = std::string(kFqdn) + ":" + std::to_string(server.port());
  const std::string expected(64, 'a');
  write_pin(dir / "pins", host_port, expected);

  auto response = open(target_for(server.port(), dir / "pins"))->request(get("/secret"), "upload trust");
  ASSERT_FALSE(response);
  const Error& e = response.error();
  EXPECT_EQ(e.code, ErrorCode::tls);
  EXPECT_FALSE(is_transient(e.code));
  EXPECT_EQ(e.node, "node1");
  EXPECT_EQ(e.operation, "upload trust");
  EXPECT_NE(e.message.find(host_port), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sha256/" + expected), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(self.certificate.fingerprint()), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("if the node's certificate was rotated on purpose, update " + (dir / "pins").string()),
            std::string::npos)
      << e.message;
  EXPECT_EQ(e.message.find(kPassword), std::string::npos);

  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.handshakes(), 0);  // the client refused inside the handshake
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientPin, APinUpdatedBetweenRequestsCountsAtOnce) {
  TempDir dir;
  auto self = make_leaf(kFqdn, nullptr);
  TlsServer server(self);
  const std::string host_port = std::string(kFqdn) + ":" + std::to_string(server.port());
  write_pin(dir / "pins", host_port, std::string(64, 'b'));
  auto client = open(target_for(server.port(), dir / "pins"));
  ASSERT_FALSE(client->request(get("/"), "read"));
  ASSERT_TRUE(update_pins(dir / "pins", {host_port}, self.certificate.fingerprint()));
  auto response = client->request(get("/"), "read");
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClientPin, PinMismatchMessageIsEmptyOnlyForAPinnedFingerprint) {
  const std::string a(64, 'a');
  const std::string b(64, 'b');
  EXPECT_EQ(pin_mismatch_message("h:1", {a, b}, b, "pins"), "");
  EXPECT_NE(pin_mismatch_message("h:1", {a}, b, "pins"), "");
  EXPECT_NE(pin_mismatch_message("h:1", {a}, "", "pins").find("(none)"), std::string::npos);
  const std::string both = pin_mismatch_message("h:1", {a, b}, std::string(64, 'c'), "pins");
  EXPECT_NE(both.find("sha256/" + a + ", sha256/" + b), std::string::npos) << both;
}

TEST(HttpClientCa, WithoutAPinTheSiteCaValidatesTheChainAndTheName) {
  TempDir dir;
  auto ca = make_ca("Corp Root CA");
  auto leaf = make_leaf(kFqdn, &ca);
  TlsServer server(leaf);
  auto target = target_for(server.port(), dir / "no-pins-file");
  target.trusted_cas = {make_ca("Unrelated CA").certificate, ca.certificate};
  auto response = open(target)->request(get("/"), "read");
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->status, 200);
}

TEST(HttpClientCa, ACertificateForAnotherNameIsRefusedBeforeTheRequest) {
  TempDir dir;
  auto ca = make_ca("Corp Root CA");
  TlsServer server(make_leaf("other.lab.example", &ca));
  auto target = target_for(server.port(), dir / "no-pins-file");
  target.trusted_cas = {ca.certificate};
  auto response = open(target)->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::tls);
  EXPECT_NE(response.error().message.find(std::string(kFqdn) + ":" + std::to_string(server.port())), std::string::npos)
      << response.error().message;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientCa, AnIssuerTheSiteDoesNotListIsRefusedBeforeTheHandshakeEnds) {
  TempDir dir;
  auto ca = make_ca("Corp Root CA");
  auto stranger = make_ca("Someone Else CA");
  auto leaf = make_leaf(kFqdn, &stranger);
  TlsServer server(leaf);
  auto target = target_for(server.port(), dir / "no-pins-file");
  target.trusted_cas = {ca.certificate};
  auto response = open(target)->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::tls);
  EXPECT_NE(response.error().message.find("does not validate against the site's CA certificates"), std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find(leaf.certificate.fingerprint()), std::string::npos) << response.error().message;
  EXPECT_EQ(server.handshakes(), 0);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientCa, ThePinWinsOverTheSiteCas) {
  // A pin is the administrator's statement about this exact host: a CA-valid certificate that is not the pinned one
  // is still refused.
  TempDir dir;
  auto ca = make_ca("Corp Root CA");
  TlsServer server(make_leaf(kFqdn, &ca));
  write_pin(dir / "pins", std::string(kFqdn) + ":" + std::to_string(server.port()), std::string(64, 'e'));
  auto target = target_for(server.port(), dir / "pins");
  target.trusted_cas = {ca.certificate};
  auto response = open(target)->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::tls);
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpClientCa, NoPinAndNoCaIsRefusedWithoutConnecting) {
  TempDir dir;
  TlsServer server(make_leaf(kFqdn, nullptr));
  auto response = open(target_for(server.port(), dir / "pins"))->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::tls);
  EXPECT_NE(response.error().message.find("no pin for"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.connections(), 0);
}

TEST(HttpClientCa, ABrokenPinsFileIsAnErrorNotAFallback) {
  TempDir dir;
  auto ca = make_ca("Corp Root CA");
  TlsServer server(make_leaf(kFqdn, &ca));
  std::ofstream(dir / "pins") << "node1.lab.example:" << server.port() << " sha256/nothex\n";
  auto target = target_for(server.port(), dir / "pins");
  target.trusted_cas = {ca.certificate};
  auto response = open(target)->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::invalid_site);
  EXPECT_EQ(response.error().node, "node1");
  EXPECT_EQ(server.connections(), 0);
}

// ---- answers and failures ---------------------------------------------------------------------------------------

class HttpClientAnswers : public ::testing::Test {
 protected:
  std::unique_ptr<TlsServer> serve(Reply reply) {
    auto server = std::make_unique<TlsServer>(m_self, std::move(reply));
    write_pin(m_dir / "pins", std::string(kFqdn) + ":" + std::to_string(server->port()), m_self.certificate.fingerprint());
    return server;
  }
  HttpsTarget target(int port) { return target_for(port, m_dir / "pins"); }

  TempDir m_dir;
  Identity m_self = make_leaf(kFqdn, nullptr);
};

TEST_F(HttpClientAnswers, A401IsAnAuthenticationErrorNamingUserAndCredentialSet) {
  auto server = serve({.status = 401, .body = "{\"message\":\"authentication failed\"}"});
  auto response = open(target(server->port()))->request(get("/"), "read certificates");
  ASSERT_FALSE(response);
  const Error& e = response.error();
  EXPECT_EQ(e.code, ErrorCode::authentication);
  EXPECT_FALSE(is_transient(e.code));
  EXPECT_NE(e.message.find("'admin'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("'os-admin'"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find(kPassword), std::string::npos) << e.message;
  EXPECT_EQ(e.describe(), "node1: read certificates: " + e.message);
}

TEST_F(HttpClientAnswers, OtherStatusesAreReturnedForTheProductToJudge) {
  for (int status : {200, 400, 404, 500, 503}) {
    auto server = serve({.status = status, .body = "body " + std::to_string(status)});
    auto response = open(target(server->port()))->request(get("/"), "read");
    ASSERT_TRUE(response) << status << ": " << response.error().describe();
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->body, "body " + std::to_string(status));
  }
}

TEST(HttpStatus, DefaultMeaningOfAnUnexpectedStatus) {
  const std::vector<std::pair<int, ErrorCode>> table = {
      {500, ErrorCode::connection}, {502, ErrorCode::connection}, {503, ErrorCode::connection},
      {504, ErrorCode::connection}, {408, ErrorCode::connection}, {429, ErrorCode::connection},
      {401, ErrorCode::authentication}, {400, ErrorCode::appliance_refused}, {403, ErrorCode::appliance_refused},
      {404, ErrorCode::appliance_refused}, {409, ErrorCode::appliance_refused},
  };
  for (const auto& [status, code] : table) EXPECT_EQ(status_error_code(status), code) << status;
}

TEST_F(HttpClientAnswers, APostSendsItsBodyAndHeadersButNeverACallersAuthorization) {
  auto server = serve({});
  HttpRequest request;
  request.method = "POST";
  request.path = "/platformcom/api/v1/certmgr/config/csr";
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer smuggled"}};
  request.body = "{\"service\":\"tomcat\"}";
  auto response = open(target(server->port()))->request(request, "generate CSR");
  ASSERT_TRUE(response) << response.error().describe();
  ASSERT_EQ(server->requests().size(), 1u);
  const std::string seen = server->requests().front();
  EXPECT_EQ(seen.rfind("POST /platformcom/api/v1/certmgr/config/csr HTTP/1.1\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("Content-Type: application/json\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Content-Length: 20\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("Expect:"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("smuggled"), std::string::npos) << seen;
  EXPECT_NE(seen.find("\r\n\r\n{\"service\":\"tomcat\"}"), std::string::npos) << seen;
}

TEST_F(HttpClientAnswers, ARefusedConnectionIsTransient) {
  int port;
  {
    TlsServer gone(m_self);
    port = gone.port();
  }
  write_pin(m_dir / "pins", std::string(kFqdn) + ":" + std::to_string(port), m_self.certificate.fingerprint());
  auto response = open(target(port))->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::connection);
  EXPECT_TRUE(is_transient(response.error().code));
  EXPECT_NE(response.error().message.find("address 127.0.0.1"), std::string::npos) << response.error().message;
}

TEST_F(HttpClientAnswers, AConnectionClosedWithoutAnAnswerIsTransient) {
  auto server = serve({.close_without_answer = true});
  auto response = open(target(server->port()))->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::connection);
}

TEST_F(HttpClientAnswers, NoAnswerInTimeIsATimeout) {
  auto server = serve({.never_answer = true});
  auto t = target(server->port());
  t.timeout = std::chrono::milliseconds(700);
  auto response = open(t)->request(get("/"), "read");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, ErrorCode::timeout);
  EXPECT_TRUE(is_transient(response.error().code));
}

TEST_F(HttpClientAnswers, LogLinesNameTheRequestButNoSecretHeaderOrBody) {
  auto server = serve({.status = 200, .body = "answer-body-SECRETISH"});
  std::vector<std::string> lines;
  auto t = target(server->port());
  t.log = [&](const std::string& line) { lines.push_back(line); };
  HttpRequest request;
  request.method = "POST";
  request.path = "/x";
  request.body = "request-body-SECRETISH";
  ASSERT_TRUE(open(t)->request(request, "upload"));
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines.front();
  EXPECT_NE(line.find("node1: POST https://node1.lab.example:" + std::to_string(server->port()) + "/x -> 200"),
            std::string::npos)
      << line;
  for (const char* secret : {kPassword, "Authorization", "Basic", "SECRETISH", "admin"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
  }
}

// ---- from the site model ----------------------------------------------------------------------------------------

TEST(HttpsTarget, ComesFromTheNodeTheSiteAndTheSecret) {
  Site site;
  CaEntry root;
  root.name = "corp-root";
  root.certificates = {make_ca("Corp Root").certificate, make_ca("Corp Issuing").certificate};
  site.cas = {root};
  Node node;
  node.name = "cucm1";
  node.fqdn = "cucm1.lab.example";
  node.address = "127.0.80.1";
  node.connection.credentials = "os-admin";
  node.connection.https_port = 9443;
  node.connection.tls_pins = "/state/tls_pins";
  node.connection.timeout_s = 600;
  config::Secret secret{"admin", kPassword};

  HttpsTarget t = https_target(node, site, secret);
  EXPECT_EQ(t.node, "cucm1");
  EXPECT_EQ(t.fqdn, "cucm1.lab.example");
  EXPECT_EQ(t.address, "127.0.80.1");
  EXPECT_EQ(t.port, 9443);
  EXPECT_EQ(t.username, "admin");
  EXPECT_EQ(t.password, kPassword);
  EXPECT_EQ(t.credentials, "os-admin");
  EXPECT_EQ(t.tls_pins, fs::path("/state/tls_pins"));
  EXPECT_EQ(t.trusted_cas.size(), 2u);
  EXPECT_EQ(t.timeout, std::chrono::seconds(600));
  EXPECT_EQ(t.connect_timeout, std::chrono::seconds(30));
  EXPECT_EQ(https_target(node, site, secret, 443).port, 443);

  node.connection.timeout_s = 5;
  EXPECT_EQ(https_target(node, site, secret).connect_timeout, std::chrono::seconds(5));
}

}  // namespace
}  // namespace trustctl::transport
