#include "emulator/core/sqlite_wal_batch.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace emu::sqlite_wal_batch {
namespace {

constexpr std::size_t kFirstReserve = 256 << 10;
constexpr std::size_t kMaxBuffered = 4 * 1024 * 1024;
// The unix VFS passes at most 128 KiB - 1 bytes to one pwrite (it masks the length with 0x1ffff:
// seekAndWriteFd), and a write of exactly 128 KiB would write nothing: chunks stay below.
constexpr std::size_t kMaxWrite = 128 * 1024 - 4096;
constexpr int kFrameHeaderBytes = 24;  // WAL format: page number, database size after commit, ...

sqlite3_vfs* g_unix = nullptr;
std::atomic<std::uint64_t> g_bytes{0}, g_syscalls{0}, g_writes{0};

struct WalState;

// The WAL files of this process by database, for the second guard (header).
std::mutex g_registry_mutex;
std::map<std::string, std::vector<WalState*>>& registry() {
  static auto* files = new std::map<std::string, std::vector<WalState*>>;
  return *files;
}

struct WalState {
  std::mutex mutex;
  sqlite3_file* real = nullptr;
  std::string database;  // the registry's key
  std::string buffer;
  sqlite3_int64 buffer_offset = 0;  // where buffer[0] goes in the file
  bool commit_page_next = false;    // the last write was a commit frame's header
  int failed = SQLITE_OK;           // a write that failed while flushed for another caller

  int flush_locked() {
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < buffer.size() && rc == SQLITE_OK; done += kMaxWrite) {
      const std::size_t amount = std::min(kMaxWrite, buffer.size() - done);
      rc = real->pMethods->xWrite(real, buffer.data() + done, static_cast<int>(amount),
                                  buffer_offset + static_cast<sqlite3_int64>(done));
      g_bytes.fetch_add(amount, std::memory_order_relaxed);
      g_syscalls.fetch_add(1, std::memory_order_relaxed);
    }
    buffer.clear();
    return rc;
  }

  // Flushed for another connection's read: an error waits for this file's next write or sync,
  // which belongs to the transaction whose frames were lost.
  void flush_for_reader() {
    std::lock_guard lock(mutex);
    const int rc = flush_locked();
    if (rc != SQLITE_OK && failed == SQLITE_OK) failed = rc;
  }

  int take_failure() { return std::exchange(failed, SQLITE_OK); }
};

struct WalFile {
  sqlite3_file base;
  WalState* state;
};

WalState* state_of(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file)->state; }

void flush_database(const std::string& database) {
  std::lock_guard lock(g_registry_mutex);
  const auto it = registry().find(database);
  if (it == registry().end()) return;
  for (WalState* s : it->second) s->flush_for_reader();
}

bool is_commit_frame_header(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalState& s = *state_of(file);
  std::lock_guard lock(s.mutex);
  g_writes.fetch_add(1, std::memory_order_relaxed);
  if (int rc = s.take_failure(); rc != SQLITE_OK) return rc;
  if (!s.buffer.empty() &&
      offset != s.buffer_offset + static_cast<sqlite3_int64>(s.buffer.size())) {
    if (int rc = s.flush_locked(); rc != SQLITE_OK) return rc;
  }
  if (s.buffer.empty()) {
    s.buffer_offset = offset;
    // Room for a usual commit at once (the start's schema commit is ~90 KiB): growing by doubling
    // copies what is held and faults in each new block (issue 15's start-up).
    if (s.buffer.capacity() < kFirstReserve) s.buffer.reserve(kFirstReserve);
  }
  s.buffer.append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  // The page after a commit frame's header ends the commit: it is written before the commit
  // returns, and a failure is the commit's.
  if (std::exchange(s.commit_page_next, false) || s.buffer.size() >= kMaxBuffered) {
    return s.flush_locked();
  }
  s.commit_page_next = is_commit_frame_header(data, amount);
  return SQLITE_OK;
}

int wal_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  WalState& s = *state_of(file);
  flush_database(s.database);
  return s.real->pMethods->xRead(s.real, out, amount, offset);
}

// Operations that must see every write made so far: flush, then forward.
template <typename Call>
int after_flush(sqlite3_file* file, Call call) {
  WalState& s = *state_of(file);
  std::lock_guard lock(s.mutex);
  if (int rc = s.take_failure(); rc != SQLITE_OK) return rc;
  if (int rc = s.flush_locked(); rc != SQLITE_OK) return rc;
  return call(s.real);
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return after_flush(file, [&](sqlite3_file* r) { return r->pMethods->xTruncate(r, size); });
}

int wal_sync(sqlite3_file* file, int flags) {
  return after_flush(file, [&](sqlite3_file* r) { return r->pMethods->xSync(r, flags); });
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  flush_database(state_of(file)->database);
  return after_flush(file, [&](sqlite3_file* r) { return r->pMethods->xFileSize(r, size); });
}

void unregister(WalState* s) {
  std::lock_guard lock(g_registry_mutex);
  auto it = registry().find(s->database);
  if (it == registry().end()) return;
  std::erase(it->second, s);
  if (it->second.empty()) registry().erase(it);
}

