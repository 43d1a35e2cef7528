// The WAL write layer (emulator/core/sqlite_wal_batch.h): a commit's frames reach the file in
// one or two system calls, a commit is in the file when it returns (a process that dies right
// after keeps it), and frames a connection holds back are written before anyone reads the WAL.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "emulator/core/random.h"
#include "emulator/core/sqlite_wal_batch.h"
#include "emulator/core/storage.h"
#include "tests/core/sqlite_test_rows.h"

using namespace emu;
using emu::testing::insert_random_rows;

namespace {

std::string fresh_path(const std::string& name) {
  return testing::fresh_sqlite_path("emu_wal_batch_test", name);
}

SQLite::Database open_wal_database(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA wal_autocheckpoint=0");  // the WAL keeps every frame: reads go through it
  db.exec("CREATE TABLE IF NOT EXISTS items (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
  return db;
}

int rows_in(SQLite::Database& db) { return db.execAndGet("SELECT COUNT(*) FROM items").getInt(); }

}  // namespace

TEST_CASE("a commit's frames are written with one or two system calls, not two per page") {
  REQUIRE(sqlite_wal_batch::install());
  CHECK(sqlite_wal_batch::install());  // idempotent
  const std::string path = fresh_path("commits");
  Storage storage(path, "NORMAL");
  storage.db().exec("CREATE TABLE items (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
  storage.commit();
  Random random(11);
  const auto before = sqlite_wal_batch::counts();
  constexpr int kCommits = 100;
  for (int c = 0; c < kCommits; ++c) {
    storage.ensure_transaction();
    insert_random_rows(storage.db(), random, 24);
    storage.commit();
  }
  const auto after = sqlite_wal_batch::counts();
  const auto writes = after.writes - before.writes;
  const auto syscalls = after.syscalls - before.syscalls;
  INFO("writes asked for " << writes << ", system calls " << syscalls);
  // Two writes per frame, and a commit of 24 random rows writes well over ten frames.
  CHECK(writes >= 20u * kCommits);
  CHECK(syscalls <= 2u * kCommits);
  CHECK(storage.db().execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(rows_in(storage.db()) == kCommits * 24);
}

TEST_CASE("a commit is in the file when it returns: a process that dies right after keeps it") {
  REQUIRE(sqlite_wal_batch::install());
  const std::string path = fresh_path("crash");
  constexpr int kCommits = 30;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No destructor, no close, no checkpoint: only what the commits wrote is on file.
    auto* db = new SQLite::Database(open_wal_database(path));
    db->exec("PRAGMA synchronous=NORMAL");  // as `emulator serve`: commits write, never sync
    Random random(5);
    for (int c = 0; c < kCommits; ++c) {
      db->exec("BEGIN");
      insert_random_rows(*db, random, 40);
      db->exec("COMMIT");
    }
    db->exec("BEGIN");
    insert_random_rows(*db, random, 40);  // never committed
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  SQLite::Database db = open_wal_database(path);
  CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
  CHECK(rows_in(db) == kCommits * 40);
}

namespace {

// A WAL file opened through the default VFS (the layer), as SQLite's pager opens one.
struct WalHandle {
  explicit WalHandle(const std::string& database) : vfs(sqlite3_vfs_find(nullptr)) {
    file = static_cast<sqlite3_file*>(std::calloc(1, static_cast<std::size_t>(vfs->szOsFile)));
    name = database + "-wal";
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_WAL;
    REQUIRE(vfs->xOpen(vfs, name.c_str(), file, flags, nullptr) == SQLITE_OK);
  }
  ~WalHandle() {
    file->pMethods->xClose(file);
    std::free(file);
  }
  int write(const std::string& bytes, sqlite3_int64 offset) {
    return file->pMethods->xWrite(file, bytes.data(), static_cast<int>(bytes.size()), offset);
  }
  std::string read(int amount, sqlite3_int64 offset) {
    std::string out(static_cast<std::size_t>(amount), '\0');
    REQUIRE(file->pMethods->xRead(file, out.data(), amount, offset) == SQLITE_OK);
    return out;
  }
  sqlite3_vfs* vfs;
  sqlite3_file* file;
  std::string name;
};

// A WAL frame's 24-byte header: bytes 4-7 hold the database size for a commit's last frame.
std::string frame_header(bool commit) {
  std::string header(24, '\x01');
  for (int i = 4; i < 8; ++i) header[static_cast<std::size_t>(i)] = commit ? '\x02' : '\0';
  return header;
}

}  // namespace

TEST_CASE("held frames: written at a commit's last page, and before any read of the WAL") {
  REQUIRE(sqlite_wal_batch::install());
  const std::string database = fresh_path("frames");
  std::fclose(std::fopen(database.c_str(), "w"));  // the unix VFS gives a WAL its database's mode
  WalHandle writer(database);
  std::string expected;
  const auto write_frame = [&](bool commit, char fill) {
    const std::string frame = frame_header(commit);
    const std::string page(4096, fill);
    REQUIRE(writer.write(frame, static_cast<sqlite3_int64>(expected.size())) == SQLITE_OK);
    REQUIRE(writer.write(page, static_cast<sqlite3_int64>(expected.size() + 24)) == SQLITE_OK);
    expected += frame + page;
  };
  const auto before = sqlite_wal_batch::counts();
  // 40 frames (over 160 KiB: more than one pwrite's worth) held, then a commit frame.
  for (int i = 0; i < 40; ++i) write_frame(false, static_cast<char>('a' + i % 26));
  CHECK(sqlite_wal_batch::counts().bytes == before.bytes);
  CHECK(std::filesystem::file_size(writer.name) == 0);
  write_frame(true, 'z');
  CHECK(std::filesystem::file_size(writer.name) == expected.size());
  CHECK(sqlite_wal_batch::counts().bytes - before.bytes == expected.size());

  // Held again; another connection's handle on the same WAL reads them.
  for (int i = 0; i < 3; ++i) write_frame(false, 'q');
  CHECK(std::filesystem::file_size(writer.name) < expected.size());
  WalHandle reader(database);
  const int tail = 3 * (24 + 4096);
  CHECK(reader.read(tail, static_cast<sqlite3_int64>(expected.size()) - tail) ==
        expected.substr(expected.size() - static_cast<std::size_t>(tail)));
  CHECK(std::filesystem::file_size(writer.name) == expected.size());
}
