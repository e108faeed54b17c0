#pragma once
// The real vos-sim binary as a child process, for the suites that drive it over real sockets.

#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace vossim::test {

using namespace std::chrono_literals;

// A vos-sim child process: stdout through a pipe (for the ready line), stderr to a file.
class SimProcess {
 public:
  SimProcess(const std::filesystem::path& site, const std::filesystem::path& dir, std::vector<std::string> extra = {}) {
    m_stderr_path = dir / ("vos-sim-" + std::to_string(++s_count) + ".stderr");
    int out[2];
    EXPECT_EQ(::pipe(out), 0);
    m_pid = ::fork();
    if (m_pid == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      int err = ::open(m_stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(err, STDERR_FILENO);
      ::close(out[0]);
      // Fast defaults unless the test sets its own.
      std::vector<std::string> args = {VOS_SIM_BIN, site.string()};
      for (const char* flag : {"--replication-delay-ms", "--restart-ms"}) {
        if (std::find(extra.begin(), extra.end(), flag) != extra.end()) continue;
        args.push_back(flag);
        args.push_back(std::string(flag) == "--restart-ms" ? "600" : "200");
      }
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(VOS_SIM_BIN, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    m_stdout = out[0];
  }
  ~SimProcess() {
    if (m_pid > 0 && !m_reaped) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
    if (m_stdout >= 0) ::close(m_stdout);
  }

  // Reads stdout until the ready line or the process ends; returns what it read.
  std::string wait_ready(std::chrono::milliseconds limit = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (m_output.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{m_stdout, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) continue;
      char buffer[256];
      const auto n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) break;
      m_output.append(buffer, static_cast<std::size_t>(n));
    }
    return m_output;
  }

  // Exit status after SIGTERM (or after it exits on its own), -1 on timeout or a signal death.
  int terminate_and_wait(bool send_signal = true, std::chrono::milliseconds limit = 15s) {
    if (send_signal) ::kill(m_pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_reaped = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

  pid_t pid() const { return m_pid; }
  std::string stderr_text() const { return read_file(m_stderr_path); }

 private:
  static inline int s_count = 0;
  pid_t m_pid = -1;
  int m_stdout = -1;
  bool m_reaped = false;
  std::string m_output;
  std::filesystem::path m_stderr_path;
};

}  // namespace vossim::test
