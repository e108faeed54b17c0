#include "tests/vossim/cli_interpreter.hpp"

#include "tests/vossim/messages.hpp"

#include <algorithm>
#include <ctime>
#include <sstream>

namespace vossim {

namespace {

constexpr std::string_view kEol = "\r\n";  // what a pty sends for a newline
constexpr std::string_view kEndMarker = "-----END CERTIFICATE-----";
constexpr std::string_view kBeginMarker = "-----BEGIN";

std::vector<std::string> split_words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += words[i];
  }
  return out;
}

bool is_blank(const std::string& line) {
  return std::all_of(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); });
}

std::string lines_to_text(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    out += line;
    out += kEol;
  }
  return out;
}

std::string service_line(const std::string& service, std::string_view state) {
  return service + "[" + std::string(state) + "]";
}

const msg::ProductTexts& texts_for(trustctl::Product product) {
  switch (product) {
    case trustctl::Product::uccx: return msg::kUccxTexts;
    case trustctl::Product::finesse: return msg::kFinesseTexts;
    case trustctl::Product::cuic: return msg::kCuicTexts;
    case trustctl::Product::socialminer: return msg::kSocialMinerTexts;
    case trustctl::Product::mediasense: return msg::kMediaSenseTexts;
    case trustctl::Product::cucm:
    case trustctl::Product::external: break;
  }
  return msg::kCucmTexts;
}

std::string own_import_text(OwnImportStatus status, trustctl::Product product, const std::string& unit) {
  switch (status) {
    case OwnImportStatus::no_csr:
      if (unit == kTomcatUnit) return std::string(msg::kNoCsr);
      return std::string(msg::kNoCsrPrefix) + unit + "/keys/" + unit + std::string(msg::kNoCsrSuffix);
    case OwnImportStatus::key_mismatch: return std::string(msg::kCsrKeyMismatch);
    case OwnImportStatus::san_mismatch: return std::string(msg::kCsrSanMismatch);
    case OwnImportStatus::no_issuer: return std::string(msg::kNoIssuer);
    case OwnImportStatus::key_not_allowed:
      return std::string(unit == kTomcatUnit ? texts_for(product).identity_key_refused
                                             : texts_for(product).ecdsa_key_refused);
    case OwnImportStatus::expired: return std::string(msg::kImportFailed) + std::string(msg::kReasonExpired);
    case OwnImportStatus::not_pem: return std::string(msg::kImportFailed) + std::string(msg::kReasonNotPem);
    case OwnImportStatus::imported: break;
  }
  return {};
}

// The words of a command line, matched against the CLI's syntax.
struct Words {
  const std::vector<std::string>& words;
  bool starts(std::initializer_list<const char*> expected) const {
    if (words.size() < expected.size()) return false;
    std::size_t i = 0;
    for (const char* word : expected) {
      if (words[i++] != word) return false;
    }
    return true;
  }
  bool is(std::initializer_list<const char*> expected) const {
    return words.size() == expected.size() && starts(expected);
  }
};

// Which latency class a command line belongs to (`--command-latency-ms CLASS=N`).
CommandClass command_class_of(const std::vector<std::string>& words) {
  const Words w{words};
  auto first = [&](std::initializer_list<const char*> expected) { return w.starts(expected); };
  if (first({"show"})) return CommandClass::show;
  if (first({"utils", "service", "list"})) return CommandClass::service_list;
  if (first({"utils", "service", "restart"})) return CommandClass::restart;
  if (first({"utils", "system", "restart"})) return CommandClass::system_restart;
  if (first({"set", "cert", "import"})) return CommandClass::import;
  if (first({"set", "csr", "gen"})) return CommandClass::csr;
  if (first({"set", "cert", "regen"})) return CommandClass::regen;
  if (first({"set", "cert", "delete"})) return CommandClass::remove;
  return CommandClass::other;
}

