// Local secondary indexes over the wire: what the validation cases (cases/*.cases) do not
// show. Their entries are kept in the store like a global index's and survive a restart through
// a tiny row cache; DescribeTable's shape; reads that fetch unprojected attributes from the
// table; consumed capacity as AWS reports it (the figures dynalite recorded from AWS).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/dynamodb/wire_side.h"

using namespace emu;
using namespace emu::dynamodb;
using nlohmann::json;
using test::Side;
using test::TempDir;

namespace {

const std::string kCreate = "DynamoDB_20120810.CreateTable";
const std::string kPut = "DynamoDB_20120810.PutItem";
const std::string kQuery = "DynamoDB_20120810.Query";

json s(const std::string& v) { return {{"S", v}}; }

// dynalite's range_table: hash a, range b; local indexes index1 (a, c; ALL) and index2 (a, d;
// INCLUDE c); global index3 (c).
json range_table(const std::string& name) {
  auto key = [](const char* attr, const char* type) {
    return json{{"AttributeName", attr}, {"KeyType", type}};
  };
  json defs = json::array();
  for (const char* a : {"a", "b", "c", "d"}) {
    defs.push_back({{"AttributeName", a}, {"AttributeType", "S"}});
  }
  return {{"TableName", name},
          {"AttributeDefinitions", defs},
          {"KeySchema", {key("a", "HASH"), key("b", "RANGE")}},
          {"ProvisionedThroughput", {{"ReadCapacityUnits", 10}, {"WriteCapacityUnits", 5}}},
          {"LocalSecondaryIndexes",
           {{{"IndexName", "index1"},
             {"KeySchema", {key("a", "HASH"), key("c", "RANGE")}},
             {"Projection", {{"ProjectionType", "ALL"}}}},
            {{"IndexName", "index2"},
             {"KeySchema", {key("a", "HASH"), key("d", "RANGE")}},
             {"Projection", {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"c"}}}}}}},
          {"GlobalSecondaryIndexes",
           {{{"IndexName", "index3"},
             {"KeySchema", {key("c", "HASH")}},
             {"ProvisionedThroughput", {{"ReadCapacityUnits", 10}, {"WriteCapacityUnits", 5}}},
             {"Projection", {{"ProjectionType", "ALL"}}}}}}};
}

// Every item of one partition through `index` (all pages of `limit` items).
std::vector<json> query_all(Side& side, const std::string& table, const std::string& index,
                            const json& hash, int limit) {
  json body = {{"TableName", table},
               {"IndexName", index},
               {"KeyConditionExpression", "a = :a"},
               {"ExpressionAttributeValues", {{":a", hash}}},
               {"ConsistentRead", true},
               {"Limit", limit}};
  std::vector<json> items;
  for (int page = 0; page < 10000; ++page) {
    const auto [status, answer] = side.call(kQuery, body);
    REQUIRE(status == 200);
    for (const auto& item : answer["Items"]) items.push_back(item);
    if (!answer.contains("LastEvaluatedKey")) return items;
    // The start key is the table's key and the index's.
    CHECK(answer["LastEvaluatedKey"].size() == 3);
    body["ExclusiveStartKey"] = answer["LastEvaluatedKey"];
  }
  FAIL("pagination did not end");
  return items;
}

}  // namespace

