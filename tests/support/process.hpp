#pragma once
// Real child processes for end-to-end tests: run a command to completion capturing its output, or keep a server
// (vos-sim) running until the test ends. No shell is involved: arguments are passed as they are.

#include "support/loopback_listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustctl::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

namespace detail {

inline pid_t spawn(const std::vector<std::string>& argv, int out_fd, int err_fd, int in_fd) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

}  // namespace detail

// Runs argv[0] (a path) with the given arguments and stdin text; waits at most `limit`.
inline RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
                     std::chrono::seconds limit = std::chrono::seconds(240)) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC) || pipe2(in_pipe, O_CLOEXEC)) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = detail::spawn(argv, out_pipe[1], err_pipe[1], in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(in_pipe[0]);
  if (!input.empty()) (void)!write(in_pipe[1], input.data(), input.size());
  close(in_pipe[1]);

  RunResult result;
  auto deadline = std::chrono::steady_clock::now() + limit;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (poll(fds, 2, 200) <= 0) continue;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      } else {
        (k == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  if (open_fds > 0) {
    kill(pid, SIGKILL);
    for (auto& f : fds) {
      if (f.fd >= 0) close(f.fd);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// A server process kept alive for a test; ready when its stdout shows `ready_text`.
class Server {
 public:
  Server(const std::vector<std::string>& argv, const std::string& ready_text,
         std::chrono::seconds limit = std::chrono::seconds(60)) {
    int out_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC)) throw std::runtime_error("pipe failed");
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    m_log_path = "/tmp/trustctl-server-" + std::to_string(getpid()) + "-" + std::to_string(++counter()) + ".err";
    int err_fd = open(m_log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    m_pid = detail::spawn(argv, out_pipe[1], err_fd, devnull);
    close(out_pipe[1]);
    close(devnull);
    close(err_fd);
    m_out = out_pipe[0];
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[1024];
    while (m_output.find(ready_text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("server not ready: " + m_output + stderr_text());
      pollfd fd{m_out, POLLIN, 0};
      if (poll(&fd, 1, 200) <= 0) continue;
      ssize_t n = read(m_out, buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("server exited before ready: " + m_output + stderr_text());
      m_output.append(buf, static_cast<size_t>(n));
    }
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server() { stop(); }

  // SIGTERM and wait; returns the exit code (the simulator must exit cleanly).
  int stop() {
    if (m_pid <= 0) return m_exit;
    kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        m_pid = -1;
        close(m_out);
        return m_exit;
      }
      usleep(100000);
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &status, 0);
    m_pid = -1;
    close(m_out);
    m_exit = 137;
    return m_exit;
  }
  const std::string& ready_output() const { return m_output; }
  pid_t pid() const { return m_pid; }
  std::string stderr_text() const {
    FILE* f = fopen(m_log_path.c_str(), "r");
    if (!f) return {};
    std::string text;
    char buf[1024];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    fclose(f);
    return text;
  }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  pid_t m_pid = -1;
  int m_out = -1;
  int m_exit = -1;
  std::string m_output;
  std::string m_log_path;
};

// The openssl command-line tool, for TLS servers a test stands up itself (s_server).
inline std::string openssl_binary() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    std::string candidate = std::string(dir) + "/openssl";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "openssl";
}

// s_server in -www mode: it never reads its stdin (which is /dev/null under Server), so it keeps serving.
inline std::unique_ptr<Server> start_s_server(int port, const std::string& cert, const std::string& key,
                                       std::vector<std::string> extra) {
  std::vector<std::string> argv{openssl_binary(), "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
                                "-cert",          cert,       "-key",    key,
                                "-www"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Server>(argv, "ACCEPT", std::chrono::seconds(20));
}

// A loopback TCP port nothing listens on right now (the kernel's choice).
inline int free_port() { return LoopbackListener().port(); }

}  // namespace trustctl::testing