// The role column of `show network cluster` (uncertain for the contact-center products).
std::string node_role(trustctl::Product product) {
  return product == trustctl::Product::cucm ? "callmanager" : trustctl::to_string(product);
}

}  // namespace

std::string java_date(Clock::time_point time) {
  const std::time_t t = Clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buffer;
}

std::vector<std::string> describe_certificate(const Certificate& certificate) {
  std::vector<std::string> lines = {
      "[",
      "  Version: V3",
      "  Serial Number: " + certificate.serial_hex(),
      "  Issuer Name: " + certificate.issuer(),
      "  Validity From: " + java_date(certificate.not_before()),
      "           To: " + java_date(certificate.not_after()),
      "  Subject Name: " + certificate.subject(),
      "  Key: " + certificate.key_type() + " (" + std::to_string(certificate.key_bits()) + " bits)",
  };
  const auto names = certificate.dns_names();
  if (!names.empty()) {
    std::string san = "  Extensions: subjectAltName";
    for (std::size_t i = 0; i < names.size(); ++i) san += (i == 0 ? ": DNS:" : ", DNS:") + names[i];
    lines.push_back(san);
  }
  lines.push_back("]");
  return lines;
}

std::string CliInterpreter::Output::text() const {
  std::string out;
  for (const auto& step : steps) out += step.text;
  return out;
}

std::chrono::milliseconds CliInterpreter::Output::total_delay() const {
  std::chrono::milliseconds total{0};
  for (const auto& step : steps) total += step.delay;
  return total;
}

CliInterpreter::CliInterpreter(SimNode& node, CliSettings settings, NowFunction now)
    : m_node(node), m_settings(settings), m_now(std::move(now)) {}

void CliInterpreter::set_rows(int rows) {
  if (rows >= 2) m_settings.rows = rows;
}

CliInterpreter::Step& CliInterpreter::add_step(Output& out, std::chrono::milliseconds delay) const {
  out.steps.push_back(Step{delay, {}});
  return out.steps.back();
}

void CliInterpreter::add_prompt(Output& out) const {
  // The prompt goes at the end of the last write, so a client sees it whole in one packet.
  if (out.steps.empty()) add_step(out);
  out.steps.back().text += kEol;
  out.steps.back().text += msg::kPrompt;
}

CliInterpreter::Output CliInterpreter::start() {
  Output out;
  // The Java CLI says it is starting, then takes its time (seconds on a real box) before the welcome and the prompt.
  add_step(out).text = std::string(kEol) + std::string(msg::kStartingUp) + std::string(kEol);
  add_step(out, m_settings.timings.first_prompt).text =
      std::string(kEol) + std::string(msg::kWelcome) + std::string(kEol);
  add_prompt(out);
  out.command_finished = true;
  return out;
}

void CliInterpreter::on_byte(char c, Output& out, bool& finished) {
  // "\r\n" ends one line, not two: swallow the "\n" that follows a "\r", even across reads.
  const bool after_cr = m_last_was_cr;
  m_last_was_cr = (c == '\r');
  if (c == '\n' && after_cr) return;
  switch (m_mode) {
    case Mode::command: on_command_byte(c, out, finished); break;
    case Mode::paste: on_paste_byte(c, out, finished); break;
    case Mode::paging: on_paging_byte(c, out, finished); break;
    case Mode::confirm: on_confirm_byte(c, out, finished); break;
  }
}

