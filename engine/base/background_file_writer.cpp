#include "engine/base/background_file_writer.hpp"

#include <system_error>

namespace trustctl {

BackgroundFileWriter::BackgroundFileWriter(AtomicFile& file, std::size_t most_waiting)
    : m_file(file), m_most_waiting(most_waiting < 1 ? 1 : most_waiting) {
  try {
    m_thread = std::thread([this] { run(); });
  } catch (const std::system_error&) {
    // No thread to be had: push() writes each chunk itself.
  }
}

BackgroundFileWriter::~BackgroundFileWriter() { (void)finish(); }

void BackgroundFileWriter::write_now(const std::string& chunk) {
  if (m_error) return;
  if (auto written = m_file.write(chunk); !written) m_error = written.error();
}

void BackgroundFileWriter::push(std::string chunk) {
  if (!m_thread.joinable()) {
    write_now(chunk);
    return;
  }
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_waiting.size() < m_most_waiting; });
  m_waiting.push_back(std::move(chunk));
  m_changed.notify_all();
}

void BackgroundFileWriter::run() {
  for (;;) {
    std::string chunk;
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return !m_waiting.empty() || m_closed; });
      if (m_waiting.empty()) return;  // closed, and everything written
      chunk = std::move(m_waiting.front());
      m_waiting.pop_front();
      m_changed.notify_all();
    }
    write_now(chunk);
  }
}

Result<void> BackgroundFileWriter::finish() {
  if (m_thread.joinable()) {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
      m_changed.notify_all();
    }
    m_thread.join();
  }
  if (m_error) return fail(*m_error);
  return {};
}

}  // namespace trustctl
