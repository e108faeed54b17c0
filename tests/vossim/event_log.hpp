#pragma once
// The lab-wide, ordered log of every CLI command and REST call on every node, for the control API's GET /log.
// Each node also keeps its own commands.log on disk; this one is in memory and numbered, so a test can see the order
// of operations across nodes.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <mutex>

namespace vossim {

class EventLog {
 public:
  explicit EventLog(std::size_t capacity = 100000) : m_capacity(capacity) {}
  // Adds "seq" to the entry and keeps it (the oldest entries go when the capacity is reached).
  void append(nlohmann::json entry);
  nlohmann::json entries(std::uint64_t after_seq = 0) const;

 private:
  std::size_t m_capacity;
  mutable std::mutex m_mutex;
  std::uint64_t m_next_seq = 1;
  std::deque<nlohmann::json> m_entries;
};

}  // namespace vossim