CliInterpreter::Output CliInterpreter::feed(std::string_view bytes) {
  m_input.append(bytes);
  Output out;
  bool finished = false;
  m_turn_over = false;
  std::size_t used = 0;
  // One turn: up to the prompt, question, paste prompt or pager that ends it. What was typed after it stays queued
  // and is read at the next turn, as a terminal's line discipline keeps type-ahead.
  while (used < m_input.size() && !finished && !out.close && !m_turn_over) on_byte(m_input[used++], out, finished);
  if (m_last_was_cr && used < m_input.size() && m_input[used] == '\n') {
    ++used;  // the "\n" of the "\r\n" that ended this turn belongs to it
    m_last_was_cr = false;
  }
  m_input.erase(0, used);
  if (out.close) m_input.clear();  // the session ends: nobody reads the rest
  if ((finished || out.close) && m_drop_after_commit) {
    // The change is committed; the client never sees the reply (the echo of what it typed was already sent).
    m_drop_after_commit = false;
    out.steps.resize(std::min(out.steps.size(), m_reply_step + 1));
    if (!out.steps.empty() && m_reply_step < out.steps.size()) {
      out.steps.back().text.resize(std::min(out.steps.back().text.size(), m_reply_offset));
    }
    out.drop = true;
    out.close = true;
  }
  out.command_finished = finished;
  return out;
}

void CliInterpreter::add_latency(CommandClass command_class, Output& out) const {
  const auto latency = m_settings.timings.latency_for(command_class);
  if (latency.count() > 0) add_step(out, latency);
}

void CliInterpreter::mark_reply_start(const Output& out) {
  m_reply_step = out.steps.empty() ? 0 : out.steps.size() - 1;
  m_reply_offset = out.steps.empty() ? 0 : out.steps.back().text.size();
}

bool CliInterpreter::apply_command_fault(const std::string& command, Output& out, bool& finished) {
  if (m_settings.faults == nullptr) return false;
  auto fault = m_settings.faults->take(
      m_node.spec().name, command,
      {FaultKind::drop_before_reply, FaultKind::drop_after_commit, FaultKind::delay, FaultKind::refuse});
  if (!fault) return false;
  switch (fault->kind) {
    case FaultKind::delay: add_step(out, fault->delay); return false;
    case FaultKind::drop_after_commit: m_drop_after_commit = true; return false;
    case FaultKind::drop_before_reply:
      m_node.log_command(command, false, {}, {}, "fault: drop_before_reply");
      out.drop = true;
      out.close = true;
      return true;
    case FaultKind::refuse:
      m_node.log_command(command, false, {}, {}, "fault: refuse");
      emit_lines({fault->message.empty() ? std::string(msg::kRefusedDefault) : fault->message}, out, finished);
      return true;
    default: return false;
  }
}

void CliInterpreter::on_command_byte(char c, Output& out, bool& finished) {
  if (m_escape > 0) {
    // Swallow ESC [ X (cursor keys): the CLI has no line history.
    if (m_escape == 2 && c != '[') m_escape = 0;
    else --m_escape;
    return;
  }
  if (c == '\x1b') {
    m_escape = 2;
    return;
  }
  if (out.steps.empty()) add_step(out);
  if (c == '\r' || c == '\n') {
    out.steps.back().text += kEol;  // Enter is echoed as a newline
    std::string line;
    line.swap(m_line);
    run_command(line, out, finished);
    return;
  }
  if (c == '\x03') {  // Ctrl+C abandons the line
    m_line.clear();
    out.steps.back().text += "^C";
    add_prompt(out);
    finished = true;
    return;
  }
  if (c == '\x7f' || c == '\b') {
    if (!m_line.empty()) {
      m_line.pop_back();
      out.steps.back().text += "\b \b";
    }
    return;
  }
  if (static_cast<unsigned char>(c) < 0x20) return;
  m_line += c;
  out.steps.back().text += c;  // echo
}

