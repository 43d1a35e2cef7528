#include <doctest/doctest.h>

#include <filesystem>

#include "emulator/core/durable_state.h"

using namespace emu;

namespace {

std::filesystem::path fresh_db(const char* name) {
  const auto path = std::filesystem::temp_directory_path() / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path;
}

}  // namespace

TEST_CASE("a tracked value is saved with the commit that follows its change, and only then") {
  const auto path = fresh_db("emu_durable_state_test.db");
  std::uint64_t version = 0;
  int value = 0, snapshots = 0;
  {
    Storage storage(path.string(), "NORMAL");
    DurableState state(storage);
    state.track("counter", [&] { return version; }, [&] {
      ++snapshots;
      return nlohmann::json(value);
    });
    storage.commit();
    CHECK(snapshots == 0);  // unchanged since tracked: nothing written
    value = 7;
    ++version;
    CHECK(storage.commit());  // the hook opened a transaction to save it
    CHECK(snapshots == 1);
    CHECK_FALSE(storage.commit());  // nothing changed: no transaction, no snapshot
    CHECK(snapshots == 1);
    value = 8;
    ++version;
  }  // destroyed without a commit: the last change is saved by the destructors
  Storage storage(path.string(), "NORMAL");
  DurableState state(storage);
  REQUIRE(state.load("counter").has_value());
  CHECK(*state.load("counter") == 8);
  CHECK_FALSE(state.load("missing").has_value());
}

TEST_CASE("each opening of a data dir is counted, and later starts draw other ids") {
  const auto path = fresh_db("emu_durable_starts_test.db");
  std::uint64_t first = 0, second = 0;
  {
    Storage storage(path.string(), "NORMAL");
    first = DurableState::count_start(storage);
  }
  {
    Storage storage(path.string(), "NORMAL");
    second = DurableState::count_start(storage);
  }
  CHECK(first == 1);
  CHECK(second == 2);
  // The first start keeps the seed's own stream (in-process runs stay reproducible)...
  CHECK(random_for_start(42, 1).uuid_v4() == Random(42).uuid_v4());
  // ...and every later one draws ids nobody drew before.
  CHECK(random_for_start(42, 2).uuid_v4() != Random(42).uuid_v4());
  CHECK(random_for_start(42, 2).uuid_v4() != random_for_start(42, 3).uuid_v4());
  CHECK(random_for_start(42, 2).uuid_v4() == random_for_start(42, 2).uuid_v4());
}

TEST_CASE("a data dir in another format or with damaged state is refused, not misread") {
  const auto path = fresh_db("emu_durable_format_test.db");
  {
    Storage storage(path.string(), "NORMAL");
    DurableState state(storage);
    storage.commit();
    storage.db().exec("UPDATE emu_state SET value = '99' WHERE name = 'format'");
    storage.db().exec("INSERT INTO emu_state VALUES ('broken', '{not json')");
  }
  Storage storage(path.string(), "NORMAL");
  CHECK_THROWS_AS(DurableState{storage}, DataDirError);
  storage.db().exec("UPDATE emu_state SET value = '2' WHERE name = 'format'");
  DurableState state(storage);
  CHECK_THROWS_AS(state.load("broken"), DataDirError);
}

TEST_CASE("state written by a build that kept no format number is refused") {
  const auto path = fresh_db("emu_durable_unversioned_test.db");
  Storage storage(path.string(), "NORMAL");
  storage.db().exec("CREATE TABLE ddb_items (id INTEGER PRIMARY KEY, tbl TEXT, item BLOB)");
  try {
    DurableState state(storage);
    FAIL("an unversioned data dir was accepted");
  } catch (const DataDirError& e) {
    CHECK(std::string(e.what()).find("older emulator") != std::string::npos);
  }
}
