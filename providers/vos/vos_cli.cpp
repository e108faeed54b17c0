#include "providers/vos/vos_cli.hpp"

#include "engine/base/text.hpp"

#include <algorithm>

#include "engine/model/printable.hpp"
#include "providers/vos/cli_messages.hpp"

namespace trustctl::vos {
namespace {

tl::unexpected<Error> failed(const transport::CliSession& session, Error error, std::string operation) {
  return fail(std::move(error).on(session.node(), std::move(operation)));
}

// Everything typed at the admin CLI passes here first. A control character (below 0x20, or DEL) could end the command
// line early and start another command, answer a question nobody asked, or drive the terminal; unit, file and service
// names come from the site file, the product rules and the appliance's own listings, so none is trusted. A paste keeps
// its line breaks: that is how a PEM block is typed.
Result<void> sendable(const transport::CliSession& session, std::string_view text, bool paste,
                      const std::string& operation) {
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto c = static_cast<unsigned char>(text[at]);
    if ((c >= 0x20 && c != 0x7f) || (paste && c == '\n')) continue;
    return failed(session,
                  Error(ErrorCode::protocol, std::string("refusing to send ") + (paste ? "a paste" : "a command") +
                                                 " holding a control character (" + printable(text.substr(at, 1)) +
                                                 " at character " + std::to_string(at + 1) + ") to the admin CLI" +
                                                 (paste ? std::string() : ": '" + std::string(text) + "'") +
                                                 "; nothing was sent"),
                  operation);
  }
  return {};
}

Result<std::string> send(transport::CliSession& session, std::string_view command, const std::string& operation) {
  if (auto ok = sendable(session, command, false, operation); !ok) return fail(ok.error());
  return session.run(command);
}

Result<std::string> send_answering(transport::CliSession& session, std::string_view command,
                                   const std::vector<transport::PromptAnswer>& answers, const std::string& operation) {
  if (auto ok = sendable(session, command, false, operation); !ok) return fail(ok.error());
  for (const auto& answer : answers) {
    const bool paste = answer.prompt == cli::paste_prompt;
    if (auto ok = sendable(session, answer.answer, paste, operation); !ok) return fail(ok.error());
  }
  return session.run_interactive(command, answers);
}

Result<std::vector<CertListEntry>> list(transport::CliSession& session, std::string_view kind) {
  const std::string operation = "list " + std::string(kind) + " certificates";
  auto output = send(session, cli::show_cert_list(kind), operation);
  if (!output) return failed(session, output.error(), operation);
  auto entries = parse_cert_list(*output);
  if (!entries) return failed(session, entries.error(), operation);
  return entries;
}

// Unit and file names go into a command line: an empty one would change the command's meaning (control characters
// are refused when it is sent).
bool safe_argument(std::string_view text) { return !text.empty(); }

}  // namespace

Result<std::vector<CertListEntry>> list_trust(transport::CliSession& session) { return list(session, "trust"); }
Result<std::vector<CertListEntry>> list_own(transport::CliSession& session) { return list(session, "own"); }

Result<std::vector<Certificate>> read_trust_certificate(transport::CliSession& session, const std::string& path) {
  const std::string operation = "read trust certificate " + path;
  if (!safe_argument(path) || path.find(' ') != std::string::npos) {
    return failed(session, Error(ErrorCode::internal, "not a trust file path: '" + path + "'"), operation);
  }
  auto output = send(session, cli::show_cert_trust(path), operation);
  if (!output) return failed(session, output.error(), operation);
  auto certificates = extract_pem_certificates(*output);
  if (!certificates) return failed(session, certificates.error(), operation);
  return certificates;
}

Result<std::vector<Certificate>> read_own_certificate(transport::CliSession& session, const std::string& unit) {
  const std::string operation = "read " + unit + " certificate";
  if (!safe_argument(unit) || unit.find(' ') != std::string::npos) {
    return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  }
  auto output = send(session, cli::show_cert_own(unit), operation);
  if (!output) return failed(session, output.error(), operation);
  auto certificates = extract_pem_certificates(*output);
  if (!certificates) return failed(session, certificates.error(), operation);
  return certificates;
}