void CliInterpreter::run_command(const std::string& line, Output& out, bool& finished) {
  const auto words = split_words(line);
  if (words.empty()) {
    add_prompt(out);
    finished = true;
    return;
  }
  const std::string command = join(words, 0);
  mark_reply_start(out);
  add_latency(command_class_of(words), out);

  const Words w{words};
  auto is = [&](std::initializer_list<const char*> expected) { return w.is(expected); };
  auto starts = [&](std::initializer_list<const char*> expected) { return w.starts(expected); };

  if (is({"quit"}) || is({"exit"})) {
    out.close = true;
    return;
  }
  if (apply_command_fault(command, out, finished)) return;
  if (is({"set", "cli", "pagination", "off"}) || is({"set", "cli", "pagination", "on"})) {
    m_pagination = words[3] == "on";
    m_node.log_command(command, true);
    emit_lines({std::string(m_pagination ? msg::kPaginationOn : msg::kPaginationOff)}, out, finished);
    return;
  }
  if (is({"show", "cert", "list", "own"}) || is({"show", "cert", "list", "trust"})) {
    m_node.log_command(command, true);
    command_show_cert_list(words[3] == "trust", out, finished);
    return;
  }
  if ((words.size() == 4 && starts({"show", "cert", "own"})) || (words.size() == 4 && starts({"show", "cert", "trust"}))) {
    command_show_cert(words, command, out, finished);
    return;
  }
  // Identity units: tomcat, and tomcat-ECDSA where the product has it (unknown units fall through to the error).
  const bool unit_word = words.size() >= 4 && m_node.has_unit(words.back());
  if (is({"set", "cert", "import", "trust", "tomcat"}) ||
      (words.size() == 5 && starts({"set", "cert", "import", "own"}) && unit_word)) {
    out.steps.back().text += std::string(msg::kPastePrompt) + std::string(kEol);
    m_paste_command = command;
    m_paste_lines.clear();
    m_mode = Mode::paste;
    m_turn_over = true;
    return;  // not finished: the paste that follows is this command's input
  }
  if (words.size() >= 4 && words.size() <= 5 && starts({"set", "csr", "gen"}) && m_node.has_unit(words[3]) &&
      (words.size() == 4 || words[4] == "multi-server")) {
    if (words.size() == 5 && m_node.spec().role != trustctl::Role::publisher) {
      m_node.log_command(command, false);
      emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kMultiServerOnPublisher)}, out, finished);
      return;
    }
    ask(command, {}, msg::kCsrOuQuestion, out);
    return;
  }
  if (words.size() == 4 && starts({"show", "csr", "own"}) && unit_word) {
    command_show_csr(command, out, finished);
    return;
  }
  if (words.size() == 4 && starts({"set", "cert", "regen"}) && unit_word) {
    const std::string& unit = words[3];
    ask(command, {unit == kTomcatUnit ? std::string(msg::kRegenWarning) : std::string(msg::kRegenWarningPrefix) + unit},
        msg::kRegenQuestion, out);
    return;
  }
  if (starts({"set", "cert", "delete"}) && words.size() == 5) {
    command_delete(words, command, out, finished);
    return;
  }
  if (is({"utils", "system", "restart"})) {
    ask(command, {}, msg::kSystemRestartQuestion, out);
    return;
  }
  if (is({"show", "network", "cluster"})) {
    command_network_cluster(command, out, finished);
    return;
  }
  if (is({"utils", "service", "list"})) {
    command_service_list(command, out, finished);
    return;
  }
  if (starts({"utils", "service", "restart"}) && words.size() > 3) {
    command_restart(command, join(words, 3), out, finished);
    return;
  }
  m_node.log_command(command, false);
  emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kNoValidCommand)}, out, finished);
}

void CliInterpreter::command_show_cert_list(bool trust, Output& out, bool& finished) {
  std::vector<std::string> lines;
  if (trust) {
    for (const auto& entry : m_node.trust_store()) lines.push_back(entry.file + ": " + std::string(msg::kTrustDescription));
  } else {
    for (const auto& entry : m_node.own_store()) {
      const Certificate& c = entry.certificate;
      std::string description = c.is_self_issued() ? std::string(msg::kOwnSelfSigned)
                                                   : std::string(msg::kOwnCaSigned) + " " + c.issuer();
      lines.push_back(entry.file + ": " + description);
    }
  }
  emit_lines(std::move(lines), out, finished);
}

