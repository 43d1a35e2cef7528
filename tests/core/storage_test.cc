#include <doctest/doctest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "emulator/core/clock.h"
#include "emulator/core/storage.h"

using namespace emu;

TEST_CASE("writes become visible to a new connection only after commit") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("emu_storage_test." + std::to_string(::getpid()) + ".db");
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

namespace {

constexpr std::int64_t kWalLimit = 1 << 20;
constexpr int kWalRows = 8000;

// An 8 MB table of kWalRows rows of 1000 bytes, committed.
void fill_wal_table(Storage& storage) {
  storage.db().exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
  storage.ensure_transaction();
  for (int i = 0; i < kWalRows; ++i) {
    storage.db().exec("INSERT INTO t VALUES (" + std::to_string(i) + ", zeroblob(1000))");
  }
  storage.commit();
}

struct WriteVolume {
  std::int64_t written = 0;
  std::int64_t largest_wal = 0;
  Micros slowest_commit = 0;
};

// Updates rows scattered over the table in group commits of 50, back to back, until 40 times
// the table is written (or two minutes pass), noting the largest WAL file seen.
WriteVolume write_scattered(Storage& storage, SQLite::Statement& update, const std::string& blob,
                            const std::string& wal) {
  WriteVolume v;
  std::uint32_t row = 1;
  constexpr std::int64_t kVolume = std::int64_t{40} * kWalRows * 1000;
  const Micros end = wall::monotonic_now() + 120 * kMicrosPerSecond;
  while (wall::monotonic_now() < end && v.written < kVolume) {
    storage.ensure_transaction();
    for (int j = 0; j < 50; ++j) {  // a group commit of 50 rows, anywhere in the table
      row = row * 1664525u + 1013904223u;
      update.bind(1, blob.data(), static_cast<int>(blob.size()));
      update.bind(2, static_cast<int>(row % kWalRows));
      update.exec();
      update.reset();
      v.written += static_cast<std::int64_t>(blob.size());
    }
    const Micros began = wall::monotonic_now();
    storage.commit();
    v.slowest_commit = std::max(v.slowest_commit, wall::monotonic_now() - began);
    std::error_code ec;
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(wal, ec));
    v.largest_wal = std::max(v.largest_wal, ec ? 0 : size);
  }
  return v;
}

// A quiet spell with a commit every 20 ms, as a server between bursts, until the WAL file is
// back under the limit (or five seconds pass); returns its size then.
std::int64_t wal_after_quiet_spell(Storage& storage, SQLite::Statement& update,
                                   const std::string& blob, const std::string& wal,
                                   std::int64_t largest_wal) {
  std::mutex quiet_mutex;
  std::condition_variable quiet;  // never notified: paces the quiet spell's commits
  std::int64_t settled = largest_wal;
  const Micros quiet_end = wall::monotonic_now() + 5 * kMicrosPerSecond;
  while (settled > kWalLimit && wall::monotonic_now() < quiet_end) {
    std::unique_lock<std::mutex> lock(quiet_mutex);
    wall::wait_until(quiet, lock, wall::monotonic_now() + 20 * kMicrosPerMilli);
    storage.ensure_transaction();
    update.bind(1, blob.data(), static_cast<int>(blob.size()));
    update.bind(2, 0);
    update.exec();
    update.reset();
    storage.commit();
    settled = static_cast<std::int64_t>(std::filesystem::file_size(wal));
  }
  return settled;
}

}  // namespace

