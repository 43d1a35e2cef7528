#include <doctest/doctest.h>

#include <filesystem>

#include "emulator/core/config.h"
#include "emulator/dynamodb/seed_tables.h"
#include "emulator/dynamodb/wire.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using emu::dynamodb::test::item_of;
using emu::dynamodb::test::kStart;

namespace {

std::string raw_item(const std::string& id, std::int64_t expdate) {
  return "{\"uuid\":{\"S\":\"" + id + "\"},\"expdate\":{\"N\":\"" + std::to_string(expdate) +
         "\"},\"raw\":{\"S\":\"{}\"}}";
}

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("ddb-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

}  // namespace

TEST_CASE("TTL: expired items are deleted at the first sweep after expiry, with REMOVE records") {
  Fixture f;
  create_seed_tables(*f.db, Config::defaults(), f.now());
  const std::int64_t now_s = kStart / kMicrosPerSecond;
  REQUIRE(f.put("raw_metrics", raw_item("soon", now_s + 90).c_str()).ok());
  REQUIRE(f.put("raw_metrics", raw_item("later", now_s + 86400).c_str()).ok());
  REQUIRE(f.put("raw_metrics", raw_item("ancient", now_s - 6LL * 365 * 86400).c_str()).ok());
  Stream* stream = f.db->stream_for_table("raw_metrics");
  REQUIRE(stream);
  const auto before = stream->latest_sequence();
  // Sweeps run every 60 s: at +60 the item is not yet expired; at +120 it is deleted.
  f.scheduler.run_until(kStart + seconds(60));
  CHECK(f.get("raw_metrics", R"({"uuid":{"S":"soon"}})"));
  f.scheduler.run_until(kStart + seconds(119));
  CHECK(f.get("raw_metrics", R"({"uuid":{"S":"soon"}})"));  // expired but not yet swept
  f.scheduler.run_until(kStart + seconds(120));
  CHECK_FALSE(f.get("raw_metrics", R"({"uuid":{"S":"soon"}})"));
  CHECK(f.get("raw_metrics", R"({"uuid":{"S":"later"}})"));
  CHECK(f.get("raw_metrics", R"({"uuid":{"S":"ancient"}})"));  // >= 5 years old: never expired
  auto records = stream->read(before, 10);
  REQUIRE(records.size() == 1);
  CHECK(records[0]->event == EventName::kRemove);
  CHECK(records[0]->ttl_delete);
  CHECK(records[0]->created == kStart + seconds(120));
  const auto rendered = render_stream_record(*records[0], *stream, "ca-central-1");
  CHECK(rendered["eventName"] == "REMOVE");
  CHECK(rendered["userIdentity"] ==
        nlohmann::json({{"type", "Service"}, {"principalId", "dynamodb.amazonaws.com"}}));
  CHECK(rendered["dynamodb"]["Keys"]["uuid"]["S"] == "soon");
  CHECK_FALSE(rendered["dynamodb"].contains("OldImage"));  // NEW_IMAGE view: no old image
  CHECK(f.db->state()["tables"]["raw_metrics"]["ttl_deleted"] == 1);
}

TEST_CASE("TTL: a configured deletion delay postpones expiry") {
  DatabaseOptions options;
  options.ttl_deletion_delay = seconds(3600);
  Fixture f(":memory:", options);
  create_seed_tables(*f.db, Config::defaults(), f.now());
  REQUIRE(f.put("raw_metrics", raw_item("x", kStart / kMicrosPerSecond + 10).c_str()).ok());
  f.scheduler.run_until(kStart + seconds(3600));
  CHECK(f.get("raw_metrics", R"({"uuid":{"S":"x"}})"));
  f.scheduler.run_until(kStart + seconds(3660));
  CHECK_FALSE(f.get("raw_metrics", R"({"uuid":{"S":"x"}})"));
}

TEST_CASE("UpdateTimeToLive and DescribeTimeToLive, with AWS's once-an-hour rule") {
  Fixture f;
  f.make_table("t");
  CHECK(f.db->describe_time_to_live("t", f.now())->time_to_live_status == "DISABLED");
  REQUIRE(f.db->update_time_to_live({"t", true, "exp"}, f.now()).ok());
  auto d = f.db->describe_time_to_live("t", f.now());
  CHECK(d->time_to_live_status == "ENABLED");
  CHECK(d->attribute_name == "exp");
  CHECK(f.db->update_time_to_live({"t", true, "exp"}, f.now()).error().message ==
        "TimeToLive is already enabled");
  CHECK(f.db->update_time_to_live({"t", false, "exp"}, f.now()).error().message ==
        "Time to live has been modified multiple times within a fixed interval");
  f.clock.advance_to(f.now() + kMicrosPerHour);
  CHECK(f.db->update_time_to_live({"t", false, "exp"}, f.now()).ok());
}

TEST_CASE("streams: per-item order, images per view type, no record for a no-op write") {
  Fixture f;
  f.make_table("t", false, true);
  Stream* s = f.db->stream_for_table("t");
  REQUIRE(s);
  int notified = 0;
  s->subscribe([&](const StreamRecord&) { ++notified; });
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"1"}})").ok());
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"1"}})").ok());  // identical: no record
  REQUIRE(f.put("t", R"({"id":{"S":"a"},"v":{"N":"2"}})").ok());
  DeleteItemRequest del;
  del.table_name = "t";
  del.key = item_of(R"({"id":{"S":"a"}})");
  REQUIRE(f.db->delete_item(del, f.now()).ok());
  REQUIRE(f.db->delete_item(del, f.now()).ok());  // nothing to delete: no record
  // Copies: a later read() reuses the stream's buffer.
  std::vector<StreamRecord> records;
  for (const StreamRecord* r : s->read(0, 100)) records.push_back(*r);
  REQUIRE(records.size() == 3);
  CHECK(notified == 3);
  CHECK(records[0].event == EventName::kInsert);
  CHECK(records[1].event == EventName::kModify);
  CHECK(records[2].event == EventName::kRemove);
  CHECK(records[0].sequence < records[1].sequence);
  CHECK(records[1].old_image->at("v").scalar() == "1");
  CHECK(records[1].new_image->at("v").scalar() == "2");
  CHECK_FALSE(records[2].new_image);
  // While in memory, the record shares the table's image rather than copying it.
  REQUIRE(f.put("t", R"({"id":{"S":"b"},"v":{"N":"1"}})").ok());
  const ItemPtr image = s->read(s->latest_sequence() - 1, 1)[0]->new_image;
  CHECK(image.get() == test::stored_rows(*f.db, "t")[0].item.get());
  CHECK(sequence_number_text(records[0].sequence).size() == 21);
  // The flush above wrote the records and let them go from memory: they come back from the
  // store, the same records.
  CHECK(s->memory_records() == 0);
  const auto again = s->read(records[1].sequence, 1);
  REQUIRE(again.size() == 1);
  CHECK(again[0]->sequence == records[2].sequence);
  CHECK(again[0]->event == EventName::kRemove);
  CHECK(*again[0]->keys == *records[2].keys);
  CHECK(*again[0]->old_image == *records[2].old_image);
  CHECK(*s->read(s->latest_sequence() - 1, 1)[0]->new_image == *image);
}

