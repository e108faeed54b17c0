#include "engine/config/secrets.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

extern char** environ;

namespace trustctl::config {
namespace {

std::string strip_trailing_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Closes a file descriptor on every path out of run_command.
class Fd {
 public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd;
};

// posix_spawnp reports a missing program only on some platforms (and not under valgrind, where the child exits 127),
// so look it up the way execvp would and give one clear message everywhere.
bool program_exists(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path && *path ? path : "/usr/bin:/bin";
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    if (::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

Error secret_error(const Credentials& credentials, const std::string& message) {
  return Error(ErrorCode::secret, "credentials '" + credentials.name + "': " + message).at(credentials.region);
}

Result<std::string> from_env(const Credentials& credentials) {
  const std::string& variable = *credentials.password_env;
  const char* value = std::getenv(variable.c_str());
  if (!value || !*value) {
    return fail(secret_error(credentials, "environment variable " + variable + " is " + (value ? "empty" : "not set") +
                                              "; export it or use password_file"));
  }
  return std::string(value);
}

Result<std::string> from_file(const Credentials& credentials) {
  const std::string path = credentials.password_file->string();
  std::ifstream in(*credentials.password_file, std::ios::binary);
  if (!in) {
    int saved_errno = errno;  // before anything else can overwrite it
    return fail(secret_error(credentials, "cannot read password file " + path + " (" + std::strerror(saved_errno) + ")"));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string password = strip_trailing_newlines(buffer.str());
  if (password.empty()) return fail(secret_error(credentials, "password file " + path + " is empty"));
  return password;
}

// Runs argv directly (no shell: nothing in it is interpreted) with stdout captured; stdin and stderr stay the
// user's, so a password manager can still ask for its passphrase.
Result<std::string> from_command(const Credentials& credentials) {
  const auto& command = credentials.password_command;
  const std::string& program = command.front();
  if (!program_exists(program)) {
    return fail(secret_error(credentials, "password_command '" + program + "' could not be run: not found" +
                                              (program.find('/') == std::string::npos ? " in PATH" : "")));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return fail(secret_error(credentials, std::string("cannot create a pipe: ") + std::strerror(errno)));
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  std::vector<char*> argv;
  for (const auto& word : command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawn_error = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.reset();  // our copy: the child's end is the only writer, so EOF arrives when it exits
  if (spawn_error != 0) {
    return fail(secret_error(credentials, "password_command '" + program + "' could not be run: " +
                                              std::strerror(spawn_error)));
  }

  std::string output;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(read_end.get(), chunk, sizeof chunk);
    if (n > 0) {
      output.append(chunk, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  read_end.reset();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    return fail(secret_error(credentials, "password_command '" + program + "' was killed by signal " +
                                              std::to_string(WTERMSIG(status))));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail(secret_error(credentials, "password_command '" + program + "' failed with exit status " +
                                              std::to_string(WEXITSTATUS(status))));
  }
  std::string first_line = output.substr(0, output.find('\n'));
  if (!first_line.empty() && first_line.back() == '\r') first_line.pop_back();
  if (first_line.empty()) {
    return fail(secret_error(credentials, "password_command '" + program + "' printed no password"));
  }
  return first_line;
}

}  // namespace

Result<Secret> resolve_credentials(const Credentials& credentials) {
  Result<std::string> password;
  if (credentials.password_env) {
    password = from_env(credentials);
  } else if (credentials.password_file) {
    password = from_file(credentials);
  } else if (!credentials.password_command.empty()) {
    password = from_command(credentials);
  } else {
    return fail(secret_error(credentials, "no password source; set password_env, password_file or password_command"));
  }
  if (!password) return fail(std::move(password.error()));
  return Secret{credentials.username, std::move(*password)};
}

}  // namespace trustctl::config