TEST_CASE("under continuous writes the WAL is checkpointed and truncated: it stays bounded") {
  // Passive checkpoints alone never let SQLite start the WAL over while a writer keeps
  // committing pages all over the database: it grew to 9 GB against a 644 MB database. Here a
  // writer updates rows scattered over an 8 MB table in group commits, back to back, until it
  // has written 40 times the table (by volume, not time: test machines are loaded).
  const auto path = std::filesystem::temp_directory_path() /
                    ("emu_storage_wal_test." + std::to_string(::getpid()) + ".db");
  const std::string wal = path.string() + "-wal";
  for (const auto& p : {path.string(), wal, path.string() + "-shm"}) std::filesystem::remove(p);
  const std::string blob(1000, 'x');
  WriteVolume v;
  {
    Storage storage(path.string(), "NORMAL");
    fill_wal_table(storage);
    storage.start_background_checkpoints(kWalLimit, 20 * kMicrosPerMilli);
    SQLite::Statement update(storage.db(), "UPDATE t SET v = ? WHERE id = ?");
    v = write_scattered(storage, update, blob, wal);
    MESSAGE("wrote " << v.written / (1 << 20) << " MiB of rows; largest WAL "
                     << v.largest_wal / 1024 << " KiB; " << storage.wal_restarts()
                     << " restarts; slowest commit " << v.slowest_commit / 1000 << " ms");
    CHECK(storage.wal_restarts() > 0);
    // The background thread did its share: with passive rounds that never ran, every
    // checkpoint was the writer's, the whole WAL copied and synced inside a commit.
    CHECK(storage.passive_checkpoints() > 0);
    // Then a quiet spell: the WAL file goes back under the limit (it used to keep the largest
    // size it ever reached).
    const std::int64_t settled = wal_after_quiet_spell(storage, update, blob, wal, v.largest_wal);
    MESSAGE("WAL after the writes stopped: " << settled / 1024 << " KiB");
    CHECK(settled <= kWalLimit);
  }
  const auto db_size = static_cast<std::int64_t>(std::filesystem::file_size(path));
  MESSAGE("database " << db_size / 1024 << " KiB");
  // While writing: about the limit plus what a round lets through (rounds are 20 ms here, and
  // this writer is far faster than the emulator's); without the truncation it reached 32 MB
  // and stayed there.
  CHECK(v.written > 30 * db_size);
  CHECK(v.largest_wal <= 4 * kWalLimit + 3 * db_size);
  // The writer itself sees the WAL's frames after each commit (SQLite's WAL hook): far past
  // the limit it waits for the copy and starts the WAL over, so the file never holds more than
  // four times the limit plus one commit (50 rows: about 50 pages).
  CHECK(v.largest_wal <= 4 * kWalLimit + kWalLimit / 4);
  for (const auto& p : {path.string(), wal, path.string() + "-shm"}) std::filesystem::remove(p);
}

TEST_CASE("a new database under NORMAL is set up without syncs; an existing one and FULL are not") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("emu_storage_startup." + std::to_string(::getpid()) + ".db");
  const auto remove_all = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  };
  const auto mode = [](Storage& s) { return s.db().execAndGet("PRAGMA synchronous").getInt(); };
  remove_all();
  {
    Storage fresh(path.string(), "NORMAL");
    CHECK(mode(fresh) == 0);  // OFF while the schema is made
    fresh.ensure_transaction();
    fresh.db().exec("CREATE TABLE t (v INTEGER)");
    fresh.commit();
    fresh.end_startup();
    CHECK(mode(fresh) == 1);  // NORMAL from here on
    fresh.end_startup();      // idempotent
    CHECK(mode(fresh) == 1);
  }
  {
    Storage existing(path.string(), "NORMAL");
    CHECK(mode(existing) == 1);  // a data dir with data never runs without its mode
    CHECK(existing.db().execAndGet("SELECT COUNT(*) FROM t").getInt() == 0);
  }
  remove_all();
  {
    Storage full(path.string(), "FULL");
    CHECK(mode(full) == 2);  // FULL keeps every fsync, the new file's too
  }
  remove_all();
}

TEST_CASE("a store written in place (virtual-time runs) keeps no journal and no one else's lock") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("emu_storage_in_place." + std::to_string(::getpid()) + ".db");
  const auto remove_all = [&] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path.string() + suffix);
    }
  };
  remove_all();
  {
    Storage storage(path.string(), "OFF");
    storage.write_in_place();
    CHECK(storage.db().execAndGet("PRAGMA journal_mode").getString() == "off");
    CHECK(storage.db().execAndGet("PRAGMA locking_mode").getString() == "exclusive");
    storage.ensure_transaction();
    storage.db().exec("CREATE TABLE t (v BLOB)");
    for (int i = 0; i < 200; ++i) storage.db().exec("INSERT INTO t VALUES (zeroblob(1000))");
    CHECK(storage.commit());
    // Pages went to the database file itself: no WAL, no rollback journal copied them first.
    CHECK(std::filesystem::file_size(path) > 200 * 1000);
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    CHECK_FALSE(std::filesystem::exists(path.string() + "-journal"));
    // The lock is kept between transactions: another connection cannot read meanwhile.
    SQLite::Database other(path.string(), SQLite::OPEN_READONLY);
    CHECK_THROWS(other.execAndGet("SELECT COUNT(*) FROM t"));
  }
  SQLite::Database after(path.string(), SQLite::OPEN_READONLY);
  CHECK(after.execAndGet("SELECT COUNT(*) FROM t").getInt() == 200);
  remove_all();

  Storage memory(":memory:", "OFF");  // the in-process harness's store (tests/pipeline)
  memory.write_in_place();
  CHECK(memory.db().execAndGet("PRAGMA journal_mode").getString() == "off");
}
