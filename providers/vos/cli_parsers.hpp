#pragma once
// Pure parsers of VOS admin CLI output (docs/appliances.md section 7): text in, values or an Error out, no I/O.
// The texts they match live in providers/vos/cli_messages.hpp.

#include "engine/model/certificate.hpp"
#include "engine/model/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace trustctl::vos {

// One line of `show cert list own|trust`: "tomcat-trust/uccx1.lab.example_a1b.pem: Trust Certificate".
struct CertListEntry {
  std::string unit;         // "tomcat-trust"
  std::string file;         // "uccx1.lab.example_a1b.pem" (what Certificate::trust_file_name() predicts)
  std::string description;  // free text after the colon

  std::string path() const { return unit + "/" + file; }  // what `show cert trust` takes
  bool operator==(const CertListEntry&) const = default;
};

// One line of `utils service list`: "Cisco Tomcat[STARTED]".
struct ServiceState {
  std::string name;   // "Cisco Tomcat"
  std::string state;  // "STARTED", "STOPPED", "STARTING", "Commanded Out of Service", ...

  bool started() const;
  bool operator==(const ServiceState&) const = default;
};

// Lines that are not entries (blank lines, headings) are skipped. Output that has text but not a single entry is a
// protocol error, since every node has at least its own certificate in each list.
Result<std::vector<CertListEntry>> parse_cert_list(std::string_view output);

// The certificates in the PEM block(s) of `show cert own <unit>` / `show cert trust <unit>/<file>`.
Result<std::vector<Certificate>> extract_pem_certificates(std::string_view output);

std::vector<ServiceState> parse_service_list(std::string_view output);

// A `utils service restart <service>` stream succeeded when the last state it reports for the service is STARTED and
// it shows neither [FAILED] nor ERROR (in capitals).
Result<void> parse_restart_stream(std::string_view service, std::string_view output);

// The reply to `set cert import trust|own <unit>` after the paste. A refusal carries the appliance's own words.
Result<void> check_import_result(std::string_view output, std::string_view unit = "tomcat");

}  // namespace trustctl::vos
