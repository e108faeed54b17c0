// libFuzzer target: the parsers of the VOS admin CLI's output (providers/vos/cli_parsers), which read whatever an
// appliance (or something impersonating one) prints. The first line of the input chooses the command whose output
// the rest is, so each seed reads as a transcript:
//   list                    `show cert list own|trust`
//   show                    `show cert own <unit>` / `show cert trust <unit>/<file>` (PEM extraction)
//   services                `utils service list`
//   restart <service name>  the `utils service restart <service>` stream
//   import <unit>           the reply to `set cert import trust|own <unit>` after the paste
// Any other first line feeds the rest to every parser.

#include "providers/vos/cli_parsers.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>

namespace {

using namespace trustctl;

void show(std::string_view output) {
  auto certificates = vos::extract_pem_certificates(output);
  if (!certificates) return;
  for (const auto& c : *certificates) (void)c.trust_file_name();
}

void every_parser(std::string_view output) {
  if (auto entries = vos::parse_cert_list(output)) {
    for (const auto& e : *entries) (void)e.path();
  }
  show(output);
  for (const auto& s : vos::parse_service_list(output)) (void)s.started();
  (void)vos::parse_restart_stream("Cisco Tomcat", output);
  (void)vos::check_import_result(output);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input = fuzz::as_text(data, size);
  std::size_t newline = input.find('\n');
  std::string_view header = input.substr(0, newline);
  std::string_view output = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  auto argument = [&](std::string_view verb) { return header.substr(std::min(header.size(), verb.size() + 1)); };
  if (header == "list") {
    (void)vos::parse_cert_list(output);
  } else if (header == "show") {
    show(output);
  } else if (header == "services") {
    (void)vos::parse_service_list(output);
  } else if (header.starts_with("restart ")) {
    (void)vos::parse_restart_stream(argument("restart"), output);
  } else if (header.starts_with("import ")) {
    (void)vos::check_import_result(output, argument("import"));
  } else {
    every_parser(input);
  }
  return 0;
}
