// The row cache changes nothing but memory: two databases take the same random sequence of
// requests over the wire (puts, conditional updates, deletes, gets, batches, paginated queries
// on the table and its global and local indexes, paginated and segmented scans, TTL expiry on
// the virtual clock, stream reads from TRIM_HORIZON, a close and reopen half-way), one with a
// cache of a few tens of KiB written behind, the other unbounded and written through, and
// every answer, every consumed capacity and every stream record must be the same.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "tests/dynamodb/wire_side.h"

using namespace emu;
using namespace emu::dynamodb;
using nlohmann::json;
using test::Side;
using test::written_behind;

namespace {

const char* kDifferentialTable = "differential";

// A cache that holds everything, written through (test::written_behind is the other side).
DatabaseOptions unbounded_cache() {
  DatabaseOptions o;
  o.cache_bytes = RowCache::kUnbounded;
  return o;
}
struct Pair {
  Side& small;
  Side& large;
  std::size_t calls = 0;

  // Both answer alike; returns the answer.
  json same(const std::string& op, const json& body) {
    const std::string target = op.find('.') == std::string::npos ? "DynamoDB_20120810." + op : op;
    const auto a = small.call(target, body);
    const auto b = large.call(target, body);
    ++calls;
    INFO("call ", calls, ": ", op, " ", body.dump());
    CHECK(a.first == b.first);
    CHECK(a.second == b.second);
    return b.second;
  }

  // Every page of a paginated Query or Scan, compared page by page.
  void all_pages(const std::string& op, json body) {
    for (int page = 0; page < 1000; ++page) {
      const json answer = same(op, body);
      if (!answer.contains("LastEvaluatedKey")) return;
      body["ExclusiveStartKey"] = answer["LastEvaluatedKey"];
    }
    FAIL("pagination did not end");
  }

  void advance(Micros by) {
    const Micros to = large.clock.now() + by;
    small.scheduler.run_until(to);
    large.scheduler.run_until(to);
    small.storage->commit();
    large.storage->commit();
  }

