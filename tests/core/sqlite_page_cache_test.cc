// The page-cache layer (emulator/core/sqlite_page_cache.h): commits that split b-tree pages no
// longer make pcache1 walk its whole hash table, and a truncate that has pages to drop (a
// rollback of a transaction that grew the file) still drops them.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "emulator/core/random.h"
#include "emulator/core/sqlite_page_cache.h"
#include "emulator/core/storage.h"
#include "tests/core/sqlite_test_rows.h"

using namespace emu;
using emu::testing::insert_random_rows;

namespace {

std::string fresh_path(const std::string& name) {
  return testing::fresh_sqlite_path("emu_page_cache_test", name);
}

// A WAL database at `path` with `rows` random rows committed in one transaction.
SQLite::Database database_with_rows(const std::string& path, std::uint64_t seed, int rows) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("CREATE TABLE items (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
  Random random(seed);
  db.exec("BEGIN");
  insert_random_rows(db, random, rows);
  db.exec("COMMIT");
  return db;
}

std::string integrity(SQLite::Database& db) {
  return db.execAndGet("PRAGMA integrity_check").getString();
}

}  // namespace

TEST_CASE("installed before the first connection; commits that split pages skip the scan") {
  REQUIRE(sqlite_page_cache::install());
  CHECK(sqlite_page_cache::install());  // idempotent
  const std::string path = fresh_path("commits");
  Storage storage(path, "NORMAL");
  storage.db().exec("CREATE TABLE items (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
  Random random(7);
  const auto before = sqlite_page_cache::counts();
  constexpr int kCommits = 200;
  for (int c = 0; c < kCommits; ++c) {
    storage.ensure_transaction();
    insert_random_rows(storage.db(), random, 50);
    storage.commit();
  }
  const auto after = sqlite_page_cache::counts();
  // Every commit truncates the cache once; with pcache1 alone each of them after a split of
  // reordered pages walked the whole hash table.
  CHECK(after.skipped - before.skipped >= kCommits * 9 / 10);
  CHECK(after.forwarded - before.forwarded <= kCommits / 10);
  CHECK(integrity(storage.db()) == "ok");
  CHECK(storage.db().execAndGet("SELECT COUNT(*) FROM items").getInt() == kCommits * 50);
}

TEST_CASE("a rollback that shrinks the file still drops its pages from the cache") {
  REQUIRE(sqlite_page_cache::install());
  const std::string path = fresh_path("rollback");
  SQLite::Database db = database_with_rows(path, 11, 500);
  Random random(12);
  const int pages = db.execAndGet("PRAGMA page_count").getInt();

  // A transaction that appends some dozens of pages (fewer than the layer keeps numbers for),
  // then rolls back: those pages are past the file's end again and must leave the cache.
  const auto before = sqlite_page_cache::counts();
  db.exec("BEGIN");
  insert_random_rows(db, random, 300);
  CHECK(db.execAndGet("PRAGMA page_count").getInt() > pages + 10);
  db.exec("ROLLBACK");
  CHECK(sqlite_page_cache::counts().forwarded > before.forwarded);
  CHECK(db.execAndGet("PRAGMA page_count").getInt() == pages);

  // The file grows again over the same page numbers, with other rows.
  db.exec("BEGIN");
  SQLite::Statement insert(db, "INSERT INTO items (k, v) VALUES (?, ?)");
  for (int i = 0; i < 3000; ++i) {
    insert.bind(1, "z" + std::to_string(i));
    insert.bind(2, std::string(300, 'z'));
    insert.exec();
    insert.reset();
  }
  db.exec("COMMIT");
  CHECK(integrity(db) == "ok");
  CHECK(db.execAndGet("SELECT COUNT(*) FROM items").getInt() == 3500);
  SQLite::Database reader(path, SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("SELECT COUNT(*) FROM items WHERE k LIKE 'z%'").getInt() == 3000);
}

TEST_CASE("another connection's commit still empties this connection's cache") {
  REQUIRE(sqlite_page_cache::install());
  const std::string path = fresh_path("two_connections");
  // After its commit the writer's cache has a mark and holds every page.
  SQLite::Database writer = database_with_rows(path, 13, 2000);
  CHECK(writer.execAndGet("SELECT COUNT(*) FROM items WHERE v LIKE 'b%'").getInt() > 0);

  // SQLite sees the other connection's commit at the next read and clears the whole cache
  // (a truncate to page 1): skipping that would answer from stale pages.
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  other.exec("UPDATE items SET v = 'updated'");
  CHECK(writer.execAndGet("SELECT COUNT(*) FROM items WHERE v = 'updated'").getInt() == 2000);
  CHECK(integrity(writer) == "ok");
}
