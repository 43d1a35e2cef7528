#include "emulator/core/storage.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "emulator/core/assert.h"
#include "emulator/core/clock.h"
#include "emulator/core/sqlite_page_cache.h"
#include "emulator/core/sqlite_wal_batch.h"

namespace emu {

class Storage::Checkpointer {
 public:
  Checkpointer(Storage& storage, std::int64_t wal_limit, Micros interval)
      : storage_(storage),
        db_(storage.path(), SQLite::OPEN_READWRITE),
        wal_path_(storage.path() + "-wal"),
        wal_limit_(wal_limit),
        interval_(interval),
        thread_([this] { loop(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Simulation thread, between transactions: starts the WAL over if the checkpointer asked for
  // it and is not checkpointing itself right now (then the next commit tries again), or, with
  // the WAL far past its limit (a writer faster than the passive copies), waits for the copy
  // in progress and then starts it over: the writer slows to what the disk absorbs.
  void restart_if_wanted(bool far_past_limit) {
    if (!restart_wanted_.load(std::memory_order_relaxed) && !far_past_limit) return;
    std::unique_lock busy(checkpointing_, std::defer_lock);
    if (far_past_limit) {
      busy.lock();
    } else if (!busy.try_lock()) {
      return;
    }
    try {
      // The writer's own connection, between transactions: no writer to wait for, and the
      // passive rounds left only the last frames to copy. RESTART rather than TRUNCATE: the
      // next commit writes the WAL from its start and SQLite cuts the file back to the limit
      // (journal_size_limit); emptying a file of 100+ MiB took 25-40 ms of the turn.
      storage_.db().exec("PRAGMA wal_checkpoint(RESTART)");
      ++storage_.wal_restarts_;
    } catch (...) {
      // Busy (a reader): the checkpointer asks again next round.
    }
    restart_wanted_.store(false, std::memory_order_relaxed);
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wall::wait_until(wake_, lock, wall::monotonic_now() + interval_);
      if (stopping_) break;
      lock.unlock();
      round();
      lock.lock();
    }
  }

  // A passive checkpoint copies what it can without blocking anyone, but under constant writes
  // it never catches up with the writer, so SQLite never starts the WAL over and the file only
  // grows. Past the limit the passive copies run back to back (a few at most) until the
  // backlog (what was written while the last one ran) is small, and the simulation thread is
  // then asked to finish with a RESTART: it copies and syncs only that backlog, with the
  // replies of its turn waiting (durable ingest p99 ~200 ms when it copied the whole WAL).
  void round() {
    for (int pass = 0; pass < kMaxPassesPerRound && !stopping(); ++pass) {
      std::int64_t backlog = 0;
      {
        std::lock_guard busy(checkpointing_);
        backlog = passive_checkpoint();
      }
      if (wal_bytes() <= wal_limit_) return;
      if (backlog <= kSmallBacklogFrames) break;
    }
    restart_wanted_.store(true, std::memory_order_relaxed);
  }

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  // Frames in the WAL not yet copied into the database. The C call rather than
  // `PRAGMA wal_checkpoint(PASSIVE)`, which does the same but first makes this connection read
  // and parse the whole schema (every service's CREATE statements: ~1.3 M instructions and
  // ~200 KiB of memory kept for good, a second after every start; bench/startup).
  std::int64_t passive_checkpoint() {
    int frames = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                       &copied);
    if (rc == SQLITE_OK && frames < 0) {
      // A connection opens the WAL with its first transaction; until then SQLite answers
      // "not in WAL mode" (-1 frames) and copies nothing, and every checkpoint fell to the
      // simulation thread's TRUNCATE: the whole WAL copied and synced there, 100-240 ms with
      // every reply waiting (durable ingest p99 ~200 ms). `PRAGMA user_version` is a read
      // transaction that reads the header, not the schema.
      db_.exec("PRAGMA user_version");
      rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames,
                                     &copied);
    }
    // Busy or locked: the next round checkpoints instead.
    if (rc != SQLITE_OK || frames < 0 || copied < 0) return 0;
    storage_.passive_checkpoints_.fetch_add(1, std::memory_order_relaxed);
    return static_cast<std::int64_t>(frames) - copied;
  }

  std::int64_t wal_bytes() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(wal_path_, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
  }

  static constexpr std::int64_t kSmallBacklogFrames = 1024;  // ~4 MiB of 4 KiB pages
  static constexpr int kMaxPassesPerRound = 8;