  // Every retained stream record, read from TRIM_HORIZON, page by page.
  void stream_records() {
    const json streams = same("DynamoDBStreams_20120810.ListStreams", json::object());
    for (const auto& s : streams["Streams"]) {
      const json described = same("DynamoDBStreams_20120810.DescribeStream",
                                  {{"StreamArn", s["StreamArn"]}});
      const auto shard = described["StreamDescription"]["Shards"][0]["ShardId"];
      json it = same("DynamoDBStreams_20120810.GetShardIterator",
                     {{"StreamArn", s["StreamArn"]}, {"ShardId", shard},
                      {"ShardIteratorType", "TRIM_HORIZON"}})["ShardIterator"];
      for (int page = 0; page < 1000 && !it.is_null(); ++page) {
        const json records = same("DynamoDBStreams_20120810.GetRecords",
                                  {{"ShardIterator", it}, {"Limit", 37}});
        if (records["Records"].empty()) break;
        it = records.value("NextShardIterator", json());
      }
    }
  }
};

json key(Random& r) {
  return {{"id", {{"S", "p" + std::to_string(r.below(40))}}},
          {"sk", {{"S", "s" + std::to_string(r.below(12))}}}};
}

json item(Random& r, Micros now) {
  json i = key(r);
  i["g"] = {{"S", "g" + std::to_string(r.below(5))}};
  i["n"] = {{"N", std::to_string(r.below(1000))}};
  i["payload"] = {{"S", std::string(r.below(3000), static_cast<char>('a' + r.below(26)))}};
  if (r.bernoulli(0.3)) {
    i["exp"] = {{"N", std::to_string(now / kMicrosPerSecond + static_cast<std::int64_t>(r.below(600)))}};
  }
  return i;
}

const json kCapacity = "INDEXES";

void put_item(Pair& p, Random& r, Micros now) {
  json body = {{"TableName", kDifferentialTable},
               {"Item", item(r, now)},
               {"ReturnValues", "ALL_OLD"},
               {"ReturnConsumedCapacity", kCapacity}};
  if (r.bernoulli(0.3)) body["ConditionExpression"] = "attribute_not_exists(id)";
  p.same("PutItem", body);
}

void update_item(Pair& p, Random& r) {
  p.same("UpdateItem", {{"TableName", kDifferentialTable},
                        {"Key", key(r)},
                        {"UpdateExpression", "SET n = if_not_exists(n, :zero) + :d, g = :g"},
                        {"ConditionExpression", "attribute_not_exists(n) OR n < :max"},
                        {"ExpressionAttributeValues",
                         {{":zero", {{"N", "0"}}},
                          {":d", {{"N", std::to_string(r.below(50))}}},
                          {":g", {{"S", "g" + std::to_string(r.below(5))}}},
                          {":max", {{"N", "900"}}}}},
                        {"ReturnValues", r.bernoulli(0.5) ? "ALL_NEW" : "UPDATED_OLD"},
                        {"ReturnConsumedCapacity", kCapacity}});
}

void query_table(Pair& p, Random& r) {
  p.all_pages("Query", {{"TableName", kDifferentialTable},
                        {"KeyConditionExpression", "id = :id AND sk BETWEEN :a AND :b"},
                        {"ExpressionAttributeValues",
                         {{":id", key(r)["id"]}, {":a", {{"S", "s1"}}}, {":b", {{"S", "s7"}}}}},
                        {"ScanIndexForward", r.bernoulli(0.5)},
                        {"Limit", 1 + r.below(4)},
                        {"ReturnConsumedCapacity", kCapacity}});
}

// The local index, with table fetches (Select ALL_ATTRIBUTES) now and then.
void query_local_index(Pair& p, Random& r) {
  json body = {{"TableName", kDifferentialTable},
               {"IndexName", "byN"},
               {"KeyConditionExpression", "id = :id AND n < :n"},
               {"ExpressionAttributeValues",
                {{":id", key(r)["id"]}, {":n", {{"N", std::to_string(r.below(1000))}}}}},
               {"ConsistentRead", r.bernoulli(0.5)},
               {"ScanIndexForward", r.bernoulli(0.5)},
               {"Limit", 1 + r.below(5)},
               {"ReturnConsumedCapacity", kCapacity}};
  if (r.bernoulli(0.3)) body["Select"] = "ALL_ATTRIBUTES";
  p.all_pages("Query", body);
}

void query_index(Pair& p, Random& r) {
  if (r.bernoulli(0.5)) return query_local_index(p, r);
  p.all_pages("Query", {{"TableName", kDifferentialTable},
                        {"IndexName", "byG"},
                        {"KeyConditionExpression", "g = :g AND n > :n"},
                        {"ExpressionAttributeValues",
                         {{":g", {{"S", "g" + std::to_string(r.below(5))}}},
                          {":n", {{"N", std::to_string(r.below(500))}}}}},
                        {"ScanIndexForward", r.bernoulli(0.5)},
                        {"Limit", 1 + r.below(7)},
                        {"ReturnConsumedCapacity", kCapacity}});
}

void scan(Pair& p, Random& r) {
  json body = {{"TableName", kDifferentialTable},
               {"Limit", 1 + r.below(30)},
               {"FilterExpression", "n > :n"},
               {"ExpressionAttributeValues", {{":n", {{"N", std::to_string(r.below(900))}}}}},
               {"ReturnConsumedCapacity", kCapacity}};
  if (r.bernoulli(0.3)) body["IndexName"] = r.bernoulli(0.5) ? "byG" : "byN";
  if (r.bernoulli(0.3)) {
    body["Segment"] = r.below(3);
    body["TotalSegments"] = 3;
  }
  p.all_pages("Scan", body);
}

void batch_write_and_get(Pair& p, Random& r, Micros now) {
  json writes = json::array(), keys = json::array();
  for (int i = 0; i < 5; ++i) {
    writes.push_back(r.bernoulli(0.7) ? json{{"PutRequest", {{"Item", item(r, now)}}}}
                                      : json{{"DeleteRequest", {{"Key", key(r)}}}});
    keys.push_back(key(r));
  }
  // A batch naming one key twice is refused alike on both sides too.
  p.same("BatchWriteItem",
         {{"RequestItems", {{kDifferentialTable, writes}}}, {"ReturnConsumedCapacity", "TOTAL"}});
  p.same("BatchGetItem", {{"RequestItems", {{kDifferentialTable, {{"Keys", keys}}}}},
                          {"ReturnConsumedCapacity", "TOTAL"}});
}

void one_operation(Pair& p, Random& r) {
  const Micros now = p.large.clock.now();
  switch (r.below(10)) {
    case 0:
    case 1: put_item(p, r, now); break;
    case 2:
    case 3: update_item(p, r); break;
    case 4:
      p.same("DeleteItem", {{"TableName", kDifferentialTable},
                            {"Key", key(r)},
                            {"ReturnValues", "ALL_OLD"},
                            {"ReturnConsumedCapacity", kCapacity}});
      break;
    case 5:
      p.same("GetItem", {{"TableName", kDifferentialTable},
                         {"Key", key(r)},
                         {"ConsistentRead", true},
                         {"ReturnConsumedCapacity", kCapacity}});
      break;
    case 6: query_table(p, r); break;
    case 7: query_index(p, r); break;
    case 8: scan(p, r); break;
    default: batch_write_and_get(p, r, now);
  }
}

}  // namespace

