#include "emulator/core/storage.h"

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "emulator/core/clock.h"

namespace emu {

class Storage::Checkpointer {
 public:
  explicit Checkpointer(const std::string& path)
      : db_(path, SQLite::OPEN_READWRITE), thread_([this] { loop(); }) {}
  ~Checkpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wall::wait_until(wake_, lock, wall::monotonic_now() + kMicrosPerSecond);
      if (stopping_) break;
      lock.unlock();
      try {
        db_.exec("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (...) {
        // Busy or locked: the next round checkpoints instead.
      }
      lock.lock();
    }
  }

  SQLite::Database db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

Storage::Storage(const std::string& path, const std::string& synchronous) : path_(path) {
  if (synchronous != "OFF" && synchronous != "NORMAL" && synchronous != "FULL") {
    throw std::invalid_argument("storage synchronous mode must be OFF, NORMAL or FULL");
  }
  db_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  if (path != ":memory:") db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=" + synchronous);
  db_->exec("PRAGMA foreign_keys=OFF");
  // Large caches keep hot tables in memory; the WAL is checkpointed by SQLite automatically.
  db_->exec("PRAGMA cache_size=-65536");
  db_->exec("PRAGMA temp_store=MEMORY");
}

void Storage::start_background_checkpoints() {
  if (checkpointer_ || path_ == ":memory:") return;
  db_->exec("PRAGMA wal_autocheckpoint=0");
  checkpointer_ = std::make_unique<Checkpointer>(path_);
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
  return true;
}

}  // namespace emu
