#include "tests/vossim/fault_book.hpp"

#include <algorithm>

namespace vossim {

namespace {
constexpr std::pair<FaultKind, const char*> kKinds[] = {
    {FaultKind::drop_before_reply, "drop_before_reply"}, {FaultKind::drop_after_commit, "drop_after_commit"},
    {FaultKind::delay, "delay"},                         {FaultKind::refuse, "refuse"},
    {FaultKind::restart_fails, "restart_fails"},         {FaultKind::replication_stalls, "replication_stalls"},
    {FaultKind::node_down, "node_down"},
};
}  // namespace

std::optional<FaultKind> fault_kind_from_string(const std::string& text) {
  for (const auto& [kind, name] : kKinds) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

const char* to_string(FaultKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<Fault> FaultBook::parse(const nlohmann::json& body, std::string& error) {
  if (!body.is_object()) {
    error = "the body must be a JSON object";
    return std::nullopt;
  }
  Fault fault;
  if (!body.contains("node") || !body["node"].is_string()) {
    error = "\"node\" (string) is required";
    return std::nullopt;
  }
  fault.node = body["node"].get<std::string>();
  const auto kind = body.contains("kind") && body["kind"].is_string()
                        ? fault_kind_from_string(body["kind"].get<std::string>())
                        : std::nullopt;
  if (!kind) {
    error = "\"kind\" must be one of drop_before_reply, drop_after_commit, delay, refuse, restart_fails, "
            "replication_stalls, node_down";
    return std::nullopt;
  }
  fault.kind = *kind;
  auto optional_string = [&](const char* key, std::string& into) {
    if (!body.contains(key)) return true;
    if (!body[key].is_string()) {
      error = std::string("\"") + key + "\" must be a string";
      return false;
    }
    into = body[key].get<std::string>();
    return true;
  };
  auto optional_count = [&](const char* key, long long& into) {
    if (!body.contains(key)) return true;
    if (!body[key].is_number_integer() || body[key].get<long long>() < 0) {
      error = std::string("\"") + key + "\" must be a non-negative integer";
      return false;
    }
    into = body[key].get<long long>();
    return true;
  };
  long long delay_ms = 0;
  long long count = 1;
  if (!optional_string("match", fault.match) || !optional_string("message", fault.message) ||
      !optional_count("delay_ms", delay_ms) || !optional_count("count", count)) {
    return std::nullopt;
  }
  fault.delay = std::chrono::milliseconds(delay_ms);
  fault.count = static_cast<int>(count);
  return fault;
}

void FaultBook::add(Fault fault) {
  fault.created = std::chrono::steady_clock::now();
  std::lock_guard lock(m_mutex);
  m_faults.push_back(std::move(fault));
}

void FaultBook::clear() {
  std::lock_guard lock(m_mutex);
  m_faults.clear();
}

std::optional<Fault> FaultBook::take(const std::string& node, const std::string& command,
                                     std::initializer_list<FaultKind> kinds) {
  std::lock_guard lock(m_mutex);
  for (auto it = m_faults.begin(); it != m_faults.end(); ++it) {
    if (it->node != node || std::find(kinds.begin(), kinds.end(), it->kind) == kinds.end()) continue;
    if (command.find(it->match) == std::string::npos) continue;
    Fault fired = *it;
    if (it->count > 0 && --it->count == 0) m_faults.erase(it);
    return fired;
  }
  return std::nullopt;
}

bool FaultBook::replication_stalled(const std::string& node) const {
  std::lock_guard lock(m_mutex);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& fault : m_faults) {
    if (fault.node != node || fault.kind != FaultKind::replication_stalls) continue;
    if (fault.delay.count() == 0 || now < fault.created + fault.delay) return true;
  }
  return false;
}

nlohmann::json FaultBook::describe() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& fault : m_faults) {
    out.push_back({{"node", fault.node},
                   {"kind", to_string(fault.kind)},
                   {"match", fault.match},
                   {"message", fault.message},
                   {"delay_ms", fault.delay.count()},
                   {"count", fault.count}});
  }
  return out;
}

}  // namespace vossim