TEST_CASE("a tiny row cache, written behind, answers exactly as an unbounded one") {
  int anchor = 0;  // its address names the directory (unique among concurrent test runs)
  const auto dir = std::filesystem::temp_directory_path() /
                   ("emu-cache-diff-" + std::to_string(reinterpret_cast<std::uintptr_t>(&anchor)));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    Side small(dir / "small.db", written_behind(24 * 1024)),
        large(dir / "large.db", unbounded_cache());
    Pair p{small, large};
    p.same("CreateTable",
           {{"TableName", kDifferentialTable},
            {"AttributeDefinitions",
             {{{"AttributeName", "id"}, {"AttributeType", "S"}},
              {{"AttributeName", "sk"}, {"AttributeType", "S"}},
              {{"AttributeName", "g"}, {"AttributeType", "S"}},
              {{"AttributeName", "n"}, {"AttributeType", "N"}}}},
            {"KeySchema",
             {{{"AttributeName", "id"}, {"KeyType", "HASH"}},
              {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
            {"LocalSecondaryIndexes",
             {{{"IndexName", "byN"},
               {"KeySchema",
                {{{"AttributeName", "id"}, {"KeyType", "HASH"}},
                 {{"AttributeName", "n"}, {"KeyType", "RANGE"}}}},
               {"Projection", {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"g"}}}}}}},
            {"GlobalSecondaryIndexes",
             {{{"IndexName", "byG"},
               {"KeySchema",
                {{{"AttributeName", "g"}, {"KeyType", "HASH"}},
                 {{"AttributeName", "n"}, {"KeyType", "RANGE"}}}},
               {"Projection", {{"ProjectionType", "ALL"}}}}}},
            {"BillingMode", "PAY_PER_REQUEST"},
            {"StreamSpecification",
             {{"StreamEnabled", true}, {"StreamViewType", "NEW_AND_OLD_IMAGES"}}}});
    REQUIRE(small.db->has_table(kDifferentialTable));
    p.same("UpdateTimeToLive",
           {{"TableName", kDifferentialTable},
            {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "exp"}}}});
    Random r(20210627);
    for (int i = 0; i < 2400; ++i) {
      one_operation(p, r);
      if (r.bernoulli(0.05)) p.advance(seconds(static_cast<double>(r.below(120))));
      if (i % 400 == 399) p.stream_records();
      if (i == 1200) {  // close both and open them again on their files
        small.close();
        large.close();
        small.open();
        large.open();
      }
    }
    p.advance(seconds(900));  // TTL expires what is left to expire
    p.stream_records();
    p.same("DescribeTable", {{"TableName", kDifferentialTable}});
    // The tiny cache really was tiny: rows went to the store and came back.
    CHECK(small.db->row_cache().evictions() > 1000);
    CHECK(small.db->row_cache().loads() > 1000);
    CHECK(large.db->row_cache().evictions() == 0);
    CHECK(small.db->table(kDifferentialTable)->item_count() ==
          large.db->table(kDifferentialTable)->item_count());
    CHECK(small.db->table(kDifferentialTable)->item_count() > 100);
  }
  std::filesystem::remove_all(dir);
}

