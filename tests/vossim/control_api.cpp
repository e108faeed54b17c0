#include "tests/vossim/control_api.hpp"

#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vossim {

using nlohmann::json;
using trustctl::ErrorCode;

std::string make_token() {
  unsigned char bytes[32];
  RAND_bytes(bytes, sizeof bytes);
  static const char* digits = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += digits[b >> 4];
    token += digits[b & 0xf];
  }
  return token;
}

trustctl::Result<void> write_token(const std::filesystem::path& path, const std::string& token) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::filesystem::remove(path, ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return trustctl::fail(ErrorCode::io, "cannot write " + path.string());
  ::fchmod(fd, 0600);
  const std::string line = token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) return trustctl::fail(ErrorCode::io, "cannot write " + path.string());
  return {};
}

ControlApi::ControlApi(std::vector<SimNode*> nodes, EventLog& log, FaultBook& faults, std::string token,
                       json settings, const IntegrationOracle* oracle)
    : m_nodes(std::move(nodes)), m_log(log), m_faults(faults), m_token(std::move(token)),
      m_settings(std::move(settings)), m_oracle(oracle) {}

SimNode* ControlApi::find(const std::string& name) const {
  for (SimNode* node : m_nodes) {
    if (node->spec().name == name) return node;
  }
  return nullptr;
}

RestOutcome ControlApi::handle(const HttpRequest& request) {
  RestOutcome outcome;
  if (request.header("authorization") != "Bearer " + m_token) {
    outcome.response = json_response(401, rest_error_body("a Bearer token from control.token is required"));
    return outcome;
  }
  const auto now = Clock::now();
  if (request.path == "/state" && request.method == "GET") {
    json nodes = json::array();
    for (const SimNode* node : m_nodes) nodes.push_back(node->describe(now));
    json body = {{"nodes", nodes}, {"faults", m_faults.describe()}, {"settings", m_settings}};
    outcome.response = json_response(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
  } else if (request.path == "/log" && request.method == "GET") {
    const std::string after = request.query_param("after");
    std::uint64_t from = 0;
    if (!after.empty() && after.find_first_not_of("0123456789") == std::string::npos && after.size() < 19) {
      from = std::stoull(after);
    }
    json body = {{"entries", m_log.entries(from)}};
    outcome.response = json_response(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
  } else if (request.path == "/integrations" && request.method == "GET" && m_oracle != nullptr) {
    outcome.response = json_response(200, m_oracle->evaluate(now).dump(-1, ' ', false, json::error_handler_t::replace));
  } else if (request.path == "/faults" && request.method == "GET") {
    outcome.response = json_response(200, json({{"faults", m_faults.describe()}}).dump());
  } else if (request.path == "/faults" && request.method == "POST") {
    outcome.response = add_fault(request);
  } else if (request.path == "/faults" && request.method == "DELETE") {
    outcome.response = clear_faults();
  } else {
    outcome.response = json_response(404, rest_error_body("not found: " + request.method + " " + request.path));
  }
  return outcome;
}

HttpResponse ControlApi::add_fault(const HttpRequest& request) {
  const json body = json::parse(request.body, nullptr, false);
  std::string problem;
  auto fault = FaultBook::parse(body, problem);
  if (!fault) return json_response(400, rest_error_body(problem));
  SimNode* node = find(fault->node);
  if (node == nullptr) return json_response(404, rest_error_body("no such node: " + fault->node));
  if (fault->kind == FaultKind::node_down) {
    // Acts at once: the node is down until delay_ms passes, or (0) until DELETE /faults.
    const auto until = fault->delay.count() > 0 ? Clock::now() + fault->delay : Clock::time_point::max();
    {
      std::lock_guard lock(m_mutex);
      m_downed.insert(node);
    }
    node->go_down(until);
  } else {
    m_faults.add(*fault);
  }
  return json_response(201, json({{"fault", body}}).dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse ControlApi::clear_faults() {
  m_faults.clear();
  std::set<SimNode*> downed;
  {
    std::lock_guard lock(m_mutex);
    downed.swap(m_downed);
  }
  for (SimNode* node : downed) node->bring_up(Clock::now());
  return json_response(200, json({{"faults", json::array()}}).dump());
}

}  // namespace vossim
