#pragma once
// Clients for the suites that drive a running vos-sim: a TLS handshake that returns the presented chain, plain HTTP
// to the control API, the system ssh client through sshpass, and shell commands (curl, openssl s_client).

#include "tests/vossim/test/test_support.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace vossim::test {

// -1: refused (or no listener); otherwise a connected socket.
inline int connect_to(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &target.sin_addr);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool port_open(const std::string& address, int port) {
  const int fd = connect_to(address, port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

struct TlsResult {
  bool connected = false;  // TCP connect worked
  bool handshake = false;
  std::vector<trustctl::Certificate> chain;  // leaf first, as presented
  std::string cipher;
};

inline TlsResult tls_probe(const std::string& address, int port, const std::string& ciphers = "") {
  TlsResult result;
  const int fd = connect_to(address, port);
  if (fd < 0) return result;
  result.connected = true;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ciphers.empty()) {
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx, ciphers.c_str());
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    result.handshake = true;
    result.cipher = SSL_get_cipher_name(ssl);
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
      X509* cert = sk_X509_value(chain, i);
      X509_up_ref(cert);
      result.chain.emplace_back(cert);
    }
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  ::close(fd);
  return result;
}

struct HttpResult {
  int status = 0;  // 0: no answer (refused or dropped)
  std::string body;
};

inline HttpResult http_call(const std::string& address, int port, const std::string& method, const std::string& path,
                            const std::string& token = "", const std::string& body = "") {
  HttpResult result;
  const int fd = connect_to(address, port);
  if (fd < 0) return result;
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: " + address + "\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[4096];
  for (long n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  if (response.rfind("HTTP/1.1 ", 0) != 0) return result;
  result.status = std::stoi(response.substr(9, 3));
  const auto head_end = response.find("\r\n\r\n");
  if (head_end != std::string::npos) result.body = response.substr(head_end + 4);
  return result;
}

// Runs a shell command; returns its stdout (stderr too when merge) and sets exit_code.
inline std::string shell(const std::string& command, int* exit_code = nullptr, bool merge = true) {
  std::string out;
  FILE* pipe = ::popen((command + (merge ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// The system ssh client under sshpass, typing lines with pauses (as a person would); returns what it printed.
inline std::string run_openssh(const std::filesystem::path& dir, const std::string& address, int port,
                               const std::string& password, const std::vector<std::string>& lines, int* exit_code,
                               double pause_s = 1.0) {
  static int count = 0;
  const auto script = dir / ("input-" + std::to_string(++count) + ".sh");
  {
    std::ofstream out(script);
    out << "sleep 1\n";
    for (const auto& line : lines) out << "printf '%s\\n' '" << line << "'\nsleep " << pause_s << "\n";
  }
  const std::string command =
      "sh " + script.string() + " | SSHPASS='" + password + "' timeout 60 sshpass -e ssh -F /dev/null -tt " +
      "-o UserKnownHostsFile=" + (dir / "state" / "known_hosts").string() +
      " -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o PubkeyAuthentication=no"
      " -o ConnectTimeout=10 -p " + std::to_string(port) + " admin@" + address;
  return shell(command, exit_code);
}

inline std::vector<std::string> pem_lines(const std::string& pem) {
  std::vector<std::string> lines;
  std::istringstream in(pem);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace vossim::test
