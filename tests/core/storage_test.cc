#include <doctest/doctest.h>

#include <filesystem>

#include "emulator/core/storage.h"

using namespace emu;

TEST_CASE("writes become visible to a new connection only after commit") {
  const auto path = std::filesystem::temp_directory_path() / "emu_storage_test.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  {
    Storage storage(path.string(), "NORMAL");
    storage.db().exec("CREATE TABLE t (v INTEGER)");
    storage.ensure_transaction();
    storage.db().exec("INSERT INTO t VALUES (1)");
    storage.ensure_transaction();  // idempotent
    storage.db().exec("INSERT INTO t VALUES (2)");
    CHECK(storage.in_transaction());
    {
      SQLite::Database reader(path.string(), SQLite::OPEN_READONLY);
      CHECK(reader.execAndGet("SELECT COUNT(*) FROM t").getInt() == 0);
    }
    CHECK(storage.commit());
    CHECK_FALSE(storage.commit());
    CHECK(storage.commits() == 1);
    SQLite::Database reader(path.string(), SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT COUNT(*) FROM t").getInt() == 2);
  }
  CHECK_THROWS(Storage(path.string(), "SOMETIMES"));
}