TEST_CASE("local index entries are kept in the store: a restart through a tiny cache keeps them") {
  TempDir dir("emu-lsi-");
  DatabaseOptions tiny;
  tiny.cache_bytes = 16 * 1024;
  tiny.write_through = false;
  Side side(dir.path / "lsi.db", tiny);
  REQUIRE(side.call(kCreate, range_table("lsi")).first == 200);
  // What the table holds (the oracle): partition -> range key -> item.
  std::map<std::string, std::map<std::string, json>> model;
  Random r(19);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 1500; ++i) {
      const std::string a = "p" + std::to_string(r.below(6));
      const std::string b = "b" + std::to_string(r.below(60));
      json key = {{"a", s(a)}, {"b", s(b)}};
      if (r.bernoulli(0.2)) {
        REQUIRE(
            side.call("DynamoDB_20120810.DeleteItem", {{"TableName", "lsi"}, {"Key", key}}).first ==
            200);
        model[a].erase(b);
        continue;
      }
      json item = key;
      // c moves the item within index1 (or out of it); a payload makes rows leave the cache.
      if (r.bernoulli(0.8)) item["c"] = s("c" + std::to_string(r.below(1000)));
      if (r.bernoulli(0.5)) item["d"] = s("d" + std::to_string(r.below(1000)));
      item["e"] = s(std::string(200 + r.below(2000), 'x'));
      REQUIRE(side.call(kPut, {{"TableName", "lsi"}, {"Item", item}}).first == 200);
      model[a][b] = item;
    }
    CHECK(side.db->row_cache().evictions() > 100);  // rows went to the store and came back
    side.close();                                   // a restart: the store is all there is
    side.open();
  }
  std::int64_t in_index1 = 0;
  for (const auto& [a, rows] : model) {
    std::vector<json> expected;
    for (const auto& [b, item] : rows) {
      if (item.contains("c")) expected.push_back(item);
    }
    in_index1 += static_cast<std::int64_t>(expected.size());
    auto got = query_all(side, "lsi", "index1", s(a), 1 + static_cast<int>(r.below(7)));
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 1; i < got.size(); ++i) {
      CHECK(got[i - 1]["c"]["S"].get<std::string>() <= got[i]["c"]["S"].get<std::string>());
    }
    auto by_b = [](const json& x, const json& y) { return x["b"]["S"] < y["b"]["S"]; };
    std::sort(got.begin(), got.end(), by_b);
    std::sort(expected.begin(), expected.end(), by_b);
    CHECK(got == expected);
  }
  const json described =
      side.call("DynamoDB_20120810.DescribeTable", {{"TableName", "lsi"}}).second["Table"];
  CHECK(described["LocalSecondaryIndexes"][0]["ItemCount"] == in_index1);
}

