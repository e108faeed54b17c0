#pragma once
// HTTPS on a service port: a TLS server context built from what the service loaded (its identity and the chain the
// trust store held at that moment), and the handling of one connection (handshake, one request, the answer).
// Contexts are made on first use and shared by the ports of a node that loaded the same identity, so an idle node
// holds no TLS context at all.

#include "tests/vossim/http.hpp"
#include "tests/vossim/rest_api.hpp"
#include "tests/vossim/sim_node.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

namespace vossim {

struct TlsOptions {
  std::string ciphers;  // OpenSSL cipher list for TLS 1.2 and below; non-empty also caps the version at TLS 1.2
};

// leaf + chain (nearest issuer first) + the leaf's private key PEM.
trustctl::Result<std::shared_ptr<SSL_CTX>> make_server_context(const std::vector<Certificate>& chain,
                                                               const std::string& key_pem,
                                                               const TlsOptions& options = {});
// The same with a second identity of another key type (tomcat-ECDSA next to tomcat), as a Tomcat connector holding
// both: OpenSSL presents the EC one to a client that offers (and prefers) ECDSA, the RSA one to any other.
trustctl::Result<std::shared_ptr<SSL_CTX>> make_dual_server_context(const std::vector<Certificate>& rsa_chain,
                                                                    const std::string& rsa_key_pem,
                                                                    const std::vector<Certificate>& ec_chain,
                                                                    const std::string& ec_key_pem);

class TlsContextCache {
 public:
  // with_ecdsa: the port may present the loaded tomcat-ECDSA identity too (when it has one).
  std::shared_ptr<SSL_CTX> get(const LoadedIdentity& identity, bool with_ecdsa = false);

 private:
  std::mutex m_mutex;
  std::vector<std::pair<std::string, std::shared_ptr<SSL_CTX>>> m_entries;  // by fingerprint, newest last
};

using HttpHandler = std::function<RestOutcome(const HttpRequest&)>;

// Serves one connection on fd (owned: closed on return): TLS handshake, one HTTP request, handler, answer.
void serve_https(int fd, SSL_CTX* context, const HttpHandler& handler);
// The same over plain TCP (the control API on loopback).
void serve_http(int fd, const HttpHandler& handler);

}  // namespace vossim