  Storage& storage_;
  SQLite::Database db_;
  const std::string wal_path_;
  const std::int64_t wal_limit_;
  const Micros interval_;
  std::mutex checkpointing_;  // held while a checkpoint runs on either thread
  std::atomic<bool> restart_wanted_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

Storage::Storage(const std::string& path, const std::string& synchronous) : path_(path) {
  if (synchronous != "OFF" && synchronous != "NORMAL" && synchronous != "FULL") {
    throw std::invalid_argument("storage synchronous mode must be OFF, NORMAL or FULL");
  }
  // Before the first connection of the process, or never (sqlite_page_cache.h).
  sqlite_page_cache::install();
  sqlite_wal_batch::install();
  const bool fresh = path != ":memory:" && !std::filesystem::exists(path);
  db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  // Turning a new file into a WAL database goes through a rollback journal: four fsyncs, most of
  // a fresh start's time on a real disk. Below FULL, commits are durable against a crash of the
  // process, not of the machine (WAL commits are not fsynced), and so is the new file's header
  // without them. FULL keeps them: SQLite drops a WAL whose database file is empty.
  if (synchronous != "FULL") db_->exec("PRAGMA synchronous=OFF");
  if (path != ":memory:") db_->exec("PRAGMA journal_mode=WAL");
  // For the same reason a new database's set-up under NORMAL (its schema and the start's first
  // commit) skips the fsyncs of the WAL's header and directory, two more of a fresh start's:
  // nothing in it was acknowledged yet, and the first checkpoint syncs both (end_startup).
  startup_unsynced_ = fresh && synchronous == "NORMAL";
  if (!startup_unsynced_) db_->exec("PRAGMA synchronous=" + synchronous);
  synchronous_ = synchronous;
  db_->exec("PRAGMA foreign_keys=OFF");
  // Large caches keep hot tables in memory; the WAL is checkpointed by SQLite automatically.
  db_->exec("PRAGMA cache_size=-65536");
  db_->exec("PRAGMA temp_store=MEMORY");
}

void Storage::write_in_place() {
  EMU_ASSERT(!in_transaction_);  // SQLite changes the journal mode only between transactions
  db_->exec("PRAGMA journal_mode=OFF");
  // The run's only connection: its lock is taken once and kept, not taken and released (two
  // fcntl calls and a look for a hot journal) by every read outside a write transaction.
  db_->exec("PRAGMA locking_mode=EXCLUSIVE");
}

void Storage::end_startup() {
  if (!startup_unsynced_) return;
  db_->exec("PRAGMA synchronous=" + synchronous_);
  startup_unsynced_ = false;
}

void Storage::start_background_checkpoints(std::int64_t max_wal_bytes, Micros interval) {
  if (checkpointer_ || path_ == ":memory:") return;
  db_->exec("PRAGMA wal_autocheckpoint=0");
  // After each commit SQLite reports the frames in the WAL: how far past its limit it is, with
  // no system call.
  max_wal_bytes_ = max_wal_bytes;
  wal_frame_bytes_ = db_->execAndGet("PRAGMA page_size").getInt64() + kWalFrameHeaderBytes;
  sqlite3_wal_hook(
      db_->getHandle(),
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<Storage*>(self)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      this);
  // Whenever SQLite starts the WAL over, it cuts the file back to this size.
  db_->exec("PRAGMA journal_size_limit=" + std::to_string(max_wal_bytes));
  checkpointer_ = std::make_unique<Checkpointer>(*this, max_wal_bytes, interval);
}

Storage::~Storage() {
  checkpointer_.reset();
  try {
    commit();
  } catch (...) {
    // Destructors must not throw; an uncommitted batch was never acknowledged.
  }
}

void Storage::ensure_transaction() {
  if (in_transaction_) return;
  db_->exec("BEGIN");
  in_transaction_ = true;
}

int Storage::add_before_commit(std::function<void()> hook) {
  before_commit_.emplace_back(next_hook_id_, std::move(hook));
  return next_hook_id_++;
}

void Storage::remove_before_commit(int id) {
  std::erase_if(before_commit_, [id](const auto& hook) { return hook.first == id; });
}

bool Storage::commit() {
  for (const auto& [_, hook] : before_commit_) hook();
  if (!in_transaction_) return false;
  db_->exec("COMMIT");
  in_transaction_ = false;
  ++commits_;
  if (checkpointer_)
    checkpointer_->restart_if_wanted(wal_frames_ * wal_frame_bytes_ > 4 * max_wal_bytes_);
  return true;
}

}  // namespace emu
