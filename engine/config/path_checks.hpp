#pragma once
// The files and directories a site file names, checked before anything is contacted: each function returns what is
// wrong (for a message that names the key), or nothing. Paths that do not exist yet are fine where trustctl creates
// them (state_dir, known_hosts, tls_pins).

#include <filesystem>
#include <optional>
#include <string>

namespace trustctl::config {

// A directory trustctl creates when missing: it must not be a file, nor lie below one.
std::optional<std::string> directory_problem(const std::filesystem::path& path);

// A file trustctl creates when missing (known_hosts, tls_pins): it must not be a directory, nor lie below a file.
std::optional<std::string> writable_file_problem(const std::filesystem::path& path);

struct KeyFileCheck {
  std::optional<std::string> error;    // missing, unreadable, not a regular file
  std::optional<std::string> warning;  // readable by the group or by everyone
};

// A private key trustctl reads (a CA's local_key). `as_written` is the path as the site file gives it, for messages.
KeyFileCheck key_file_check(const std::filesystem::path& path, const std::string& as_written);

}  // namespace trustctl::config