Result<std::vector<std::pair<std::string, Certificate>>> read_trust_store(transport::CliSession& session,
                                                                          const std::string& unit) {
  // A file listed a moment ago may be gone when it is read: an import or a replication replaced it in between (a
  // trust file is named after the certificate's CN and serial, and a new certificate of the same CN replaces the old
  // one). Such a read is not an error: the store is listed again and read afresh. A file still listed that cannot be
  // read is one.
  constexpr int kListings = 3;
  for (int listing = 1;; ++listing) {
    auto entries = list_trust(session);
    if (!entries) return fail(entries.error());
    std::vector<std::pair<std::string, Certificate>> out;
    std::optional<Error> unreadable;
    std::string unreadable_path;
    for (const auto& entry : *entries) {
      if (entry.unit != unit) continue;
      auto certificates = read_trust_certificate(session, entry.path());
      if (!certificates) {
        unreadable = certificates.error();
        unreadable_path = entry.path();
        break;
      }
      for (auto& certificate : *certificates) out.emplace_back(entry.file, std::move(certificate));
    }
    if (!unreadable) return out;
    if (unreadable->code == ErrorCode::connection || unreadable->code == ErrorCode::timeout || listing == kListings) {
      return fail(*unreadable);
    }
    auto again = list_trust(session);
    if (!again) return fail(again.error());
    bool still_listed = std::any_of(again->begin(), again->end(),
                                    [&](const CertListEntry& e) { return e.path() == unreadable_path; });
    if (still_listed) return fail(*unreadable);
  }
}

Result<void> import_trust(transport::CliSession& session, const std::vector<Certificate>& chain,
                          const std::string& unit) {
  const std::string operation = "import trust into " + unit;
  if (chain.empty()) return failed(session, Error(ErrorCode::internal, "no certificate to import"), operation);
  if (!safe_argument(unit) || unit.find(' ') != std::string::npos) {
    return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  }
  // The paste ends at the empty line after the last certificate; the session adds the final newline.
  std::string paste;
  for (const auto& certificate : chain) {
    std::string pem = certificate.pem();
    if (!pem.ends_with('\n')) pem += '\n';
    paste += pem;
  }
  auto output = send_answering(session, cli::import_trust(unit), {{std::string(cli::paste_prompt), paste}}, operation);
  if (!output) return failed(session, output.error(), operation);
  if (auto ok = check_import_result(*output, unit); !ok) return failed(session, ok.error(), operation);
  return {};
}

namespace {

// The appliance's own words for a refusal: its last non-empty line (what comes before is the command's questions and
// the echo of our answers).
Error refusal(std::string_view output, std::string_view expected) {
  std::string reply;
  std::size_t end = output.size();
  while (reply.empty() && end > 0) {
    std::size_t start = output.rfind('\n', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    reply = first_nonblank_line(output.substr(start, end - start));
    end = start == 0 ? 0 : start - 1;
  }
  return Error(ErrorCode::appliance_refused,
               reply.empty() ? "the appliance did not confirm (expected '" + std::string(expected) + "')"
                             : "the appliance answered: " + reply);
}

bool valid_unit(const std::string& unit) { return safe_argument(unit) && unit.find(' ') == std::string::npos; }

}  // namespace

Result<void> generate_csr(transport::CliSession& session, const std::string& unit, bool multi_server) {
  const std::string operation = std::string(multi_server ? "generate multi-server CSR for " : "generate CSR for ") + unit;
  if (!valid_unit(unit)) return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  auto output = send_answering(session, cli::csr_gen(unit, multi_server),
                               {{std::string(cli::csr_ou_question), std::string(cli::csr_ou_answer)}}, operation);
  if (!output) return failed(session, output.error(), operation);
  if (output->find(cli::csr_success(unit)) == std::string::npos) {
    return failed(session, refusal(*output, cli::csr_success(unit)), operation);
  }
  return {};
}

Result<std::optional<std::string>> read_pending_csr(transport::CliSession& session, const std::string& unit) {
  auto pem = read_csr(session, unit);
  if (pem) return std::optional<std::string>(std::move(*pem));
  if (pem.error().message.find(cli::no_pending_csr(unit)) != std::string::npos) return std::optional<std::string>();
  return fail(pem.error());
}

Result<std::string> read_csr(transport::CliSession& session, const std::string& unit) {
  const std::string operation = "read CSR for " + unit;
  if (!valid_unit(unit)) return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  auto output = send(session, cli::show_csr_own(unit), operation);
  if (!output) return failed(session, output.error(), operation);
  auto begin = output->find(cli::csr_begin);
  auto end = output->find(cli::csr_end);
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return failed(session, refusal(*output, cli::csr_begin), operation);
  }
  return output->substr(begin, end + cli::csr_end.size() - begin) + "\n";
}

Result<void> import_own(transport::CliSession& session, const std::vector<Certificate>& chain,
                        const std::string& unit) {
  const std::string operation = "import own " + unit + " certificate";
  if (chain.empty()) return failed(session, Error(ErrorCode::internal, "no certificate to import"), operation);
  if (!valid_unit(unit)) return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  std::string paste;
  for (const auto& certificate : chain) {
    std::string pem = certificate.pem();
    if (!pem.ends_with('\n')) pem += '\n';
    paste += pem;
  }
  auto output = send_answering(session, cli::import_own(unit), {{std::string(cli::paste_prompt), paste}}, operation);
  if (!output) return failed(session, output.error(), operation);
  if (auto ok = check_import_result(*output, unit); !ok) return failed(session, ok.error(), operation);
  return {};
}

