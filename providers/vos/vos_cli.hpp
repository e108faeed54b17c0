#pragma once
// What every VOS appliance does through its admin CLI (docs/appliances.md section 7), over any CliSession.
// Every error carries .on(session.node(), operation); a caller that knows better may relabel it with .on().

#include "engine/model/certificate.hpp"
#include "engine/model/error.hpp"
#include "providers/transport/cli_session.hpp"
#include "providers/vos/cli_parsers.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trustctl::vos {

// `show cert list trust` / `show cert list own`: every unit's entries.
Result<std::vector<CertListEntry>> list_trust(transport::CliSession& session);
Result<std::vector<CertListEntry>> list_own(transport::CliSession& session);

// `show cert trust <path>` with path like "tomcat-trust/x.pem"; `show cert own <unit>`.
Result<std::vector<Certificate>> read_trust_certificate(transport::CliSession& session, const std::string& path);
Result<std::vector<Certificate>> read_own_certificate(transport::CliSession& session, const std::string& unit);

// Lists the trust unit, then reads each file: (file name as listed, e.g. "x.pem", certificate).
Result<std::vector<std::pair<std::string, Certificate>>> read_trust_store(transport::CliSession& session,
                                                                          const std::string& unit = "tomcat-trust");

// `set cert import trust <unit>`: pastes the chain in the given order, then an empty line, and checks the reply.
// The unit is the identity unit ("tomcat"), not "tomcat-trust". Services must be restarted afterwards.
Result<void> import_trust(transport::CliSession& session, const std::vector<Certificate>& chain,
                          const std::string& unit = "tomcat");

// `set cert delete <unit> <file>` (file as listed, e.g. "x.pem"; "<unit>/x.pem" is accepted too), confirming if
// asked. The success text is not known, so the deletion is confirmed by listing the unit again.
Result<void> delete_trust(transport::CliSession& session, const std::string& file,
                          const std::string& unit = "tomcat-trust");

// `utils service restart <service>`: succeeds when the stream ends in <service>[STARTED].
// Identity lifecycle (docs/appliances.md section 4): a new CSR replaces any pending one; the key pair stays on the
// node. multi_server: one CSR on the publisher naming every node of the cluster (distribution "Multi-server (SAN)").
Result<void> generate_csr(transport::CliSession& session, const std::string& unit = "tomcat",
                          bool multi_server = false);
Result<std::string> read_csr(transport::CliSession& session, const std::string& unit = "tomcat");  // the PEM
// The pending CSR, or nothing when the node holds none for the unit (any other failure is an error).
Result<std::optional<std::string>> read_pending_csr(transport::CliSession& session, const std::string& unit);
// Leaf first, then its issuers (the appliance needs the issuers already in tomcat-trust).
Result<void> import_own(transport::CliSession& session, const std::vector<Certificate>& chain,
                        const std::string& unit = "tomcat");
// Replaces the identity with a new self-signed one (overwrites a CA-signed one).
Result<void> regenerate_identity(transport::CliSession& session, const std::string& unit = "tomcat");

Result<void> restart_service(transport::CliSession& session, const std::string& service);

// `utils system restart`: confirms it, expects the node to close the session, then waits for the node to come back
// (a new SSH session with the same host key, the prompt, pagination off) for up to `timeout` after the drop, trying
// again with backoff. The same session object carries on afterwards. A node that does not come back in time is an
// ErrorCode::timeout naming the node and "restart system"; a refusal (the prompt came back) is appliance_refused.
Result<void> restart_system(transport::CliSession& session, std::chrono::milliseconds timeout);

// `utils service list`.
Result<std::vector<ServiceState>> list_services(transport::CliSession& session);

// The health check after a restart: `utils service list` shows the service STARTED (it stayed up once its ports
// answered). Anything else is ErrorCode::unhealthy naming the state the node reports.
Result<void> check_service_started(transport::CliSession& session, const std::string& service);

}  // namespace trustctl::vos
