#include "emulator/core/storage.h"

#include <stdexcept>

namespace emu {

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

Storage::~Storage() {
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

bool Storage::commit() {
  if (!in_transaction_) return false;
  db_->exec("COMMIT");
  in_transaction_ = false;
  ++commits_;
  return true;
}

}  // namespace emu
