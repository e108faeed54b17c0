#pragma once
// Every text of the VOS admin CLI that trustctl sends or matches (docs/appliances.md section 7), in one table, so that
// a correction found on a real appliance is a one-line change here and nowhere else.

#include "providers/transport/admin_terminal.hpp"

#include <string>
#include <string_view>

namespace trustctl::vos::cli {

// --- the terminal itself: providers/transport/admin_terminal.hpp (the SSH session reads it) ---
using namespace trustctl::transport::terminal;

// --- certificates ---
inline constexpr std::string_view paste_prompt = "Paste the Certificate and Hit Enter";
inline constexpr std::string_view pem_end = "-----END CERTIFICATE-----";
inline std::string import_success(std::string_view unit) {  // the unit is "tomcat", not "tomcat-trust"
  return "Successfully imported certificate for " + std::string(unit) + ".";
}
inline std::string show_cert_list(std::string_view kind) { return "show cert list " + std::string(kind); }  // own|trust
inline std::string show_cert_own(std::string_view unit) { return "show cert own " + std::string(unit); }
inline std::string show_cert_trust(std::string_view path) { return "show cert trust " + std::string(path); }
inline std::string import_trust(std::string_view unit) { return "set cert import trust " + std::string(unit); }
inline std::string delete_cert(std::string_view unit, std::string_view file) {
  return "set cert delete " + std::string(unit) + " " + std::string(file);
}
// Whether `set cert delete` asks to confirm is uncertain (docs/appliances.md section 7); if it does, this is what it
// asks.
inline constexpr std::string_view confirm_question = "(yes|no)";
inline constexpr std::string_view confirm_yes = "yes";

// --- identities: CSR, own certificate, regeneration ---
inline std::string csr_gen(std::string_view unit, bool multi_server = false) {
  return "set csr gen " + std::string(unit) + (multi_server ? " multi-server" : "");
}
// `show csr own <unit>` when nothing is pending (uncertain wording, docs/appliances.md does not give it; vos-sim's).
inline std::string no_pending_csr(std::string_view unit) { return "No CSR found for unit " + std::string(unit); }
inline std::string show_csr_own(std::string_view unit) { return "show csr own " + std::string(unit); }
inline std::string import_own(std::string_view unit) { return "set cert import own " + std::string(unit); }
inline std::string regen(std::string_view unit) { return "set cert regen " + std::string(unit); }
// 14SU1 and later ask this before generating; scripts answer it on every version (docs/appliances.md section 7).
// trustctl answers "no": an OU would change the subject the site's CA policy expects.
inline constexpr std::string_view csr_ou_question = "Include OU in CSR (yes|no)?";
inline constexpr std::string_view csr_ou_answer = "no";
inline std::string csr_success(std::string_view unit) { return "Successfully Generated CSR for " + std::string(unit); }
inline constexpr std::string_view csr_begin = "-----BEGIN CERTIFICATE REQUEST-----";
inline constexpr std::string_view csr_end = "-----END CERTIFICATE REQUEST-----";
inline constexpr std::string_view regen_question = "Proceed with regeneration (yes|no)?";
inline std::string regen_success(std::string_view unit) {
  return "Successfully Regenerated Certificate for " + std::string(unit) + ".";
}

// --- services ---
inline constexpr std::string_view service_list_command = "utils service list";
inline std::string service_restart(std::string_view service) { return "utils service restart " + std::string(service); }
inline constexpr std::string_view state_started = "STARTED";
inline constexpr std::string_view state_failed_marker = "[FAILED]";
inline constexpr std::string_view error_marker = "ERROR";  // capitals only: a normal session never prints it
inline constexpr std::string_view commanded_out_of_service = "Commanded Out of Service";
// `utils system restart` asks "Do you really want to restart ?Enter (yes/no)?"; the session then drops.
inline constexpr std::string_view system_restart_command = "utils system restart";
inline constexpr std::string_view system_restart_question = "(yes/no)?";

}  // namespace trustctl::vos::cli
