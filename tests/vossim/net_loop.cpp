#include "tests/vossim/net_loop.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

namespace vossim {

using trustctl::ErrorCode;

namespace {
constexpr int kBacklog = 64;
constexpr auto kRebindRetry = std::chrono::milliseconds(200);
}  // namespace

NetLoop::NetLoop() {
  if (::pipe2(m_wake_pipe, O_NONBLOCK | O_CLOEXEC) != 0) m_wake_pipe[0] = m_wake_pipe[1] = -1;
}

NetLoop::~NetLoop() {
  stop_and_join();
  for (auto& listener : m_listeners) {
    if (listener.fd >= 0) ::close(listener.fd);
  }
  for (int fd : m_wake_pipe) {
    if (fd >= 0) ::close(fd);
  }
}

int NetLoop::add(ListenerSpec spec) {
  m_listeners.push_back(Listener{std::move(spec), -1, 0});
  return static_cast<int>(m_listeners.size() - 1);
}

trustctl::Result<int> NetLoop::open_socket(Listener& listener) {
  const auto& spec = listener.spec;
  const std::string where = spec.owner + " (" + spec.address + " port " + std::to_string(spec.port) + ")";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(spec.port));
  if (::inet_pton(AF_INET, spec.address.c_str(), &address.sin_addr) != 1) {
    return trustctl::fail(ErrorCode::connection, where + ": not an IPv4 address");
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return trustctl::fail(ErrorCode::connection, where + ": socket: " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, kBacklog) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return trustctl::fail(ErrorCode::connection, where + ": cannot listen: " + reason);
  }
  sockaddr_in bound{};
  socklen_t size = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size);
  listener.bound_port = ntohs(bound.sin_port);
  return fd;
}

trustctl::Result<void> NetLoop::bind_all() {
  const auto now = Clock::now();
  for (auto& listener : m_listeners) {
    if (listener.fd >= 0 || (listener.spec.wanted && !listener.spec.wanted(now))) continue;
    auto fd = open_socket(listener);
    if (!fd) return trustctl::fail(fd.error());
    listener.fd = *fd;
  }
  return {};
}

int NetLoop::bound_port(int id) const { return m_listeners.at(static_cast<std::size_t>(id)).bound_port; }

void NetLoop::start() {
  if (!m_thread.joinable()) m_thread = std::thread([this] { run(); });
}

void NetLoop::stop_and_join() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  wake();
  if (m_thread.joinable()) m_thread.join();
}

void NetLoop::wake() {
  if (m_wake_pipe[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(m_wake_pipe[1], &byte, 1);
  }
}

void NetLoop::schedule(const std::vector<int>& ids, const std::vector<Clock::time_point>& times) {
  {
    std::lock_guard lock(m_mutex);
    for (const auto& time : times) {
      for (int id : ids) m_timers.emplace(time, id);
    }
  }
  wake();
}

std::size_t NetLoop::open_count() const {
  std::size_t count = 0;
  for (const auto& listener : m_listeners) count += listener.fd >= 0 ? 1 : 0;
  return count;
}

void NetLoop::reconcile(int id, Clock::time_point now) {
  Listener& listener = m_listeners[static_cast<std::size_t>(id)];
  const bool wanted = !listener.spec.wanted || listener.spec.wanted(now);
  if (!wanted && listener.fd >= 0) {
    ::close(listener.fd);  // pending connections get a reset; new ones are refused
    listener.fd = -1;
  } else if (wanted && listener.fd < 0) {
    auto fd = open_socket(listener);
    if (fd) {
      listener.fd = *fd;
    } else {
      std::lock_guard lock(m_mutex);
      m_timers.emplace(now + kRebindRetry, id);  // the port may still be held by a closing connection: retry
    }
  }
}

void NetLoop::run() {
  std::vector<pollfd> fds;
  std::vector<int> ids;
  while (true) {
    int timeout_ms = -1;
    std::vector<int> due;
    const auto now = Clock::now();
    {
      std::lock_guard lock(m_mutex);
      if (m_stop) break;
      while (!m_timers.empty() && m_timers.begin()->first <= now) {
        due.push_back(m_timers.begin()->second);
        m_timers.erase(m_timers.begin());
      }
      if (!m_timers.empty()) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(m_timers.begin()->first - now);
        timeout_ms = static_cast<int>(std::max<long long>(1, wait.count() + 1));
      }
    }
    if (!due.empty()) {
      for (int id : due) reconcile(id, now);
      continue;  // recompute the timeout
    }
    fds.clear();
    ids.clear();
    fds.push_back(pollfd{m_wake_pipe[0], POLLIN, 0});
    ids.push_back(-1);
    for (std::size_t i = 0; i < m_listeners.size(); ++i) {
      if (m_listeners[i].fd < 0) continue;
      fds.push_back(pollfd{m_listeners[i].fd, POLLIN, 0});
      ids.push_back(static_cast<int>(i));
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready <= 0) continue;
    if ((fds[0].revents & POLLIN) != 0) {
      char drain[64];
      while (::read(m_wake_pipe[0], drain, sizeof drain) > 0) {
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      Listener& listener = m_listeners[static_cast<std::size_t>(ids[i])];
      if (listener.fd != fds[i].fd) continue;
      // Accept what is queued now; the listening socket is non-blocking.
      for (int n = 0; n < 16; ++n) {
        const int client = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) break;
        listener.spec.on_connection(client);
      }
    }
  }
}

}  // namespace vossim
