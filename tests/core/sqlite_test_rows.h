// Helpers shared by the tests of the SQLite layers (sqlite_page_cache, sqlite_wal_batch): a
// fresh database path per test and rows under random keys.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "emulator/core/random.h"
#include "emulator/core/storage.h"

namespace emu::testing {

// A path under the temp dir named after the test program and case, with no database, WAL or
// shared-memory file left from an earlier run.
inline std::string fresh_sqlite_path(const std::string& program, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() /
                    (program + "." + name + "." + std::to_string(::getpid()) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// Inserts `rows` rows of 300 bytes under random keys into `items (k TEXT PRIMARY KEY, v TEXT)`:
// random keys land all over the b-tree, splitting pages, as raw_metrics ids do in the key index.
inline void insert_random_rows(SQLite::Database& db, Random& random, int rows) {
  SQLite::Statement insert(db, "INSERT OR REPLACE INTO items (k, v) VALUES (?, ?)");
  for (int i = 0; i < rows; ++i) {
    insert.bind(1, std::to_string(random.next_u64()));
    insert.bind(2, std::string(300, static_cast<char>('a' + i % 26)));
    insert.exec();
    insert.reset();
  }
}

}  // namespace emu::testing
