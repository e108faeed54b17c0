#pragma once
// One error type for the whole project: a code for programs, a message for people, and where it came from
// (the node and operation, or the site-file region that asked for the work).

#include "engine/model/source_region.hpp"

#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <utility>

namespace trustctl {

enum class ErrorCode {
  invalid_site,        // the site file is malformed or inconsistent
  io,                  // a local file could not be read or written
  secret,              // a credential could not be resolved
  connection,          // transient network failure (refused, reset, timeout): may be retried
  host_key,            // SSH host key unknown or changed: never retried
  tls,                 // TLS verification failed: never retried
  authentication,      // wrong user or password: never retried
  appliance_refused,   // the appliance answered with an error message: never retried
  protocol,            // the appliance answered something we could not understand
  timeout,             // an operation did not finish in its time
  unhealthy,           // a service did not come back after a restart: never retried (restarting again is for a person)
  cycle,               // the ordering rules produced a cycle
  stale_plan,          // a saved plan no longer matches the site or the live state
  locked,              // another apply holds the state directory
  journal,             // the journal is unreadable or could not be written
  cancelled,           // the user declined or interrupted
  internal,
};

const char* to_string(ErrorCode code);

// Transient errors are worth a retry; everything else stops its branch at once.
bool is_transient(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;                  // for people: what happened and what to do
  std::string node;                     // node name, when the error belongs to one
  std::string operation;                // e.g. "refresh", "upload trust", "restart Cisco Tomcat"
  std::optional<SourceRegion> region;   // the site entry that asked for it

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}

  // emplace, not `region = std::move(r)`: GCC 12 with -fsanitize=address inlines optional's move-assignment path
  // (taken only when region is already engaged) and reports the disengaged payload as maybe-uninitialized, a false
  // positive that -Werror turns into a failed TRUSTCTL_SANITIZE build. Constructing in place has no such path.
  Error&& at(SourceRegion r) && {
    region.emplace(std::move(r));
    return std::move(*this);
  }
  Error&& on(std::string node_name, std::string op) && {
    node = std::move(node_name);
    operation = std::move(op);
    return std::move(*this);
  }

  // "site.toml:12:5: message" or "uccx1: upload trust: message", with control characters escaped (printable.hpp)
  std::string describe() const;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error(code, std::move(message)));
}
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

}  // namespace trustctl
