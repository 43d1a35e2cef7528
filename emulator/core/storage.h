// The emulator's durable store: one SQLite database (WAL mode) in the data dir, owned by the
// simulation thread.
//
// Group commit: writers call ensure_transaction() before writing; the simulation loop calls
// commit() once per batch of requests and only then releases their replies, so an acknowledged
// request is on disk while one fsync-free commit covers many requests.
//
// Durability: with synchronous=NORMAL (the default) a committed transaction survives a crash or
// `kill -9` of the process (it is in the WAL file); with FULL it also survives power loss.
//
// Checkpoints: SQLite's automatic checkpoint runs inside a commit and fsyncs, stalling the
// simulation thread for milliseconds every ~4 MB of WAL. start_background_checkpoints() turns
// it off and runs passive checkpoints (which never block the writer) from a thread of its own
// with a separate connection, about once a second. Passive checkpoints alone never let the WAL
// start over while writes keep coming (it reached 9 GB against a 644 MB database), so once the
// WAL file is over `max_wal_bytes` the passive copies run back to back until what is left is
// small, and the next commit() ends with a RESTART checkpoint on the writer's connection, which
// copies those few frames and lets the next commit write the WAL from its start (SQLite then
// cuts the file back to the limit). A writer that outpaces the passive copies learns it from
// SQLite's WAL hook after its own commit: past 4 x max_wal_bytes it waits for the copy in
// progress and restarts the WAL itself, so the file stays within 4 x the limit plus one commit.
//
// Page cache and WAL writes: the first Storage of the process puts a thin layer over SQLite's
// page cache that spares each commit a walk over the whole cache (sqlite_page_cache.h), and
// makes the default VFS one that writes a commit's WAL frames with one system call rather than
// two per page (sqlite_wal_batch.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "emulator/core/disk_faults.h"
#include "emulator/core/time.h"

namespace emu {

class Storage {
 public:
  // Opens or creates the database at `path` (":memory:" for a throwaway in-memory store).
  // `synchronous` is "OFF", "NORMAL" or "FULL". Throws SQLite::Exception on failure.
  Storage(const std::string& path, const std::string& synchronous);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  SQLite::Database& db() { return *db_; }
  const std::string& path() const { return path_; }

  // Opens a write transaction if none is open. Every write must happen inside one.
  void ensure_transaction();
  // Commits the open transaction, if any. Returns true if something was committed.
  bool commit();
  bool in_transaction() const { return in_transaction_; }
  // Hooks run at the start of every commit(), in the order added, even when no transaction is
  // open (a hook may open one to write what must commit with the batch: the DynamoDB model's
  // pending writes, durable_state.h). add returns an id for remove.
  int add_before_commit(std::function<void()> hook);
  void remove_before_commit(int id);
  // A new database under synchronous NORMAL is set up without fsyncs (storage.cc); from this
  // call on, commits follow the configured mode. Idempotent; call it before the first
  // acknowledged write.
  void end_startup();
  // For virtual-time runs, before the first transaction: nothing waits for durability and the
  // next run rebuilds the file, so pages are written in place (journal_mode=OFF: no WAL's second
  // copy; for ":memory:", no in-memory rollback journal copying each page a transaction
  // touches), and the file is locked for this connection alone until it closes. A failed
  // transaction may leave the store unreadable: only for throwaway runs.
  void write_in_place();
  // See above. Idempotent; a no-op for ":memory:".
  void start_background_checkpoints(std::int64_t max_wal_bytes = 64 << 20,
                                    Micros interval = kMicrosPerSecond);
  std::uint64_t commits() const { return commits_; }
  // RESTART checkpoints done by commit() (see above).
  std::uint64_t wal_restarts() const { return wal_restarts_; }
  // Passive checkpoints the background thread ran on the WAL (see above).
  std::uint64_t passive_checkpoints() const {
    return passive_checkpoints_.load(std::memory_order_relaxed);
  }
  // The storage seam (disk_faults.h): writers ask it before they change anything.
  DiskFaults& disk_faults() { return disk_faults_; }

 private:
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
  std::string synchronous_;
  bool startup_unsynced_ = false;
  bool in_transaction_ = false;
  std::uint64_t commits_ = 0;
  std::vector<std::pair<int, std::function<void()>>> before_commit_;
  int next_hook_id_ = 1;
  std::uint64_t wal_restarts_ = 0;
  static constexpr std::int64_t kWalFrameHeaderBytes = 24;
  std::int64_t max_wal_bytes_ = 0;
  std::int64_t wal_frame_bytes_ = 0;
  std::int64_t wal_frames_ = 0;  // after the last commit (SQLite's WAL hook)
  std::atomic<std::uint64_t> passive_checkpoints_{0};
  DiskFaults disk_faults_;
  class Checkpointer;
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace emu