TEST_CASE("streams: 24 h retention and dropping records every consumer has passed") {
  Fixture f;
  f.make_table("t", false, true);
  Stream* s = f.db->stream_for_table("t");
  REQUIRE(f.put("t", R"({"id":{"S":"a"}})").ok());
  f.clock.advance_to(kStart + kMicrosPerHour);
  REQUIRE(f.put("t", R"({"id":{"S":"b"}})").ok());
  f.scheduler.run_until(kStart + 24 * kMicrosPerHour + 30 * kMicrosPerMinute);
  CHECK(s->size() == 1);  // the first record is older than 24 h
  CHECK(s->first_sequence() == 2);
  s->set_drop_consumed(true);
  const auto consumer = s->register_consumer();
  REQUIRE(f.put("t", R"({"id":{"S":"c"}})").ok());
  s->checkpoint(consumer, 2);
  f.db->sweep(f.now());
  CHECK(s->size() == 1);
  CHECK(s->first_sequence() == 3);
}

TEST_CASE("persistence: tables, items, TTL settings and streams survive a restart") {
  TempDir dir;
  const std::string path = (dir.path / "emulator.db").string();
  std::uint64_t latest = 0;
  {
    Fixture f(path);
    create_seed_tables(*f.db, Config::defaults(), f.now());
    REQUIRE(f.put("raw_metrics", raw_item("a", kStart / kMicrosPerSecond + 60).c_str()).ok());
    REQUIRE(f.put("raw_metrics", raw_item("b", kStart / kMicrosPerSecond + 9999).c_str()).ok());
    UpdateItemRequest u;
    u.table_name = "aggregate_metrics";
    u.key = item_of(R"({"pk":{"S":"ON"},"sk":{"S":"x"}})");
    u.update_expression = "SET identifier = :i, metricCount = :n";
    u.attributes.values = item_of(R"({":i":{"S":"id"},":n":{"N":"12345678901234567890"}})");
    REQUIRE(f.db->update_item(u, f.now()).ok());
    CreateTableRequest mem;
    mem.table_name = "scratch";
    mem.attribute_definitions = {{"id", Type::kS}};
    mem.key_schema = {{"id", "HASH"}};
    mem.billing_mode = BillingMode::kPayPerRequest;
    mem.persist = false;
    REQUIRE(f.db->create_table(mem, f.now()).ok());
    REQUIRE(f.put("scratch", R"({"id":{"S":"gone"}})").ok());
    latest = f.db->stream_for_table("raw_metrics")->latest_sequence();
    f.storage->commit();
  }
  Fixture g(path);
  CHECK_FALSE(g.db->has_table("scratch"));
  create_seed_tables(*g.db, Config::defaults(), g.now());  // no-op: tables exist
  CHECK(g.get("raw_metrics", R"({"uuid":{"S":"a"}})"));
  CHECK(g.get("aggregate_metrics", R"({"pk":{"S":"ON"},"sk":{"S":"x"}})")
            ->at("metricCount")
            .scalar() == "12345678901234567890");
  CHECK(g.db->table("aggregate_metrics")->index("IdentifierIndex")->stats.items == 1);
  CHECK(test::stored_entries(*g.db, "aggregate_metrics").size() == 1);
  CHECK(g.db->table("raw_metrics")->schema().ttl_enabled);
  Stream* s = g.db->stream_for_table("raw_metrics");
  REQUIRE(s);
  CHECK(s->latest_sequence() == latest);
  CHECK(s->read(0, 10).size() == 2);
  REQUIRE(g.put("raw_metrics", raw_item("c", 1).c_str()).ok());
  CHECK(s->latest_sequence() == latest + 1);    // numbering continues
  g.scheduler.run_until(kStart + seconds(60));  // the reloaded TTL index expires "a"
  CHECK_FALSE(g.get("raw_metrics", R"({"uuid":{"S":"a"}})"));
  g.storage->commit();
  g.db.reset();
  g.storage.reset();
  // Third start: the INSERT of "a" (a pointer to its row until the row was deleted) kept the
  // row's content before the delete, so the whole retained history is back, in order.
  Fixture h(path);
  Stream* hs = h.db->stream_for_table("raw_metrics");
  REQUIRE(hs);
  auto records = hs->read(0, 10);
  REQUIRE(records.size() == 4);
  CHECK(records[0]->event == EventName::kInsert);
  CHECK(records[0]->new_image->at("uuid").scalar() == "a");
  CHECK(records[0]->new_image->at("raw").scalar() == "{}");
  CHECK(records[1]->new_image->at("uuid").scalar() == "b");
  CHECK(records[2]->new_image->at("uuid").scalar() == "c");
  CHECK(records[3]->event == EventName::kRemove);
  CHECK(records[3]->ttl_delete);
  for (std::size_t i = 1; i < records.size(); ++i) {
    CHECK(records[i]->sequence == records[i - 1]->sequence + 1);
  }
}

