#include <doctest/doctest.h>

#include <set>

#include "emulator/core/config.h"
#include "emulator/dynamodb/seed_tables.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using emu::dynamodb::test::item_of;

namespace {

void fill(Fixture& f, int partitions, int per_partition, std::size_t pad = 0) {
  for (int p = 0; p < partitions; ++p) {
    for (int i = 0; i < per_partition; ++i) {
      PutItemRequest put;
      put.table_name = "t";
      char sk[16];
      std::snprintf(sk, sizeof sk, "s%04d", i);
      put.item = item_of(("{\"id\":{\"S\":\"p" + std::to_string(p) + "\"},\"sk\":{\"S\":\"" + sk +
                          "\"},\"n\":{\"N\":\"" + std::to_string(i) + "\"},\"pad\":{\"S\":\"" +
                          std::string(pad, 'x') + "\"}}")
                             .c_str());
      REQUIRE(f.db->put_item(put, f.now()).ok());
    }
  }
}

QueryRequest query(const char* condition, const char* values) {
  QueryRequest q;
  q.table_name = "t";
  q.key_condition_expression = condition;
  q.attributes.values = item_of(values);
  return q;
}

}  // namespace

TEST_CASE("Query: key conditions on the range key, both directions") {
  Fixture f;
  f.make_table("t", true);
  fill(f, 2, 20);
  auto q = query("id = :p AND sk BETWEEN :a AND :b", R"({":p":{"S":"p1"},":a":{"S":"s0005"},
                 ":b":{"S":"s0008"}})");
  auto r = f.db->query(q, f.now());
  REQUIRE(r.ok());
  REQUIRE(r->items.size() == 4);
  CHECK(r->items.front().at("sk").scalar() == "s0005");
  q.scan_index_forward = false;
  r = f.db->query(q, f.now());
  CHECK(r->items.front().at("sk").scalar() == "s0008");
  q = query("id = :p AND begins_with(sk, :pre)", R"({":p":{"S":"p0"},":pre":{"S":"s001"}})");
  CHECK(f.db->query(q, f.now())->items.size() == 10);
  q = query(":v < sk AND id = :p", R"({":p":{"S":"p0"},":v":{"S":"s0017"}})");
  CHECK(f.db->query(q, f.now())->items.size() == 2);  // operands flipped
  q = query("id = :p AND sk <= :v", R"({":p":{"S":"p0"},":v":{"S":"s0001"}})");
  CHECK(f.db->query(q, f.now())->items.size() == 2);
}

TEST_CASE("Query: pagination with Limit and LastEvaluatedKey covers every item once") {
  Fixture f;
  f.make_table("t", true);
  fill(f, 3, 25);
  for (bool forward : {true, false}) {
    auto q = query("id = :p", R"({":p":{"S":"p2"}})");
    q.limit = 7;
    q.scan_index_forward = forward;
    std::vector<std::string> seen;
    int pages = 0;
    for (;;) {
      auto r = f.db->query(q, f.now());
      REQUIRE(r.ok());
      ++pages;
      for (const auto& item : r->items) seen.push_back(item.at("sk").scalar());
      if (!r->last_evaluated_key) break;
      q.exclusive_start_key = r->last_evaluated_key;
    }
    CHECK(seen.size() == 25);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 25);
    CHECK(std::is_sorted(seen.begin(), seen.end()) == forward);
    CHECK(pages == 4);
  }
}

TEST_CASE("Query: filter, projection and Select COUNT") {
  Fixture f;
  f.make_table("t", true);
  fill(f, 1, 10);
  auto q = query("id = :p", R"({":p":{"S":"p0"},":five":{"N":"5"}})");
  q.filter_expression = "n >= :five";
  q.projection_expression = "sk";
  auto r = f.db->query(q, f.now());
  CHECK(r->count == 5);
  CHECK(r->scanned_count == 10);
  CHECK(r->items[0].size() == 1);
  q.projection_expression.reset();
  q.select = Select::kCount;
  r = f.db->query(q, f.now());
  CHECK(r->count == 5);
  CHECK(r->count_only);
  CHECK(r->items.empty());
}