Result<void> regenerate_identity(transport::CliSession& session, const std::string& unit) {
  const std::string operation = "regenerate " + unit;
  if (!valid_unit(unit)) return failed(session, Error(ErrorCode::internal, "not a unit name: '" + unit + "'"), operation);
  auto output = send_answering(session, cli::regen(unit),
                               {{std::string(cli::regen_question), std::string(cli::confirm_yes)}}, operation);
  if (!output) return failed(session, output.error(), operation);
  if (output->find(cli::regen_success(unit)) == std::string::npos) {
    return failed(session, refusal(*output, cli::regen_success(unit)), operation);
  }
  return {};
}

Result<void> delete_trust(transport::CliSession& session, const std::string& file, const std::string& unit) {
  std::string name = file;
  if (name.starts_with(unit + "/")) name.erase(0, unit.size() + 1);
  const std::string operation = "delete trust " + unit + "/" + name;
  if (!safe_argument(name) || name.find_first_of(" /") != std::string::npos || !safe_argument(unit) ||
      unit.find(' ') != std::string::npos) {
    return failed(session, Error(ErrorCode::internal, "not a trust file: '" + file + "'"), operation);
  }
  auto output = send_answering(session, cli::delete_cert(unit, name),
                               {{std::string(cli::confirm_question), std::string(cli::confirm_yes)}}, operation);
  if (!output) return failed(session, output.error(), operation);
  auto entries = list_trust(session);
  if (!entries) return failed(session, entries.error(), operation);
  for (const auto& entry : *entries) {
    if (entry.unit == unit && entry.file == name) {
      std::string said = first_nonblank_line(*output);
      return failed(session,
                    Error(ErrorCode::appliance_refused,
                          unit + "/" + name + " is still listed after the delete" +
                              (said.empty() ? std::string() : "; the appliance answered '" + said + "'")),
                    operation);
    }
  }
  return {};
}

Result<void> restart_service(transport::CliSession& session, const std::string& service) {
  const std::string operation = "restart " + service;
  if (!safe_argument(service)) {
    return failed(session, Error(ErrorCode::internal, "not a service name: '" + service + "'"), operation);
  }
  auto output = send(session, cli::service_restart(service), operation);
  if (!output) return failed(session, output.error(), operation);
  if (auto ok = parse_restart_stream(service, *output); !ok) return failed(session, ok.error(), operation);
  return {};
}


Result<void> restart_system(transport::CliSession& session, std::chrono::milliseconds timeout) {
  const std::string operation = "restart system";
  if (auto ok = sendable(session, cli::system_restart_command, false, operation); !ok) return fail(ok.error());
  auto sent = session.run_until_disconnect(cli::system_restart_command,
                                           {{std::string(cli::system_restart_question), std::string(cli::confirm_yes)}});
  if (!sent) return failed(session, sent.error(), operation);
  if (!sent->disconnected) {
    // The prompt came back: the appliance refused or cancelled the restart, and is still up.
    return failed(session, refusal(sent->output, "the session to close"), operation);
  }
  auto back = session.reconnect(timeout);
  if (!back) {
    Error error = back.error();
    if (is_transient(error.code)) {
      error.code = ErrorCode::timeout;
      error.message = session.node() + " did not come back after '" + std::string(cli::system_restart_command) +
                      "': " + error.message;
    } else {
      error.message = session.node() + " came back after '" + std::string(cli::system_restart_command) +
                      "' but the new session was refused: " + error.message;
    }
    return failed(session, std::move(error), operation);
  }
  return {};
}

Result<std::vector<ServiceState>> list_services(transport::CliSession& session) {
  auto output = send(session, cli::service_list_command, "list services");
  if (!output) return failed(session, output.error(), "list services");
  return parse_service_list(*output);
}

Result<void> check_service_started(transport::CliSession& session, const std::string& service) {
  const std::string operation = "health check (utils service list)";
  auto services = list_services(session);
  if (!services) return failed(session, services.error(), operation);
  auto it = std::find_if(services->begin(), services->end(), [&](const ServiceState& s) { return s.name == service; });
  if (it == services->end()) {
    return failed(session, Error(ErrorCode::unhealthy, "`utils service list` does not list " + service +
                                                           " after its restart; check the service on the node"),
                  operation);
  }
  if (!it->started()) {
    return failed(session, Error(ErrorCode::unhealthy, "after its restart `utils service list` shows " + service +
                                                           " " + it->state + "; start it on the node (or find why it "
                                                           "stopped), then run apply again"),
                  operation);
  }
  return {};
}

}  // namespace trustctl::vos