void CliInterpreter::command_show_cert(const std::vector<std::string>& words, const std::string& command, Output& out,
                                       bool& finished) {
  std::optional<Certificate> certificate;
  std::string problem;
  if (words[2] == "own") {
    if (m_node.has_unit(words[3])) certificate = m_node.own_identity(words[3]);
    if (!certificate) problem = std::string(msg::kNoSuchUnit) + words[3];
  } else {
    certificate = m_node.find_trust(words[3]);
    if (!certificate) problem = std::string(msg::kNoSuchTrustFile) + words[3];
  }
  m_node.log_command(command, certificate.has_value());
  if (!certificate) {
    emit_lines({std::string(msg::kExecutedUnsuccessfully), problem}, out, finished);
    return;
  }
  std::vector<std::string> lines = describe_certificate(*certificate);
  std::istringstream pem(certificate->pem());
  for (std::string line; std::getline(pem, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  emit_lines(std::move(lines), out, finished);
}

void CliInterpreter::command_service_list(const std::string& command, Output& out, bool& finished) {
  const auto now = m_now();
  std::vector<std::string> lines;
  for (const auto& service : m_node.services()) {
    std::string_view state = msg::kServiceStarted;
    switch (m_node.service_state(service, now)) {
      case ServiceState::stopped: state = msg::kServiceStopped; break;
      case ServiceState::started: state = msg::kServiceStarted; break;
      case ServiceState::starting: state = msg::kServiceStarting; break;
      case ServiceState::stopping: state = msg::kServiceStopping; break;
    }
    lines.push_back(service_line(service, state));
  }
  m_node.log_command(command, true);
  emit_lines(std::move(lines), out, finished);
}

void CliInterpreter::command_restart(const std::string& command, const std::string& name, Output& out,
                                     bool& finished) {
  const auto service = m_node.find_service(name);
  if (!service) {
    m_node.log_command(command, false);
    emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kUnknownServicePrefix) + name}, out,
               finished);
    return;
  }
  // The restart lives in the node, not in this session: it completes even if the client goes away.
  const bool fails = m_settings.faults != nullptr &&
                     m_settings.faults->take(m_node.spec().name, command, {FaultKind::restart_fails}).has_value();
  const RestartPlan plan = m_node.begin_restart(*service, m_now(), m_settings.timings.restart_for(*service), fails);
  m_node.log_command(command, !fails, {}, *service, fails ? "fault: restart_fails" : "");
  out.steps.back().text += lines_to_text({std::string(msg::kRestartWarning), std::string(msg::kServiceManagerRunning),
                                          service_line(*service, msg::kServiceStopping)});
  std::chrono::milliseconds at{0};
  const auto tick = std::max(m_settings.restart_tick, std::chrono::milliseconds(1));
  for (auto t = plan.stop_phase; t < plan.duration; t += tick) {
    add_step(out, t - at).text = service_line(*service, msg::kServiceStarting) + std::string(kEol);
    at = t;
  }
  add_step(out, plan.duration - at).text =
      service_line(*service, fails ? msg::kServiceFailed : msg::kServiceStarted) + std::string(kEol);
  add_prompt(out);
  finished = true;
}

void CliInterpreter::on_paste_byte(char c, Output& out, bool& finished) {
  if (out.steps.empty()) add_step(out);
  if (c == '\x03') {
    m_mode = Mode::command;
    m_line.clear();
    m_paste_lines.clear();
    m_node.log_command(m_paste_command, false);
    out.steps.back().text += "^C" + std::string(kEol) + std::string(msg::kPasteAborted) + std::string(kEol);
    add_prompt(out);
    finished = true;
    return;
  }
  if (c != '\r' && c != '\n') {
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') {
      m_line += c;
      out.steps.back().text += c;
    }
    return;
  }
  out.steps.back().text += kEol;
  std::string line;
  line.swap(m_line);
  if (!is_blank(line)) {
    m_paste_lines.push_back(line);
    return;
  }
  // A blank line ends the paste only after the last END line; blank lines inside or before a chain are part of it.
  if (m_paste_lines.empty()) return;
  const bool ends_with_end_marker = m_paste_lines.back().find(kEndMarker) != std::string::npos;
  bool has_begin = false;
  for (const auto& l : m_paste_lines) has_begin = has_begin || l.find(kBeginMarker) != std::string::npos;
  if (ends_with_end_marker || !has_begin) {
    finish_paste(out);
    finished = true;
  }
}

