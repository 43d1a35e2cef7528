// One emulator per data dir: `emulator serve` holds an exclusive lock (flock) on
// <data-dir>/emulator.lock while it runs, with its pid written in the file. A second emulator
// on the same data dir cannot take it and exits 2 naming the process that holds it. The kernel
// releases the lock when the holder exits, however it exits (kill -9 included), so a stale
// file never blocks a later start.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace emu::server {

class DataDirLock {
 public:
  // Takes the lock; nullopt with `holder` set to a description of who has it (or why it
  // could not be taken).
  static std::optional<DataDirLock> take(const std::filesystem::path& data_dir, std::string& holder);
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace emu::server