int wal_close(sqlite3_file* file) {
  WalState* s = state_of(file);
  unregister(s);
  int rc = SQLITE_OK;
  {
    std::lock_guard lock(s->mutex);
    rc = s->take_failure();
    if (rc == SQLITE_OK) rc = s->flush_locked();
  }
  const int closed = s->real->pMethods->xClose(s->real);
  delete s;
  reinterpret_cast<WalFile*>(file)->state = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

sqlite3_file* real_of(sqlite3_file* file) { return state_of(file)->real; }

// The rest go straight to the unix file.
const sqlite3_io_methods kWalMethods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    [](sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); },
    [](sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); },
    [](sqlite3_file* f, int* out) {
      return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
    },
    [](sqlite3_file* f, int op, void* arg) {
      return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
    },
    [](sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); },
    [](sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); },
    [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
      return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
    },
    [](sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); },
    [](sqlite3_file* f, int remove) { return real_of(f)->pMethods->xShmUnmap(real_of(f), remove); },
    [](sqlite3_file*, sqlite3_int64, int, void** out) {
      *out = nullptr;  // WAL files are read, never mapped
      return SQLITE_OK;
    },
    [](sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; },
};

std::string database_of_wal(const char* wal_name) {
  std::string name = wal_name != nullptr ? wal_name : "";
  if (name.size() > 4 && name.ends_with("-wal")) name.resize(name.size() - 4);
  return name;
}

int open_wal(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wal = reinterpret_cast<WalFile*>(file);
  // The unix file lives in the same allocation, after ours (szOsFile below).
  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + sizeof(WalFile));
  std::memset(real, 0, static_cast<std::size_t>(g_unix->szOsFile));
  wal->base.pMethods = nullptr;
  wal->state = nullptr;
  const int rc = g_unix->xOpen(g_unix, name, real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (real->pMethods != nullptr) real->pMethods->xClose(real);
    return rc;
  }
  auto* state = new WalState;
  state->real = real;
  state->database = database_of_wal(name);
  {
    std::lock_guard lock(g_registry_mutex);
    registry()[state->database].push_back(state);
  }
  wal->state = state;
  wal->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

int open_file(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) != 0) return open_wal(vfs, name, file, flags, out_flags);
  // Everything else is the unix VFS's own file, at the start of the allocation.
  return g_unix->xOpen(g_unix, name, file, flags, out_flags);
}

sqlite3_vfs make_vfs(sqlite3_vfs* unix_vfs) {
  sqlite3_vfs v = *unix_vfs;
  v.zName = "emu-wal-batch";
  v.pNext = nullptr;
  v.pAppData = nullptr;
  v.szOsFile = std::max(unix_vfs->szOsFile, static_cast<int>(sizeof(WalFile)) + unix_vfs->szOsFile);
  v.xOpen = open_file;
  // The unix VFS's other methods do not read pAppData; each is given the unix VFS all the same.
  v.xDelete = [](sqlite3_vfs*, const char* n, int sync) {
    return g_unix->xDelete(g_unix, n, sync);
  };
  v.xAccess = [](sqlite3_vfs*, const char* n, int f, int* out) {
    return g_unix->xAccess(g_unix, n, f, out);
  };
  v.xFullPathname = [](sqlite3_vfs*, const char* n, int size, char* out) {
    return g_unix->xFullPathname(g_unix, n, size, out);
  };
  v.xDlOpen = [](sqlite3_vfs*, const char* n) { return g_unix->xDlOpen(g_unix, n); };
  v.xDlError = [](sqlite3_vfs*, int n, char* out) { g_unix->xDlError(g_unix, n, out); };
  v.xDlSym = [](sqlite3_vfs*, void* h, const char* s) { return g_unix->xDlSym(g_unix, h, s); };
  v.xDlClose = [](sqlite3_vfs*, void* h) { g_unix->xDlClose(g_unix, h); };
  v.xRandomness = [](sqlite3_vfs*, int n, char* out) {
    return g_unix->xRandomness(g_unix, n, out);
  };
  v.xSleep = [](sqlite3_vfs*, int us) { return g_unix->xSleep(g_unix, us); };
  v.xCurrentTime = [](sqlite3_vfs*, double* out) { return g_unix->xCurrentTime(g_unix, out); };
  v.xGetLastError = [](sqlite3_vfs*, int n, char* out) {
    return g_unix->xGetLastError(g_unix, n, out);
  };
  v.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) {
    return g_unix->xCurrentTimeInt64(g_unix, out);
  };
  v.xSetSystemCall = [](sqlite3_vfs*, const char* n, sqlite3_syscall_ptr p) {
    return g_unix->xSetSystemCall(g_unix, n, p);
  };
  v.xGetSystemCall = [](sqlite3_vfs*, const char* n) { return g_unix->xGetSystemCall(g_unix, n); };
  v.xNextSystemCall = [](sqlite3_vfs*, const char* n) {
    return g_unix->xNextSystemCall(g_unix, n);
  };
  return v;
}

bool install_once() {
  sqlite3_vfs* unix_vfs = sqlite3_vfs_find("unix");
  if (unix_vfs == nullptr || unix_vfs->iVersion < 3) return false;
  g_unix = unix_vfs;
  static sqlite3_vfs vfs = make_vfs(unix_vfs);
  return sqlite3_vfs_register(&vfs, 1) == SQLITE_OK;
}

}  // namespace

bool install() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] { installed = install_once(); });
  return installed;
}

Counts counts() {
  return {g_bytes.load(std::memory_order_relaxed), g_syscalls.load(std::memory_order_relaxed),
          g_writes.load(std::memory_order_relaxed)};
}

}  // namespace emu::sqlite_wal_batch
