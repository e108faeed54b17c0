#include "tests/vossim/tls_endpoint.hpp"

#include "tests/vossim/service_ports.hpp"

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

namespace {

std::shared_ptr<SSL_CTX> new_server_context() {
  std::shared_ptr<SSL_CTX> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!context) return nullptr;
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  SSL_CTX_set_dh_auto(context.get(), 1);
  SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_OFF);  // a restart must show the new identity at once
  return context;
}

// Adds one certificate with its chain and key: OpenSSL keeps one slot per key type, so an RSA and an EC identity sit
// side by side (each chain is attached to the certificate set just before it).
trustctl::Result<void> add_identity(SSL_CTX* ctx, const std::vector<Certificate>& chain, const std::string& key_pem) {
  if (chain.empty()) return trustctl::fail(ErrorCode::internal, "no certificate to serve");
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
  return {};
}

std::vector<Certificate> leaf_and_chain(const Certificate& leaf, const std::vector<Certificate>& issuers) {
  std::vector<Certificate> chain = {leaf};
  chain.insert(chain.end(), issuers.begin(), issuers.end());
  return chain;
}

}  // namespace

trustctl::Result<std::shared_ptr<SSL_CTX>> make_server_context(const std::vector<Certificate>& chain,
                                                               const std::string& key_pem, const TlsOptions& options) {
  auto context = new_server_context();
  if (!context) return trustctl::fail(ErrorCode::internal, "SSL_CTX_new failed");
  SSL_CTX* ctx = context.get();
  if (!options.ciphers.empty()) {
    // A configured cipher list is about TLS 1.2 suites (DHE tests): TLS 1.3 would bypass it.
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
      return trustctl::fail(ErrorCode::invalid_site, "OpenSSL accepts none of the ciphers '" + options.ciphers + "'");
    }
  }
  if (auto added = add_identity(ctx, chain, key_pem); !added) return trustctl::fail(added.error());
  return context;
}

trustctl::Result<std::shared_ptr<SSL_CTX>> make_dual_server_context(const std::vector<Certificate>& rsa_chain,
                                                                    const std::string& rsa_key_pem,
                                                                    const std::vector<Certificate>& ec_chain,
                                                                    const std::string& ec_key_pem) {
  auto context = new_server_context();
  if (!context) return trustctl::fail(ErrorCode::internal, "SSL_CTX_new failed");
  if (auto added = add_identity(context.get(), rsa_chain, rsa_key_pem); !added) return trustctl::fail(added.error());
  if (auto added = add_identity(context.get(), ec_chain, ec_key_pem); !added) return trustctl::fail(added.error());
  return context;
}

std::shared_ptr<SSL_CTX> TlsContextCache::get(const LoadedIdentity& identity, bool with_ecdsa) {
  // The EC identity joins only where the port can present it and section 10 lets it be presented.
  const bool dual = with_ecdsa && identity.ecdsa && ecdsa_presentable(identity.ecdsa->certificate);
  std::string chain_key = identity.certificate.fingerprint();
  for (const auto& issuer : identity.chain) chain_key += "/" + issuer.fingerprint();
  if (dual) {
    chain_key += "+" + identity.ecdsa->certificate.fingerprint();
    for (const auto& issuer : identity.ecdsa->chain) chain_key += "/" + issuer.fingerprint();
  }
  std::lock_guard lock(m_mutex);
  for (const auto& [key, context] : m_entries) {
    if (key == chain_key) return context;
  }
  const auto rsa = leaf_and_chain(identity.certificate, identity.chain);
  auto context = dual ? make_dual_server_context(rsa, identity.key_pem,
                                                 leaf_and_chain(identity.ecdsa->certificate, identity.ecdsa->chain),
                                                 identity.ecdsa->key_pem)
                      : make_server_context(rsa, identity.key_pem);
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
