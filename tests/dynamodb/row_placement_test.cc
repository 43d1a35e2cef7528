// Where rows go and what is read back: each table's rows in an id range of their own, stream
// records of evicted rows written without reading the rows back, and a row read back and
// changed kept before rows read and not used again.
#include <doctest/doctest.h>

#include <string>

#include "emulator/dynamodb/item_store.h"
#include "emulator/dynamodb/table.h"
#include "tests/dynamodb/wire_side.h"

using namespace emu;
using namespace emu::dynamodb;
using nlohmann::json;
using test::Side;
using test::TempDir;
using test::written_behind;

namespace {

json create_id_table(const std::string& name, bool stream_and_ttl) {
  json body = {{"TableName", name},
               {"AttributeDefinitions", {{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
               {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
               {"BillingMode", "PAY_PER_REQUEST"}};
  if (stream_and_ttl) {
    body["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", "NEW_IMAGE"}};
  }
  return body;
}

// A raw_metrics-like item of about 1 KB.
json put_raw_item(const std::string& table, int row) {
  return {{"TableName", table},
          {"Item",
           {{"id", {{"S", "row-" + std::to_string(row)}}},
            {"exp", {{"N", "4000000000"}}},
            {"payload", {{"S", std::string(1000, static_cast<char>('a' + row % 26))}}}}}};
}

std::int64_t sql_number(Side& side, const std::string& sql) {
  return side.storage->db().execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("each table's rows have ids of their own range, continued after a reopen") {
  TempDir dir("row-ids-");
  Side side(dir.path / "db", written_behind(RowCache::kUnbounded));
  REQUIRE(side.call("DynamoDB_20120810.CreateTable", create_id_table("first", false)).first == 200);
  REQUIRE(side.call("DynamoDB_20120810.CreateTable", create_id_table("second", false)).first ==
          200);
  // Interleaved writes: one global counter would interleave the two tables' rows too.
  for (int row = 0; row < 50; ++row) {
    for (const char* table : {"first", "second"}) {
      REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item(table, row)).first == 200);
    }
  }
  side.close();
  side.open();
  constexpr std::int64_t kRange = ItemStore::kIdsPerTable;
  for (const std::int64_t tbl : {1, 2}) {
    const std::string where = " FROM ddb_items WHERE tbl = " + std::to_string(tbl);
    CHECK(sql_number(side, "SELECT MIN(id)" + where) == tbl * kRange + 1);
    CHECK(sql_number(side, "SELECT MAX(id)" + where) == tbl * kRange + 50);
  }
  // After the reopen, the next row of the first table follows its last one.
  REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("first", 50)).first == 200);
  side.close();
  side.open();
  CHECK(sql_number(side, "SELECT MAX(id) FROM ddb_items WHERE tbl = 1") == kRange + 51);
}

TEST_CASE(
    "a store's ids: a row stored before the ranges keeps its id; each range restarts after its "
    "largest") {
  TempDir dir("row-ids-legacy-");
  Storage storage((dir.path / "db").string(), "OFF");
  const KeyEnc legacy{"legacy", ""}, ranged{"ranged", ""};
  {
    ItemStore store(storage);
    storage.ensure_transaction();
    // Ids below the first range are those of rows stored by earlier builds.
    store.put(1, 7, legacy, Item{}, 10, std::nullopt, 0, false);
    CHECK(store.next_id(1) == ItemStore::kIdsPerTable + 1);
    CHECK(store.next_id(1) == ItemStore::kIdsPerTable + 2);
    CHECK(store.next_id(3) == 3 * ItemStore::kIdsPerTable + 1);
    store.put(1, ItemStore::kIdsPerTable + 40, ranged, Item{}, 10, std::nullopt, 0, false);
  }
  storage.commit();
  ItemStore reopened(storage);
  CHECK(reopened.next_id(1) == ItemStore::kIdsPerTable + 41);
  CHECK(reopened.next_id(2) == 2 * ItemStore::kIdsPerTable + 1);
  CHECK(reopened.get(1, "legacy", "")->id == 7);
}

TEST_CASE("a stream record whose row has left the cache is written whole, the row not read back") {
  TempDir dir("stream-evicted-");
  Side side(dir.path / "db", written_behind(256 * 1024));
  REQUIRE(side.call("DynamoDB_20120810.CreateTable", create_id_table("other", false)).first == 200);
  REQUIRE(side.call("DynamoDB_20120810.CreateTable", create_id_table("raw", true)).first == 200);
  REQUIRE(side.call("DynamoDB_20120810.UpdateTimeToLive",
                    {{"TableName", "raw"},
                     {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "exp"}}}})
              .first == 200);
  // A full cache, as in any long run: clean rows of another table.
  for (int row = 0; row < 250; ++row) {
    REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("other", row)).first == 200);
  }
  constexpr int kFirst = 40, kRecords = 100;
  for (int row = 0; row < kFirst; ++row) {
    REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("raw", row)).first == 200);
  }
  // The TTL sweep writes the table's rows (the store then holds every expiry); their stream
  // records are still in memory. The next rows evict them before the records are written.
  const std::uint64_t written = side.db->row_cache().writes();
  side.scheduler.run_until(side.clock.now() + 61 * kMicrosPerSecond);
  REQUIRE(side.db->row_cache().writes() == written + kFirst);
  for (int row = kFirst; row < kRecords; ++row) {
    REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("raw", row)).first == 200);
  }
  CHECK(side.db->row_cache().loads() == 0);
  // The records, from the store after a reopen, carry every image.
  side.close();
  side.open();
  const json stream =
      side.call("DynamoDBStreams_20120810.ListStreams", json::object()).second["Streams"][0];
  const json shard =
      side.call("DynamoDBStreams_20120810.DescribeStream", {{"StreamArn", stream["StreamArn"]}})
          .second["StreamDescription"]["Shards"][0]["ShardId"];
  json it = side.call("DynamoDBStreams_20120810.GetShardIterator",
                      {{"StreamArn", stream["StreamArn"]},
                       {"ShardId", shard},
                       {"ShardIteratorType", "TRIM_HORIZON"}})
                .second["ShardIterator"];
  int seen = 0;
  while (!it.is_null() && seen < kRecords) {
    const json page =
        side.call("DynamoDBStreams_20120810.GetRecords", {{"ShardIterator", it}, {"Limit", 100}})
            .second;
    for (const auto& record : page["Records"]) {
      CHECK(record["dynamodb"]["NewImage"] == put_raw_item("raw", seen)["Item"]);
      ++seen;
    }
    if (page["Records"].empty()) break;
    it = page["NextShardIterator"];
  }
  CHECK(seen == kRecords);
}

