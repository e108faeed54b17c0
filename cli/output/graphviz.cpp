#include "cli/output/graphviz.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace trustctl::cli {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A private scratch directory for dot's input and output, removed on every path out.
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "trustctl-dot-XXXXXX").string();
    if (mkdtemp(pattern.data())) dir = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

}  // namespace

std::string find_dot() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(dir) / "dot";
    if (access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate)) return candidate;
  }
  return "";
}

Result<std::string> dot_to_svg(const std::string& dot) {
  std::string program = find_dot();
  if (program.empty()) {
    return tl::unexpected(Error(ErrorCode::io,
                                "--format svg needs Graphviz's `dot`, which is not on PATH: install it (Debian: "
                                "apt-get install graphviz), or use --format dot and render the file elsewhere"));
  }
  Scratch scratch;
  if (scratch.dir.empty()) return tl::unexpected(Error(ErrorCode::io, "cannot make a temporary directory for dot"));
  auto input = scratch.dir / "graph.dot", output = scratch.dir / "graph.svg", errors = scratch.dir / "dot.err";
  std::ofstream(input, std::ios::binary) << dot;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> args{program, "-Tsvg", input.string(), "-o", output.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return tl::unexpected(Error(ErrorCode::io, "cannot run " + program));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = slurp(errors);
    why = why.substr(0, why.find('\n'));
    return tl::unexpected(Error(ErrorCode::io, program + " -Tsvg failed" + (why.empty() ? "" : ": " + why)));
  }
  return slurp(output);
}

}  // namespace trustctl::cli