void CliInterpreter::finish_paste(Output& out) {
  std::string text;
  for (const auto& line : m_paste_lines) text += line + "\n";
  m_paste_lines.clear();
  m_mode = Mode::command;
  mark_reply_start(out);
  add_latency(CommandClass::import, out);

  std::vector<std::string> lines;
  std::vector<std::string> files;
  bool all_ok = true;
  if (m_paste_command.find(" own ") != std::string::npos) {
    finish_own_import(text, lines, all_ok);
    m_node.log_command(m_paste_command, all_ok);
    out.steps.back().text += lines_to_text(lines);
    add_prompt(out);
    return;
  }
  auto parsed = parse_uploaded(text);
  if (!parsed) {
    all_ok = false;
    lines.push_back(std::string(msg::kImportFailed) + std::string(msg::kReasonNotPem));
  } else {
    for (const auto& outcome : m_node.import_trust(*parsed, m_now())) {
      if (outcome.ok()) {
        files.push_back(outcome.file);
        continue;
      }
      all_ok = false;
      lines.push_back(std::string(msg::kImportFailed) + outcome.reason() + " (CN=" + outcome.common_name +
                      ")");
    }
  }
  if (all_ok) {
    lines.push_back(std::string(msg::kImportedPrefix) + "tomcat.");
    lines.push_back(std::string(msg::kRestartAdvicePrefix) + "tomcat" + std::string(msg::kRestartAdviceSuffix));
  }
  m_node.log_command(m_paste_command, all_ok, files);
  // Import results are never paged: they are short and clients wait for them.
  out.steps.back().text += lines_to_text(lines);
  add_prompt(out);
}

void CliInterpreter::emit_lines(std::vector<std::string> lines, Output& out, bool& finished) {
  const auto rows = static_cast<std::size_t>(m_settings.rows);
  if (!m_pagination || lines.size() <= rows) {
    out.steps.back().text += lines_to_text(lines);
    add_prompt(out);
    finished = true;
    return;
  }
  m_pending_lines = std::move(lines);
  emit_page(rows - 1, out, finished);
}

void CliInterpreter::emit_page(std::size_t count, Output& out, bool& finished) {
  if (out.steps.empty()) add_step(out);
  count = std::min(count, m_pending_lines.size());
  std::vector<std::string> page(m_pending_lines.begin(), m_pending_lines.begin() + static_cast<long>(count));
  m_pending_lines.erase(m_pending_lines.begin(), m_pending_lines.begin() + static_cast<long>(count));
  out.steps.back().text += lines_to_text(page);
  if (m_pending_lines.empty()) {
    m_mode = Mode::command;
    add_prompt(out);
    finished = true;
    return;
  }
  m_mode = Mode::paging;
  out.steps.back().text += msg::kPager;
  m_turn_over = true;
}

void CliInterpreter::on_paging_byte(char c, Output& out, bool& finished) {
  if (out.steps.empty()) add_step(out);
  const auto page = static_cast<std::size_t>(m_settings.rows - 1);
  switch (c) {
    case '\r':
    case '\n':
      out.steps.back().text += kEol;
      emit_page(1, out, finished);
      break;
    case ' ':
      out.steps.back().text += kEol;
      emit_page(page, out, finished);
      break;
    case 'q':
    case 'Q':
    case '\x03':
      m_pending_lines.clear();
      m_mode = Mode::command;
      out.steps.back().text += kEol;
      add_prompt(out);
      finished = true;
      break;
    default: break;  // other keys do nothing at the pager
  }
}

}  // namespace vossim

