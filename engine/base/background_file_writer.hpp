#pragma once
// Writes a file's bytes on another thread while the rest of them are still being made. The producer hands over
// chunks (moved, never copied) and goes on; the write() calls and the kernel's copies into the page cache happen
// beside it. A fleet's plan file is about 50 MB: made and written one after the other, the two add up; side by side,
// the slower of them is what is left.
//
// At most a few chunks wait at a time (push() waits for room), so a slow disk does not make the whole file pile up in
// memory. When no thread can be started, chunks are written in place by push().

#include "engine/base/atomic_file.hpp"
#include "engine/model/error.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace trustctl {

class BackgroundFileWriter {
 public:
  explicit BackgroundFileWriter(AtomicFile& file, std::size_t most_waiting = 4);
  BackgroundFileWriter(const BackgroundFileWriter&) = delete;
  BackgroundFileWriter& operator=(const BackgroundFileWriter&) = delete;
  ~BackgroundFileWriter();  // finishes, if finish() was not called

  // Queues a chunk; after a write has failed, chunks are dropped (finish() reports the failure).
  void push(std::string chunk);
  // Waits until every chunk is written; the first write error, if any. The file is still to be committed.
  Result<void> finish();

 private:
  void run();
  void write_now(const std::string& chunk);

  AtomicFile& m_file;
  const std::size_t m_most_waiting;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::string> m_waiting;
  bool m_closed = false;
  std::optional<Error> m_error;  // written only by the thread that writes (or by push() without one)
  std::thread m_thread;
};

}  // namespace trustctl
