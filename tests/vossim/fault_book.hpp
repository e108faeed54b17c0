#pragma once
// Faults injected through the control API (issue 3, point 8). A fault names a node, a kind and, for the kinds that
// act on a command, a substring of the command ("set cert import", or a REST "POST /platformcom/..." line). Counted
// faults fire count times then vanish; count 0 fires until DELETE /faults.

#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vossim {

enum class FaultKind { drop_before_reply, drop_after_commit, delay, refuse, restart_fails, replication_stalls, node_down };

std::optional<FaultKind> fault_kind_from_string(const std::string& text);
const char* to_string(FaultKind kind);

struct Fault {
  std::string node;
  FaultKind kind = FaultKind::refuse;
  std::string match;                  // substring of the command line (empty: any command)
  std::string message;                // refuse: what the node answers
  std::chrono::milliseconds delay{0};  // delay: how long; node_down / replication_stalls: how long (0: until cleared)
  int count = 1;                      // 0: until cleared
  std::chrono::steady_clock::time_point created;
};

class FaultBook {
 public:
  // Parses {"node","kind","match","message","delay_ms","count"}; the error says which field is wrong.
  static std::optional<Fault> parse(const nlohmann::json& body, std::string& error);

  void add(Fault fault);
  void clear();
  // The first fault of these kinds for node whose match is a substring of command; consumes one count.
  std::optional<Fault> take(const std::string& node, const std::string& command, std::initializer_list<FaultKind> kinds);
  // replication_stalls: whether deliveries from this publisher are held now (does not consume).
  bool replication_stalled(const std::string& node) const;
  nlohmann::json describe() const;

 private:
  mutable std::mutex m_mutex;
  std::vector<Fault> m_faults;
};

}  // namespace vossim