namespace vossim {

void CliInterpreter::ask(const std::string& command, std::vector<std::string> lines, std::string_view question,
                         Output& out) {
  // The question is the last thing written (no newline), like the appliance; the answer is one line.
  out.steps.back().text += lines_to_text(lines) + std::string(question);
  m_question_command = command;
  m_mode = Mode::confirm;
  m_turn_over = true;
}

void CliInterpreter::on_confirm_byte(char c, Output& out, bool& finished) {
  if (out.steps.empty()) add_step(out);
  if (c == '\x03') {
    m_line.clear();
    m_mode = Mode::command;
    m_node.log_command(m_question_command, false, {}, {}, "cancelled");
    out.steps.back().text += "^C";
    add_prompt(out);
    finished = true;
    return;
  }
  if (c == '\r' || c == '\n') {
    out.steps.back().text += kEol;
    std::string answer;
    answer.swap(m_line);
    m_mode = Mode::command;
    answer_question(answer, out, finished);
    return;
  }
  if (c == '\x7f' || c == '\b') {
    if (!m_line.empty()) {
      m_line.pop_back();
      out.steps.back().text += "\b \b";
    }
    return;
  }
  if (static_cast<unsigned char>(c) < 0x20) return;
  m_line += c;
  out.steps.back().text += c;
}

void CliInterpreter::answer_question(const std::string& answer, Output& out, bool& finished) {
  const auto words = split_words(answer);
  const bool yes = words.size() == 1 && words[0] == msg::kYes;
  const std::string command = m_question_command;
  mark_reply_start(out);
  add_latency(command_class_of(split_words(command)), out);

  const auto command_words = split_words(command);
  if (command_words.size() >= 4 && command_words[0] == "set" && command_words[1] == "csr") {
    // The OU question is not a confirmation: either answer generates the CSR (with or without the OU).
    const std::string& unit = command_words[3];
    const bool multi_server = command_words.size() == 5;
    const auto& spec = m_node.spec();
    CsrRequest request{spec.fqdn, default_csr_names(spec.fqdn), unit == kTomcatUnit ? "rsa-2048" : "ec-256", yes};
    if (multi_server) {
      // One CSR on the publisher naming every node of the cluster (UCCX: its two nodes), CN <host>-ms.<domain>.
      request.common_name = multi_server_common_name(unit, spec.fqdn);
      request.dns_names.clear();
      std::vector<const SimNode*> members = m_node.cluster();
      if (members.empty()) members.push_back(&m_node);
      for (const SimNode* member : members) request.dns_names.push_back(member->spec().fqdn);
    }
    auto csr = m_node.generate_csr(request, unit, multi_server);
    m_node.log_command(command, csr.has_value());
    emit_lines({csr ? std::string(msg::kCsrGeneratedPrefix) + unit : std::string(msg::kExecutedUnsuccessfully)}, out,
               finished);
    return;
  }
  if (command_words.size() == 4 && command_words[0] == "set" && command_words[2] == "regen") {
    const std::string& unit = command_words[3];
    if (!yes) {
      m_node.log_command(command, false, {}, {}, "cancelled");
      emit_lines({std::string(msg::kRegenCancelled)}, out, finished);
      return;
    }
    auto regenerated = m_node.regenerate_identity(m_now(), unit);
    m_node.log_command(command, regenerated.has_value());
    if (!regenerated) {
      emit_lines({std::string(msg::kExecutedUnsuccessfully)}, out, finished);
      return;
    }
    emit_lines({std::string(msg::kRegeneratedPrefix) + unit + ".",
                std::string(msg::kRestartAdvicePrefix) + unit + std::string(msg::kRestartAdviceSuffix)},
               out, finished);
    return;
  }
  if (command == "utils system restart") {
    if (!yes) {
      m_node.log_command(command, false, {}, {}, "cancelled");
      emit_lines({std::string(msg::kSystemRestartCancelled)}, out, finished);
      return;
    }
    m_node.log_command(command, true);
    out.steps.back().text += lines_to_text({std::string(msg::kSystemRestarting)});
    // The node goes down now: every session (this one too) drops; the node comes back after the restart duration.
    m_node.begin_system_restart(m_now(), m_settings.timings.system_restart_duration());
    out.drop = true;
    out.close = true;
    return;
  }
  emit_lines({std::string(msg::kExecutedUnsuccessfully)}, out, finished);
}

void CliInterpreter::command_show_csr(const std::string& command, Output& out, bool& finished) {
  const std::string unit = split_words(command).back();
  const auto csr = m_node.pending_csr(unit);
  m_node.log_command(command, csr.has_value());
  if (!csr) {
    emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kNoPendingCsrPrefix) + unit}, out, finished);
    return;
  }
  // The PEM and nothing but whitespace after it (clients cut the output at the END line); never paged.
  std::vector<std::string> lines;
  std::istringstream pem(csr->pem);
  for (std::string line; std::getline(pem, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  out.steps.back().text += lines_to_text(lines);
  add_prompt(out);
  finished = true;
}

void CliInterpreter::command_delete(const std::vector<std::string>& words, const std::string& command, Output& out,
                                    bool& finished) {
  const std::string& unit = words[3];
  if (unit != "tomcat-trust") {
    m_node.log_command(command, false);
    emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kDeleteOnlyTrust) + unit}, out, finished);
    return;
  }
  const std::string file = unit + "/" + words[4];
  if (!m_node.delete_trust(file)) {
    m_node.log_command(command, false);
    emit_lines({std::string(msg::kExecutedUnsuccessfully), std::string(msg::kNoSuchTrustFile) + file}, out, finished);
    return;
  }
  m_node.log_command(command, true, {file});
  emit_lines({std::string(msg::kDeletedPrefix) + file,
              std::string(msg::kRestartAdvicePrefix) + "tomcat" + std::string(msg::kRestartAdviceSuffix)},
             out, finished);
}

