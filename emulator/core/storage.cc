#include "emulator/core/storage.h"

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

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

  // Simulation thread, between transactions: truncates the WAL if the checkpointer asked for
  // it and is not checkpointing itself right now (then the next commit tries again).
  void truncate_if_wanted() {
    if (!truncate_wanted_.load(std::memory_order_relaxed)) return;
    std::unique_lock busy(checkpointing_, std::try_to_lock);
    if (!busy.owns_lock()) return;
    try {
      // The writer's own connection, between transactions: no writer to wait for, and the
      // passive rounds left only the last frames to copy.
      storage_.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
      ++storage_.wal_truncations_;
    } catch (...) {
      // Busy (a reader): the checkpointer asks again next round.
    }
    truncate_wanted_.store(false, std::memory_order_relaxed);
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
  // grows. Past the limit, when the passive copy has left a small backlog (what was written
  // while it ran), the simulation thread is asked to finish with a TRUNCATE: it copies the
  // backlog and empties the file. Far past the limit (a writer faster than the passive copy) it
  // is asked regardless: that commit then waits for the copy, which slows the writer to what
  // the disk absorbs and keeps the WAL bounded.
  void round() {
    std::int64_t backlog = 0;
    {
      std::lock_guard busy(checkpointing_);
      backlog = passive_checkpoint();
    }
    const std::int64_t size = wal_bytes();
    if (size > wal_limit_ && (backlog <= kSmallBacklogFrames || size > 4 * wal_limit_)) {
      truncate_wanted_.store(true, std::memory_order_relaxed);
    }
  }

  // Frames in the WAL not yet copied into the database. The C call rather than
  // `PRAGMA wal_checkpoint(PASSIVE)`, which does the same but first makes this connection read
  // and parse the whole schema (every service's CREATE statements: ~1.3 M instructions and
  // ~200 KiB of memory kept for good, a second after every start; bench/startup).
  std::int64_t passive_checkpoint() {
    int frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_.getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &frames, &copied);
    // Busy or locked: the next round checkpoints instead.
    if (rc != SQLITE_OK || frames < 0 || copied < 0) return 0;
    return static_cast<std::int64_t>(frames) - copied;
  }

  std::int64_t wal_bytes() const {
    std::error_code ec;
    const auto size = std::filesystem::file_size(wal_path_, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
  }

  static constexpr std::int64_t kSmallBacklogFrames = 1024;  // ~4 MiB of 4 KiB pages

  Storage& storage_;
  SQLite::Database db_;
  const std::string wal_path_;
  const std::int64_t wal_limit_;
  const Micros interval_;
  std::mutex checkpointing_;  // held while a checkpoint runs on either thread
  std::atomic<bool> truncate_wanted_{false};
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

void Storage::end_startup() {
  if (!startup_unsynced_) return;
  db_->exec("PRAGMA synchronous=" + synchronous_);
  startup_unsynced_ = false;
}

void Storage::start_background_checkpoints(std::int64_t max_wal_bytes, Micros interval) {
  if (checkpointer_ || path_ == ":memory:") return;
  db_->exec("PRAGMA wal_autocheckpoint=0");
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
  if (checkpointer_) checkpointer_->truncate_if_wanted();
  return true;
}

}  // namespace emu