namespace {

std::int64_t stored_items(Storage& storage, const char* table) {
  SQLite::Statement st(storage.db(),
                       "SELECT COUNT(*) FROM ddb_items WHERE tbl = (SELECT "
                       "json_extract(schema, '$.number') FROM ddb_tables WHERE name = ?)");
  st.bind(1, table);
  st.executeStep();
  return st.getColumn(0).getInt64();
}

}  // namespace

TEST_CASE("deferred writes: nothing reaches SQLite until a flush, which a restart reloads") {
  TempDir dir;
  const std::string path = (dir.path / "emulator.db").string();
  DatabaseOptions deferred;
  deferred.write_through = false;
  std::uint64_t latest = 0;
  {
    Fixture f(path, deferred);
    create_seed_tables(*f.db, Config::defaults(), f.now());
    for (const char* id : {"a", "b", "c"}) {
      REQUIRE(f.put("raw_metrics", raw_item(id, kStart / kMicrosPerSecond + 9999).c_str()).ok());
    }
    DeleteItemRequest d;
    d.table_name = "raw_metrics";
    d.key = item_of(R"({"uuid":{"S":"b"}})");
    REQUIRE(f.db->delete_item(d, f.now()).ok());
    UpdateItemRequest u;
    u.table_name = "aggregate_metrics";
    u.key = item_of(R"({"pk":{"S":"ON"},"sk":{"S":"x"}})");
    u.update_expression = "SET identifier = :i, metricCount = :n";
    u.attributes.values = item_of(R"({":i":{"S":"id"},":n":{"N":"7"}})");
    REQUIRE(f.db->update_item(u, f.now()).ok());
    f.storage->commit();
    CHECK(stored_items(*f.storage, "raw_metrics") == 0);
    CHECK(stored_items(*f.storage, "aggregate_metrics") == 0);
    f.db->flush();
    f.storage->commit();
    CHECK(stored_items(*f.storage, "raw_metrics") == 2);
    CHECK(stored_items(*f.storage, "aggregate_metrics") == 1);
    f.db->flush();  // nothing pending: nothing changes
    f.storage->commit();
    CHECK(stored_items(*f.storage, "raw_metrics") == 2);
    latest = f.db->stream_for_table("raw_metrics")->latest_sequence();
  }
  Fixture g(path);  // write-through from here on
  CHECK(g.get("raw_metrics", R"({"uuid":{"S":"a"}})"));
  CHECK_FALSE(g.get("raw_metrics", R"({"uuid":{"S":"b"}})"));
  const auto agg = g.get("aggregate_metrics", R"({"pk":{"S":"ON"},"sk":{"S":"x"}})");
  REQUIRE(agg);
  CHECK(agg->at("metricCount").scalar() == "7");
  Stream* s = g.db->stream_for_table("raw_metrics");
  REQUIRE(s);
  CHECK(s->latest_sequence() == latest);
  const auto records = s->read(0, 10);
  REQUIRE(records.size() == 4);  // three INSERTs and the REMOVE, in order
  CHECK(records[3]->event == EventName::kRemove);
  // Rows got rowids: a write-through update after the reload replaces the row, not adds one.
  REQUIRE(g.put("raw_metrics", raw_item("a", 5).c_str()).ok());
  g.storage->commit();
  CHECK(stored_items(*g.storage, "raw_metrics") == 2);
}
