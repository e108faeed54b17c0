#include "providers/transport/tls_probe.hpp"

#include "engine/base/openssl_handles.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

namespace trustctl::transport {

const char* const kFinesseCipherList =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
    "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
    "AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA:"
    "DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA";

namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : m_fd(fd) {}
  Socket(Socket&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Socket& operator=(Socket&& other) noexcept {
    std::swap(m_fd, other.m_fd);
    return *this;
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (m_fd >= 0) close(m_fd);
  }
  int fd() const { return m_fd; }

 private:
  int m_fd = -1;
};

std::string openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

bool is_address(const std::string& host) {
  in6_addr buf{};
  return inet_pton(AF_INET, host.c_str(), &buf) == 1 || inet_pton(AF_INET6, host.c_str(), &buf) == 1;
}

// Non-blocking connect bounded by the timeout, then back to blocking with the timeout on every read and write, so a
// host that accepts and then says nothing cannot hang the probe.
Result<Socket> connect_tcp(const ProbeTarget& target) {
  std::string where = target.host + ":" + std::to_string(target.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target.port);
  if (int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return fail(ErrorCode::connection, "cannot probe " + where + ": cannot resolve host '" + target.host +
                                           "': " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  std::string reason = "no address";
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    Socket sock(socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (sock.fd() < 0) {
      reason = std::strerror(errno);
      continue;
    }
    if (connect(sock.fd(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      reason = std::strerror(errno);
      continue;
    }
    pollfd pfd{sock.fd(), POLLOUT, 0};
    int ready = poll(&pfd, 1, static_cast<int>(target.timeout.count()));
    if (ready == 0) {
      reason = "connection timed out after " + std::to_string(target.timeout.count()) + " ms";
      continue;
    }
    int error = 0;
    socklen_t len = sizeof error;
    getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (ready < 0 || error != 0) {
      reason = std::strerror(ready < 0 ? errno : error);
      continue;
    }
    fcntl(sock.fd(), F_SETFL, fcntl(sock.fd(), F_GETFL) & ~O_NONBLOCK);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(target.timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((target.timeout.count() % 1000) * 1000);
    setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(sock.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return sock;
  }
  return fail(ErrorCode::connection, "cannot probe " + where + ": " + reason);
}

std::string key_exchange_name(const SSL_CIPHER* cipher) {
  switch (SSL_CIPHER_get_kx_nid(cipher)) {
    case NID_kx_dhe: return "DHE";
    case NID_kx_ecdhe: return "ECDHE";
    case NID_kx_rsa: return "RSA";
    case NID_kx_any: return "any (TLS 1.3)";
    default: return OBJ_nid2sn(SSL_CIPHER_get_kx_nid(cipher));
  }
}

}  // namespace

Result<ProbeTarget> parse_probe_target(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::invalid_site, "'" + std::string(text) + "' is not HOST:PORT (" + why + ")");
  };
  ProbeTarget target;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("an IPv6 address is written [ADDRESS]:PORT");
    }
    target.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("the port is missing");
    target.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (target.host.empty()) return bad("the host is missing");
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    return bad("the port must be a number from 1 to 65535");
  }
  target.port = port;
  return target;
}

Result<ProbeResult> probe_tls(const ProbeTarget& target) {
  std::string where = target.host + ":" + std::to_string(target.port);
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail(ErrorCode::internal, "cannot probe " + where + ": " + openssl_errors());
  // TLS 1.2 exactly: Finesse speaks 1.2, and TLS 1.3 would never let the host choose a DHE suite from our list.
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  // Security level 0: the distribution's default (level 2) refuses 1024-bit DH groups, SHA-1 signatures and
  // 1024-bit RSA keys, all of which Java on Finesse still accepts. Refusing them would report a failed handshake
  // instead of what the host actually negotiates, which is the thing we are here to see. Nothing is trusted or sent
  // on the strength of this connection, so the lower level costs nothing.
  SSL_CTX_set_security_level(ctx.get(), 0);
  if (SSL_CTX_set_cipher_list(ctx.get(), kFinesseCipherList) != 1) {
    return fail(ErrorCode::internal, "cannot probe " + where + ": cipher list refused: " + openssl_errors());
  }
  // Reporting, not verifying: the chain is returned for lint to judge.
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);

  auto sock = connect_tcp(target);
  if (!sock) return fail(sock.error());

  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
  if (!ssl) return fail(ErrorCode::internal, "cannot probe " + where + ": " + openssl_errors());
  SSL_set_fd(ssl.get(), sock->fd());
  std::string servername = target.servername.empty() && !is_address(target.host) ? target.host : target.servername;
  if (!servername.empty()) SSL_set_tlsext_host_name(ssl.get(), servername.c_str());

  errno = 0;
  if (int rc = SSL_connect(ssl.get()); rc != 1) {
    int saved_errno = errno;
    int kind = SSL_get_error(ssl.get(), rc);
    std::string reason = openssl_errors();
    if (reason.empty()) {
      // SO_RCVTIMEO expiring shows as EAGAIN, which OpenSSL reports as "want read" on a blocking socket.
      bool timed_out = kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE ||
                       (kind == SSL_ERROR_SYSCALL && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK));
      if (timed_out) {
        reason = "no answer within " + std::to_string(target.timeout.count()) + " ms";
      } else if (saved_errno != 0) {
        reason = std::strerror(saved_errno);
      } else {
        reason = "the host closed the connection during the handshake (is it a TLS port?)";
      }
    }
    // Leave without an alert: the handshake failed, and nothing else is ever sent.
    SSL_set_quiet_shutdown(ssl.get(), 1);
    return fail(ErrorCode::tls, "TLS handshake with " + where + " failed: " + reason);
  }

  ProbeResult result;
  result.host = target.host;
  result.port = target.port;
  result.servername = servername;
  result.protocol = SSL_get_version(ssl.get());
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl.get());
  result.cipher = SSL_CIPHER_get_name(cipher);
  result.cipher_standard = SSL_CIPHER_standard_name(cipher);
  result.key_exchange = key_exchange_name(cipher);
  EVP_PKEY* ephemeral = nullptr;
  if (SSL_get_peer_tmp_key(ssl.get(), &ephemeral) == 1 && ephemeral) {
    ossl::Pkey owned(ephemeral);  // SSL_get_peer_tmp_key hands over a reference
    result.ephemeral_key_bits = EVP_PKEY_get_bits(ephemeral);
  }
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get())) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      X509_up_ref(cert);
      result.chain.emplace_back(cert);
    }
  }
  // Close without a close_notify: the probe sends nothing beyond the handshake.
  SSL_set_quiet_shutdown(ssl.get(), 1);
  SSL_shutdown(ssl.get());
  return result;
}

}  // namespace trustctl::transport
