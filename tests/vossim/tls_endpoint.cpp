#include "tests/vossim/tls_endpoint.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <thread>

namespace vossim {

using trustctl::ErrorCode;

namespace {

constexpr int kIoTimeoutS = 10;  // a client that stalls mid-request loses its connection, never a thread forever
constexpr std::size_t kCacheSize = 4;

void set_timeouts(int fd) {
  timeval timeout{kIoTimeoutS, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

HttpResponse bad_request(ReadOutcome outcome) {
  return json_response(outcome == ReadOutcome::too_large ? 413 : 400,
                       rest_error_body(outcome == ReadOutcome::too_large ? "request too large" : "bad request"));
}

}  // namespace

trustctl::Result<std::shared_ptr<SSL_CTX>> make_server_context(const std::vector<Certificate>& chain,
                                                               const std::string& key_pem, const TlsOptions& options) {
  if (chain.empty()) return trustctl::fail(ErrorCode::internal, "no certificate to serve");
  std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!context) return trustctl::fail(ErrorCode::internal, "SSL_CTX_new failed");
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!options.ciphers.empty()) {
    // A configured cipher list is about TLS 1.2 suites (DHE tests): TLS 1.3 would bypass it.
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
      return trustctl::fail(ErrorCode::invalid_site, "OpenSSL accepts none of the ciphers '" + options.ciphers + "'");
    }
  }
  SSL_CTX_set_dh_auto(ctx, 1);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);  // a restart must show the new identity at once
  if (SSL_CTX_use_certificate(ctx, chain.front().native()) != 1) {
    return trustctl::fail(ErrorCode::internal, "cannot use certificate " + chain.front().subject());
  }
  for (std::size_t i = 1; i < chain.size(); ++i) SSL_CTX_add1_chain_cert(ctx, chain[i].native());
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())),
                                                BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return trustctl::fail(ErrorCode::internal, "cannot read the private key");
  const bool key_ok = SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  if (!key_ok) return trustctl::fail(ErrorCode::internal, "the private key does not match " + chain.front().subject());
  return context;
}

std::shared_ptr<SSL_CTX> TlsContextCache::get(const LoadedIdentity& identity) {
  const std::string& fingerprint = identity.certificate.fingerprint();
  std::string chain_key = fingerprint;
  for (const auto& issuer : identity.chain) chain_key += "/" + issuer.fingerprint();
  std::lock_guard lock(m_mutex);
  for (const auto& [key, context] : m_entries) {
    if (key == chain_key) return context;
  }
  std::vector<Certificate> chain = {identity.certificate};
  chain.insert(chain.end(), identity.chain.begin(), identity.chain.end());
  auto context = make_server_context(chain, identity.key_pem);
  if (!context) return nullptr;
  m_entries.emplace_back(chain_key, *context);
  if (m_entries.size() > kCacheSize) m_entries.erase(m_entries.begin());
  return *context;
}

void serve_https(int fd, SSL_CTX* context, const HttpHandler& handler) {
  set_timeouts(fd);
  SSL* ssl = context != nullptr ? SSL_new(context) : nullptr;
  if (ssl == nullptr) {
    ::close(fd);
    return;
  }
  SSL_set_fd(ssl, fd);
  bool clean = false;
  if (SSL_accept(ssl) == 1) {
    HttpRequest request;
    const auto read = [ssl](char* buffer, std::size_t size) -> long {
      return SSL_read(ssl, buffer, static_cast<int>(size));
    };
    const ReadOutcome outcome = read_request(read, request);
    if (outcome != ReadOutcome::closed) {
      RestOutcome answer = outcome == ReadOutcome::ok ? handler(request) : RestOutcome{bad_request(outcome), false, {}};
      if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
      if (!answer.drop) {
        const std::string bytes = serialize(answer.response);
        SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
        clean = true;
      }
    } else {
      clean = true;
    }
  }
  if (clean) SSL_shutdown(ssl);
  SSL_free(ssl);
  ERR_clear_error();
  ::close(fd);
}

void serve_http(int fd, const HttpHandler& handler) {
  set_timeouts(fd);
  HttpRequest request;
  const auto read = [fd](char* buffer, std::size_t size) -> long { return ::recv(fd, buffer, size, 0); };
  const ReadOutcome outcome = read_request(read, request);
  if (outcome != ReadOutcome::closed) {
    RestOutcome answer = outcome == ReadOutcome::ok ? handler(request) : RestOutcome{bad_request(outcome), false, {}};
    if (!answer.drop) {
      const std::string bytes = serialize(answer.response);
      std::size_t sent = 0;
      while (sent < bytes.size()) {
        const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
    }
  }
  ::close(fd);
}

}  // namespace vossim
