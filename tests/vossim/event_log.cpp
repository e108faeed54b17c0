#include "tests/vossim/event_log.hpp"

namespace vossim {

void EventLog::append(nlohmann::json entry) {
  std::lock_guard lock(m_mutex);
  entry["seq"] = m_next_seq++;
  m_entries.push_back(std::move(entry));
  if (m_entries.size() > m_capacity) m_entries.pop_front();
}

nlohmann::json EventLog::entries(std::uint64_t after_seq) const {
  std::lock_guard lock(m_mutex);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& entry : m_entries) {
    if (entry["seq"].get<std::uint64_t>() > after_seq) out.push_back(entry);
  }
  return out;
}

}  // namespace vossim