// One table keyed by `id`, with PutItem and "does GetItem find it" over the wire.
struct FilterSide {
  FilterSide(const std::filesystem::path& file, std::size_t cache_bytes)
      : side(file, written_behind(cache_bytes)) {
    REQUIRE(
        side.call("DynamoDB_20120810.CreateTable",
                  {{"TableName", kDifferentialTable},
                   {"AttributeDefinitions", {{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                   {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                   {"BillingMode", "PAY_PER_REQUEST"}})
            .first == 200);
  }
  int put(const std::string& id) {
    return side
        .call("DynamoDB_20120810.PutItem", {{"TableName", kDifferentialTable},
                                            {"Item", {{"id", {{"S", id}}}, {"v", {{"N", "1"}}}}}})
        .first;
  }
  bool found(const std::string& id) {
    return side
        .call("DynamoDB_20120810.GetItem",
              {{"TableName", kDifferentialTable}, {"Key", {{"id", {{"S", id}}}}}})
        .second.contains("Item");
  }
  Side side;
};

std::filesystem::path fresh_filter_dir(const void* anchor) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("emu-key-filter-" + std::to_string(reinterpret_cast<std::uintptr_t>(anchor)));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST_CASE("the key filter answers absent only for keys the table does not hold") {
  int anchor = 0;
  const auto dir = fresh_filter_dir(&anchor);
  // Rows are evicted; the filter may use 512 KiB.
  FilterSide t(dir / "filter.db", 2 * 1024 * 1024);
  auto& side = t.side;
  for (int round = 0; round < 2; ++round) {  // the second round after a restart
    for (int i = 0; i < 30000; ++i)
      REQUIRE(t.put("k" + std::to_string(round) + "-" + std::to_string(i)) == 200);
    int missing = 0, extra = 0;
    for (int r = 0; r <= round; ++r) {
      for (int i = 0; i < 30000; i += 7)
        missing += t.found("k" + std::to_string(r) + "-" + std::to_string(i)) ? 0 : 1;
    }
    const auto filtered_before = side.db->row_cache().filtered();
    for (int i = 0; i < 5000; ++i) extra += t.found("absent-" + std::to_string(i)) ? 1 : 0;
    CHECK(missing == 0);
    CHECK(extra == 0);
    CHECK(side.db->table(kDifferentialTable)->filter_ready());
    // Nearly every absent key was settled by the filter, without the store.
    CHECK(side.db->row_cache().filtered() - filtered_before > 4800);
    CHECK(side.db->row_cache().evictions() > 0);
    side.close();
    side.open();
  }
  side.close();
  std::filesystem::remove_all(dir);
}

TEST_CASE("a new table has a key filter from its first rows, unless its first link does not fit") {
  int anchor = 0;
  const auto dir = fresh_filter_dir(&anchor);
  {
    // A run's new table: every first write of a key asks "is it there?" (raw_metrics' PutItem,
    // an aggregate's first UpdateItem). The filter answers from the first row on.
    FilterSide t(dir / "small.db", 2 * 1024 * 1024);
    for (int i = 0; i < 500; ++i) REQUIRE(t.put("k" + std::to_string(i)) == 200);
    const auto filtered_before = t.side.db->row_cache().filtered();
    int extra = 0, missing = 0;
    for (int i = 0; i < 2000; ++i) extra += t.found("absent-" + std::to_string(i)) ? 1 : 0;
    for (int i = 0; i < 500; ++i) missing += t.found("k" + std::to_string(i)) ? 0 : 1;
    CHECK(extra == 0);
    CHECK(missing == 0);
    CHECK(t.side.db->table(kDifferentialTable)->filter_ready());
    CHECK(t.side.db->row_cache().filtered() - filtered_before > 1950);
  }
  {
    // A cache of 64 KiB allows 16 KiB of filters, less than a first link (96 KiB): none is
    // kept, and every lookup asks the store, with the same answers.
    FilterSide t(dir / "tiny.db", 64 * 1024);
    for (int i = 0; i < 500; ++i) REQUIRE(t.put("k" + std::to_string(i)) == 200);
    int extra = 0;
    for (int i = 0; i < 200; ++i) extra += t.found("absent-" + std::to_string(i)) ? 1 : 0;
    CHECK(extra == 0);
    CHECK_FALSE(t.side.db->table(kDifferentialTable)->filter_ready());
    CHECK(t.side.db->row_cache().filtered() == 0);
  }
  std::filesystem::remove_all(dir);
}

namespace {

// A table keyed by `id` with an index on `g` and TTL on `exp`, on both sides.
void create_packing_table(Pair& p) {
  p.same("CreateTable", {{"TableName", kDifferentialTable},
                         {"AttributeDefinitions",
                          {{{"AttributeName", "id"}, {"AttributeType", "S"}},
                           {{"AttributeName", "g"}, {"AttributeType", "S"}}}},
                         {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                         {"GlobalSecondaryIndexes",
                          {{{"IndexName", "byG"},
                            {"KeySchema", {{{"AttributeName", "g"}, {"KeyType", "HASH"}}}},
                            {"Projection", {{"ProjectionType", "ALL"}}}}}},
                         {"BillingMode", "PAY_PER_REQUEST"}});
  p.same("UpdateTimeToLive",
         {{"TableName", kDifferentialTable},
          {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", "exp"}}}});
}

json aggregate_key(int row) { return {{"id", {{"S", "aggregate#" + std::to_string(row)}}}}; }

// An aggregate-like UpdateItem: a counter (conditional: rows past 8 fail), the index key, the
// expiry (even rows soon, odd rows much later), 20 more attributes.
json aggregate_update(int row, int round, std::int64_t expiry) {
  json values = {{":one", {{"N", "1"}}},
                 {":zero", {{"N", "0"}}},
                 {":max", {{"N", "8"}}},
                 {":g", {{"S", "g" + std::to_string((row + round) % 4)}}},
                 {":exp", {{"N", std::to_string(expiry + row % 2 * 100000)}}}};
  std::string set = "SET n = if_not_exists(n, :zero) + :one, g = :g, exp = :exp";
  for (int a = 0; a < 20; ++a) {
    set += ", attribute" + std::to_string(a) + " = :a" + std::to_string(a);
    values[":a" + std::to_string(a)] = {{"S", "v" + std::to_string((row + a * round) % 7)}};
  }
  return {{"TableName", kDifferentialTable},
          {"Key", aggregate_key(row)},
          {"UpdateExpression", set},
          {"ConditionExpression", "attribute_not_exists(n) OR n < :max"},
          {"ExpressionAttributeValues", values},
          {"ReturnValues", "ALL_NEW"},
          {"ReturnConsumedCapacity", "INDEXES"}};
}

}  // namespace

TEST_CASE("rows that change again wait packed, not written: each is written once, answers alike") {
  int anchor = 0;
  const auto dir = fresh_filter_dir(&anchor);
  // 300 aggregate-like rows of 24 attributes: about 2 KB each decoded (600 KB), a quarter of
  // that encoded. The cache allows 400 KB of dirty rows: too few for them decoded, enough packed.
  // (The tiny cache above packs nothing: its stream records share every image.)
  Side small(dir / "small.db", written_behind(800 * 1024)),
      large(dir / "large.db", unbounded_cache());
  Pair p{small, large};
  create_packing_table(p);
  constexpr int kRows = 300, kRounds = 10;
  const std::int64_t expiry = large.clock.now() / kMicrosPerSecond + 60;
  for (int round = 0; round < kRounds; ++round) {
    for (int row = 0; row < kRows; ++row) {
      if (round == 5 && row % 10 == 0) {
        p.same("DeleteItem", {{"TableName", kDifferentialTable},
                              {"Key", aggregate_key(row)},
                              {"ReturnValues", "ALL_OLD"}});
      } else {
        p.same("UpdateItem", aggregate_update(row, round, expiry));
      }
    }
  }
  const RowCache& cache = small.db->row_cache();
  CHECK(cache.packs() >= kRows);
  CHECK(cache.writes() == 0);  // nothing written yet: ~3,000 writes waited in memory
  CHECK(cache.loads() == 0);
  // Range reads flush (each row once), then read the store.
  for (int g = 0; g < 4; ++g) {
    p.all_pages("Query", {{"TableName", kDifferentialTable},
                          {"IndexName", "byG"},
                          {"KeyConditionExpression", "g = :g"},
                          {"ExpressionAttributeValues", {{":g", {{"S", "g" + std::to_string(g)}}}}},
                          {"Limit", 40}});
  }
  CHECK(cache.writes() == kRows);
  // After a close, from the store; then TTL expires the even rows (their expiry, held packed,
  // went to the store's TTL column).
  small.close();
  large.close();
  small.open();
  large.open();
  for (int row = 0; row < kRows; ++row) {
    p.same("GetItem", {{"TableName", kDifferentialTable}, {"Key", aggregate_key(row)}});
  }
  p.advance(seconds(900));
  const json rest = p.same("Scan", {{"TableName", kDifferentialTable}, {"Select", "COUNT"}});
  CHECK(rest["Count"] == kRows / 2);
  std::filesystem::remove_all(dir);
}