TEST_CASE("DescribeTable: a local index has its keys, projection, counts and ARN, no throughput") {
  TempDir dir("emu-lsi-describe-");
  Side side(dir.path / "d.db", {});
  REQUIRE(side.call(kCreate, range_table("lsi")).first == 200);
  REQUIRE(side.call(kPut,
                    {{"TableName", "lsi"}, {"Item", {{"a", s("1")}, {"b", s("1")}, {"d", s("1")}}}})
              .first == 200);
  const json t =
      side.call("DynamoDB_20120810.DescribeTable", {{"TableName", "lsi"}}).second["Table"];
  REQUIRE(t["LocalSecondaryIndexes"].size() == 2);
  const json& index2 = t["LocalSecondaryIndexes"][1];
  std::vector<std::string> members;
  for (const auto& [k, _] : index2.items()) members.push_back(k);
  CHECK(members == std::vector<std::string>{"IndexArn", "IndexName", "IndexSizeBytes", "ItemCount",
                                            "KeySchema", "Projection"});
  CHECK(index2["IndexName"] == "index2");
  CHECK(index2["IndexArn"] == t["TableArn"].get<std::string>() + "/index/index2");
  CHECK(index2["Projection"] == json{{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", {"c"}}});
  CHECK(index2["KeySchema"][1] == json{{"AttributeName", "d"}, {"KeyType", "RANGE"}});
  CHECK(index2["ItemCount"] == 1);
  CHECK(t["LocalSecondaryIndexes"][0]["ItemCount"] == 0);  // no c
  CHECK(t["GlobalSecondaryIndexes"].size() == 1);
  CHECK(t["GlobalSecondaryIndexes"][0].contains("ProvisionedThroughput"));
}

// dynalite's "should return all attributes when specified for secondary indexes" (its hash
// keys are 10 characters long: the sizes decide the capacity), put into `side`'s table "lsi".
static std::vector<json> put_dynalite_items(Side& side) {
  const json item = {{"a", s("k123456789")}, {"b", s("b1")}, {"c", s("c1")}, {"d", s("d1")}};
  const json item2 = {{"a", s("k123456789")}, {"b", s("b2")}};
  const json item3 = {{"a", s("k123456789")},
                      {"b", s("b3")},
                      {"d", s("d3")},
                      {"e", {{"M", {{"e3", s(std::string(4061, 'e'))}}}}},
                      {"f", {{"L", {s("f3"), s("ff3")}}}}};
  const json item4 = {{"a", s("k123456789")},
                      {"b", s("b4")},
                      {"c", s("c4")},
                      {"d", s("d4")},
                      {"e", {{"M", {{"ee4", s("e4")}, {"eee4", s(std::string(4061, 'e'))}}}}}};
  for (const auto& i : {item, item2, item3, item4}) {
    REQUIRE(side.call(kPut, {{"TableName", "lsi"}, {"Item", i}}).first == 200);
  }
  return {item, item2, item3, item4};
}

TEST_CASE("Query on a local index: projections, table fetches and capacity as AWS reports them") {
  TempDir dir("emu-lsi-query-");
  Side side(dir.path / "q.db", {});
  REQUIRE(side.call(kCreate, range_table("lsi")).first == 200);
  const auto items = put_dynalite_items(side);
  const json &item = items[0], &item3 = items[2], &item4 = items[3];
  json q = {{"TableName", "lsi"},
            {"IndexName", "index2"},
            {"ConsistentRead", true},
            {"KeyConditionExpression", "a = :a"},
            {"ExpressionAttributeValues", {{":a", s("k123456789")}}},
            {"ReturnConsumedCapacity", "INDEXES"}};
  auto projected = [](json i) {
    for (const char* extra : {"e", "f"}) i.erase(extra);
    return i;
  };
  auto answer = side.call(kQuery, q);
  REQUIRE(answer.first == 200);
  CHECK(answer.second["Items"] == json{item, projected(item3), projected(item4)});
  CHECK(answer.second["ConsumedCapacity"] ==
        json{{"CapacityUnits", 1.0},
             {"TableName", "lsi"},
             {"ReadCapacityUnits", 1.0},
             {"Table", {{"CapacityUnits", 0.0}}},
             {"LocalSecondaryIndexes", {{"index2", {{"CapacityUnits", 1.0}}}}}});
  q["Select"] = "ALL_ATTRIBUTES";
  answer = side.call(kQuery, q);
  CHECK(answer.second["Items"] == json{item, item3, item4});
  CHECK(answer.second["ConsumedCapacity"]["CapacityUnits"] == 4.0);
  CHECK(answer.second["ConsumedCapacity"]["Table"]["CapacityUnits"] == 3.0);
  CHECK(answer.second["ConsumedCapacity"]["LocalSecondaryIndexes"]["index2"]["CapacityUnits"] ==
        1.0);
  // A projection naming an attribute index2 does not hold fetches it from the table.
  q.erase("Select");
  q["ProjectionExpression"] = "b, f";
  answer = side.call(kQuery, q);
  CHECK(answer.second["Items"] ==
        json{{{"b", s("b1")}}, {{"b", s("b3")}, {"f", item3["f"]}}, {{"b", s("b4")}}});
  CHECK(answer.second["ConsumedCapacity"]["Table"]["CapacityUnits"] == 3.0);
}

TEST_CASE("eventually consistent local index reads cost half; global ones stay inconsistent") {
  TempDir dir("emu-lsi-consistency-");
  Side side(dir.path / "c.db", {});
  REQUIRE(side.call(kCreate, range_table("lsi")).first == 200);
  put_dynalite_items(side);
  json q = {{"TableName", "lsi"},
            {"IndexName", "index1"},
            {"KeyConditionExpression", "a = :a"},
            {"ExpressionAttributeValues", {{":a", s("k123456789")}}},
            {"ReturnConsumedCapacity", "TOTAL"}};
  auto answer = side.call(kQuery, q);
  CHECK(answer.second["Count"] == 2);
  CHECK(answer.second["ConsumedCapacity"]["CapacityUnits"] == 1.0);  // 4 KB+ of entries: 2, halved
  q["IndexName"] = "index3";
  q["KeyConditionExpression"] = "c = :a";
  q["ConsistentRead"] = true;
  answer = side.call(kQuery, q);
  CHECK(answer.first == 400);
  CHECK(answer.second["message"] ==
        "Consistent reads are not supported on global secondary indexes");
}

TEST_CASE("writes report each local index they change; unused attribute definitions are refused") {
  TempDir dir("emu-lsi-write-");
  Side side(dir.path / "w.db", {});
  REQUIRE(side.call(kCreate, range_table("lsi")).first == 200);
  auto answer = side.call(kPut, {{"TableName", "lsi"},
                                 {"Item", {{"a", s("1")}, {"b", s("1")}, {"c", s("1")}}},
                                 {"ReturnConsumedCapacity", "INDEXES"}});
  REQUIRE(answer.first == 200);
  CHECK(answer.second["ConsumedCapacity"] ==
        json{{"CapacityUnits", 3.0},
             {"TableName", "lsi"},
             {"WriteCapacityUnits", 3.0},
             {"Table", {{"CapacityUnits", 1.0}}},
             {"LocalSecondaryIndexes", {{"index1", {{"CapacityUnits", 1.0}}}}},
             {"GlobalSecondaryIndexes", {{"index3", {{"CapacityUnits", 1.0}}}}}});
  json create = range_table("lsi_u");
  create["AttributeDefinitions"].push_back({{"AttributeName", "z"}, {"AttributeType", "N"}});
  answer = side.call(kCreate, create);
  CHECK(answer.first == 400);
  CHECK(answer.second["message"] ==
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [a, b, c, d, z], keys used: [a, b, c, d]");
}
