#pragma once
// A listening TCP socket on 127.0.0.1 for in-process test servers (TLS ports, HTTPS servers, a port that accepts and
// says nothing). One place for the socket calls the transport and port tests would otherwise each repeat.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace trustctl::testing {

class LoopbackListener {
 public:
  // port 0: one the kernel picks. A fixed port (one a test saw free) is bound with SO_REUSEADDR, so a port that was
  // just closed can be taken again, as a restarting service would.
  explicit LoopbackListener(int port = 0, int backlog = 8) {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    listen(m_fd, backlog);
  }
  ~LoopbackListener() {
    if (m_fd >= 0) ::close(m_fd);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;

  int port() const { return m_port; }
  int fd() const { return m_fd; }
  int accept_one() const { return ::accept(m_fd, nullptr, nullptr); }
  // Wakes a thread blocked in accept_one(), which then gets -1, as does every later call. The descriptor itself is
  // closed (and the port freed) only by the destructor, once no thread can be using it: closed here, its number
  // could be reused by another socket before the accepting thread calls accept() on it again.
  void stop() const { ::shutdown(m_fd, SHUT_RDWR); }

 private:
  int m_fd = -1;
  int m_port = 0;
};

}  // namespace trustctl::testing