TEST_CASE("Query: key condition errors") {
  Fixture f;
  f.make_table("t", true);
  auto err = [&](const char* cond, const char* values) {
    return f.db->query(query(cond, values), f.now()).error().message;
  };
  CHECK(err("sk = :v", R"({":v":{"S":"x"}})") == "Query condition missed key schema element: id");
  CHECK(err("id > :v", R"({":v":{"S":"x"}})") == "Query key condition not supported");
  CHECK(err("id = :v OR sk = :v", R"({":v":{"S":"x"}})") ==
        "Invalid operator used in KeyConditionExpression: OR");
  CHECK(err("id = :v AND id = :v", R"({":v":{"S":"x"}})") ==
        "KeyConditionExpressions must only contain one condition per key");
  CHECK(err("id = :v", R"({":v":{"N":"1"}})") ==
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
  QueryRequest none;
  none.table_name = "t";
  CHECK(f.db->query(none, f.now()).error().message ==
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the "
        "request.");
  auto q = query("id = :v", R"({":v":{"S":"x"}})");
  q.index_name = "Nope";
  CHECK(f.db->query(q, f.now()).error().message ==
        "The table does not have the specified index: Nope");
}

TEST_CASE("Scan: 1 MB pages, Limit, segments and ExclusiveStartKey") {
  Fixture f;
  f.make_table("t", true);
  fill(f, 4, 100, 5000);  // 400 items of ~5 KB = ~2 MB
  ScanRequest s;
  s.table_name = "t";
  s.return_consumed_capacity = ReturnConsumedCapacity::kTotal;
  auto r = f.db->scan(s, f.now());
  REQUIRE(r.ok());
  CHECK(r->last_evaluated_key);
  CHECK(r->scanned_count < 400);
  CHECK(r->scanned_count > 150);  // about 1 MB of 5 KB items
  // 1 MB read eventually consistent = 256 RCU / 2
  CHECK(r->consumed_capacity->capacity_units == doctest::Approx(128).epsilon(0.02));
  std::size_t total = r->items.size();
  while (r->last_evaluated_key) {
    s.exclusive_start_key = r->last_evaluated_key;
    r = f.db->scan(s, f.now());
    total += r->items.size();
  }
  CHECK(total == 400);
  std::size_t segmented = 0;
  for (int seg = 0; seg < 3; ++seg) {
    ScanRequest part;
    part.table_name = "t";
    part.segment = seg;
    part.total_segments = 3;
    part.select = Select::kCount;
    for (;;) {
      auto pr = f.db->scan(part, f.now());
      REQUIRE(pr.ok());
      segmented += static_cast<std::size_t>(pr->count);
      if (!pr->last_evaluated_key) break;
      part.exclusive_start_key = pr->last_evaluated_key;
    }
  }
  CHECK(segmented == 400);
}

TEST_CASE("seed tables: aggregate_metrics GSI IdentifierIndex answers queries") {
  Fixture f;
  const Config config = Config::defaults();
  create_seed_tables(*f.db, config, f.now());
  const Table* raw = f.db->table("raw_metrics");
  REQUIRE(raw);
  CHECK(raw->schema().ttl_enabled);
  CHECK(raw->schema().ttl_attribute == "expdate");
  REQUIRE(f.db->stream_for_table("raw_metrics"));
  CHECK(f.db->stream_for_table("raw_metrics")->view_type() == StreamViewType::kNewImage);
  for (int i = 0; i < 6; ++i) {
    UpdateItemRequest u;
    u.table_name = "aggregate_metrics";
    u.key =
        item_of(("{\"pk\":{\"S\":\"ON\"},\"sk\":{\"S\":\"k" + std::to_string(i) + "\"}}").c_str());
    u.update_expression = "SET identifier = :id";
    u.attributes.values =
        item_of(i % 2 ? R"({":id":{"S":"active_user"}})" : R"({":id":{"S":"exposed"}})");
    REQUIRE(f.db->update_item(u, f.now()).ok());
  }
  QueryRequest q;
  q.table_name = "aggregate_metrics";
  q.index_name = "IdentifierIndex";
  q.key_condition_expression = "identifier = :id";
  q.attributes.values = item_of(R"({":id":{"S":"active_user"}})");
  auto r = f.db->query(q, f.now());
  REQUIRE(r.ok());
  CHECK(r->count == 3);
  q.limit = 2;
  r = f.db->query(q, f.now());
  REQUIRE(r->last_evaluated_key);
  CHECK(r->last_evaluated_key->count("identifier") == 1);
  CHECK(r->last_evaluated_key->count("pk") == 1);
  q.exclusive_start_key = r->last_evaluated_key;
  CHECK(f.db->query(q, f.now())->count == 1);
  q.consistent_read = true;
  CHECK(f.db->query(q, f.now()).error().message ==
        "Consistent reads are not supported on global secondary indexes");
}
