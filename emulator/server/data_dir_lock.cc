#include "emulator/server/data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace emu::server {

namespace {

std::string read_all(int fd) {
  std::string out;
  char buffer[64];
  ssize_t n = 0;
  if (lseek(fd, 0, SEEK_SET) < 0) return out;
  while ((n = read(fd, buffer, sizeof buffer)) > 0 && out.size() < 256) out.append(buffer, static_cast<std::size_t>(n));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

std::optional<DataDirLock> DataDirLock::take(const std::filesystem::path& data_dir, std::string& holder) {
  const std::string path = (data_dir / "emulator.lock").string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    holder = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string pid = read_all(fd);
    close(fd);
    holder = error == EWOULDBLOCK
                 ? "in use by another emulator (pid " + (pid.empty() ? std::string("unknown") : pid) +
                       "; lock file " + path + ")"
                 : "cannot lock " + path + ": " + std::strerror(error);
    return std::nullopt;
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    holder = "cannot write " + path + ": " + std::strerror(errno);
    close(fd);
    return std::nullopt;
  }
  return DataDirLock(fd);
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

}  // namespace emu::server
