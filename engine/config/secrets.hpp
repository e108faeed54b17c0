#pragma once
// Resolves a credential set's password from its environment variable, file or command. The value is returned to the
// caller only; it is never logged, and errors name the source (variable, file, command) but never the value.

#include "engine/model/site.hpp"

#include <string>

namespace trustctl::config {

struct Secret {
  std::string username;
  std::string password;
};

Result<Secret> resolve_credentials(const Credentials& credentials);

}  // namespace trustctl::config
