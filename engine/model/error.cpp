#include "engine/model/error.hpp"

#include "engine/model/printable.hpp"

namespace trustctl {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_site: return "invalid-site";
    case ErrorCode::io: return "io";
    case ErrorCode::secret: return "secret";
    case ErrorCode::connection: return "connection";
    case ErrorCode::host_key: return "host-key";
    case ErrorCode::tls: return "tls";
    case ErrorCode::authentication: return "authentication";
    case ErrorCode::appliance_refused: return "appliance-refused";
    case ErrorCode::protocol: return "protocol";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::unhealthy: return "unhealthy";
    case ErrorCode::cycle: return "cycle";
    case ErrorCode::stale_plan: return "stale-plan";
    case ErrorCode::locked: return "locked";
    case ErrorCode::journal: return "journal";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

bool is_transient(ErrorCode code) {
  return code == ErrorCode::connection || code == ErrorCode::timeout;
}

// For people, so printable: a message may quote what a node answered or a certificate's name, and every error printer
// goes through here.
std::string Error::describe() const {
  std::string out;
  if (region) out += region->describe() + ": ";
  if (!node.empty()) out += node + ": ";
  if (!operation.empty()) out += operation + ": ";
  out += message;
  return printable(out);
}

}  // namespace trustctl