TEST_CASE("a stored row read back and changed once outlasts rows read and not used again") {
  TempDir dir("demote-");
  Side side(dir.path / "db", written_behind(256 * 1024));
  REQUIRE(side.call("DynamoDB_20120810.CreateTable", create_id_table("rows", false)).first == 200);
  constexpr int kFillers = 180;  // about 230 KiB of the 256
  for (int row = 0; row < kFillers; ++row) {
    REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("rows", row)).first == 200);
  }
  const json aggregate_key = {{"id", {{"S", "aggregate"}}}};
  REQUIRE(side.call("DynamoDB_20120810.PutItem",
                    {{"TableName", "rows"},
                     {"Item", {{"id", {{"S", "aggregate"}}}, {"n", {{"N", "1"}}}}}})
              .first == 200);
  side.close();
  side.open();
  const RowCache& cache = side.db->row_cache();
  for (int row = 0; row < kFillers; ++row) {
    const json key = {{"id", {{"S", "row-" + std::to_string(row)}}}};
    REQUIRE(side.call("DynamoDB_20120810.GetItem", {{"TableName", "rows"}, {"Key", key}}).first ==
            200);
  }
  const json update = {{"TableName", "rows"},
                       {"Key", aggregate_key},
                       {"UpdateExpression", "SET n = n + :one"},
                       {"ExpressionAttributeValues", {{":one", {{"N", "1"}}}}}};
  REQUIRE(side.call("DynamoDB_20120810.UpdateItem", update).first == 200);
  REQUIRE(cache.loads() == kFillers + 1);
  // A range read writes the changed row; new rows then take the place of others.
  REQUIRE(side.call("DynamoDB_20120810.Scan", {{"TableName", "rows"}, {"Limit", 1}}).first == 200);
  for (int row = kFillers; row < kFillers + 40; ++row) {
    REQUIRE(side.call("DynamoDB_20120810.PutItem", put_raw_item("rows", row)).first == 200);
  }
  REQUIRE(cache.evictions() > 0);
  const json got =
      side.call("DynamoDB_20120810.GetItem", {{"TableName", "rows"}, {"Key", aggregate_key}})
          .second;
  CHECK(got["Item"]["n"]["N"] == "2");
  CHECK(cache.loads() == kFillers + 1);  // still cached
}
