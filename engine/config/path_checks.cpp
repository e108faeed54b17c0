#include "engine/config/path_checks.hpp"

#include <fstream>

namespace trustctl::config {
namespace {

namespace fs = std::filesystem;

// The nearest existing ancestor that is not a directory: nothing can be created below it.
std::optional<fs::path> file_in_the_way(const fs::path& path) {
  std::error_code ec;
  for (fs::path at = path.parent_path(); !at.empty(); at = at.parent_path()) {
    auto status = fs::status(at, ec);
    if (fs::exists(status)) return fs::is_directory(status) ? std::nullopt : std::optional<fs::path>(at);
    if (at == at.root_path()) break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> directory_problem(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    return path.string() + " exists and is not a directory; point it at a directory (trustctl creates it if missing)";
  }
  if (auto file = file_in_the_way(path)) {
    return path.string() + " cannot be created: " + file->string() + " is a file, not a directory";
  }
  return std::nullopt;
}

std::optional<std::string> writable_file_problem(const fs::path& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (fs::is_directory(status)) return path.string() + " is a directory; point it at a file (trustctl creates it if missing)";
  if (fs::exists(status) && !fs::is_regular_file(status)) return path.string() + " exists and is not a regular file";
  if (auto file = file_in_the_way(path)) {
    return path.string() + " cannot be created: " + file->string() + " is a file, not a directory";
  }
  return std::nullopt;
}

KeyFileCheck key_file_check(const fs::path& path, const std::string& as_written) {
  KeyFileCheck check;
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    check.error = "cannot read " + as_written + " (no such file; paths are relative to the site file)";
    return check;
  }
  if (!fs::is_regular_file(status)) {
    check.error = as_written + " is not a regular file; give the CA's private key file";
    return check;
  }
  if (!std::ifstream(path, std::ios::binary)) {
    check.error = "cannot read " + as_written + " (permission denied?); trustctl needs it to sign";
    return check;
  }
  using fs::perms;
  const perms others = perms::group_read | perms::group_write | perms::others_read | perms::others_write;
  if ((status.permissions() & others) != perms::none) {
    check.warning = as_written + " is readable or writable by other users; a CA's private key should be readable by "
                                 "its owner only (chmod 600 " + as_written + ")";
  }
  return check;
}

}  // namespace trustctl::config
