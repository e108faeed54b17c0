#include "tests/vossim/java_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace vossim {

namespace {

// A Java 8 client's default suites, in its order: ECDSA first, DHE last (TLS 1.2, as the appliances' JREs speak).
constexpr const char* kJavaCiphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
    "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:"
    "AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA:"
    "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA256:DHE-RSA-AES128-SHA256:"
    "DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA";

struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

// A connected socket (blocking, with read and write timeouts) or -1 with why.
int connect_within(const std::string& address, int port, std::chrono::milliseconds timeout, std::string& why) {
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &target.sin_addr) != 1) {
    why = "not an IPv4 address: " + address;
    return -1;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    why = std::strerror(errno);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0 && errno != EINPROGRESS) {
    why = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  pollfd pfd{fd, POLLOUT, 0};
  int error = 0;
  socklen_t length = sizeof error;
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
  if (ready <= 0 || error != 0) {
    why = ready == 0 ? "connection timed out" : std::strerror(ready < 0 ? errno : error);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "the peer closed the connection";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

}  // namespace

JavaHandshake java_handshake(const std::string& address, int port, const std::string& servername,
                             std::chrono::milliseconds timeout) {
  JavaHandshake out;
  FdCloser socket{connect_within(address, port, timeout, out.error)};
  if (socket.fd < 0) return out;
  out.connected = true;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_security_level(ctx.get(), 0);  // Java 8 accepts what OpenSSL's defaults would refuse (1024-bit DH)
  SSL_CTX_set_cipher_list(ctx.get(), kJavaCiphers);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // judged afterwards by java_verify, with the caller's store
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  SSL_set_fd(ssl.get(), socket.fd);
  SSL_set_tlsext_host_name(ssl.get(), servername.c_str());
  if (SSL_connect(ssl.get()) != 1) {
    out.error = "TLS handshake failed: " + openssl_error();
    return out;
  }
  out.completed = true;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl.get());
  out.cipher = SSL_CIPHER_get_name(cipher);
  out.dhe = SSL_CIPHER_get_kx_nid(cipher) == NID_kx_dhe;
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get())) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      X509_up_ref(cert);
      out.chain.emplace_back(cert);
    }
  }
  SSL_set_quiet_shutdown(ssl.get(), 1);
  SSL_shutdown(ssl.get());
  ERR_clear_error();
  return out;
}

std::string java_verify(const std::vector<trustctl::Certificate>& trust, const std::vector<trustctl::Certificate>& chain,
                        const std::string& fqdn) {
  if (chain.empty()) return "no certificate was presented";
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  for (const auto& anchor : trust) X509_STORE_add_cert(store.get(), anchor.native());
  struct StackFree {
    void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }  // a macro: not addressable
  };
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].native());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().native(), untrusted.get()) != 1) {
    return "cannot set up the verification";
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  // Any certificate in the store is an anchor, as in a Java trust store (an intermediate alone is enough).
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  // The HTTPS host name check: the FQDN must be a DNS name in the SAN (no fallback to the CN).
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  X509_VERIFY_PARAM_set1_host(param, fqdn.c_str(), fqdn.size());
  const bool ok = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  if (ok) return {};
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

std::vector<std::string> unusual_critical_extensions(const trustctl::Certificate& certificate) {
  std::vector<std::string> out;
  const X509* cert = certificate.native();
  for (int i = 0; i < X509_get_ext_count(cert); ++i) {
    X509_EXTENSION* ext = X509_get_ext(cert, i);
    if (X509_EXTENSION_get_critical(ext) == 0) continue;
    const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
    if (nid == NID_key_usage || nid == NID_basic_constraints) continue;
    char name[80];
    OBJ_obj2txt(name, sizeof name, X509_EXTENSION_get_object(ext), 0);
    out.emplace_back(name);
  }
  return out;
}

}  // namespace vossim