void CliInterpreter::command_network_cluster(const std::string& command, Output& out, bool& finished) {
  std::vector<std::string> lines;
  const auto now = m_now();
  std::vector<const SimNode*> members = m_node.cluster();
  if (members.empty()) members.push_back(&m_node);
  for (const SimNode* member : members) {
    const auto& spec = member->spec();
    const bool publisher = spec.role == trustctl::Role::publisher;
    const std::string host = spec.fqdn.substr(0, spec.fqdn.find('.'));
    const bool up = member == &m_node || !member->is_down(now);
    lines.push_back(spec.address + " " + spec.fqdn + " " + host + " " + (publisher ? "Publisher" : "Subscriber") +
                    " " + node_role(spec.product) + " " + (publisher ? "DBPub" : "DBSub") + " " +
                    std::string(up ? msg::kNodeAuthenticated : msg::kNodeUnreachable));
  }
  m_node.log_command(command, true);
  emit_lines(std::move(lines), out, finished);
}

void CliInterpreter::finish_own_import(const std::string& text, std::vector<std::string>& lines, bool& ok) {
  const std::string unit = split_words(m_paste_command).back();
  auto parsed = trustctl::parse_certificates(text);
  OwnImportOutcome outcome;
  if (parsed) outcome = m_node.import_own_detailed(*parsed, m_now(), unit);
  ok = outcome.status == OwnImportStatus::imported;
  if (!ok) {
    lines.push_back(own_import_text(outcome.status, m_node.spec().product, unit));
    return;
  }
  lines.push_back(std::string(msg::kImportedPrefix) + unit + ".");
  lines.push_back(std::string(msg::kRestartAdvicePrefix) + unit + std::string(msg::kRestartAdviceSuffix));
  if (!outcome.distributed_to.empty()) {
    std::string names;
    for (const auto& name : outcome.distributed_to) names += (names.empty() ? "" : ", ") + name;
    lines.push_back(std::string(msg::kDistributedPrefix) + names);
  }
}

}  // namespace vossim
