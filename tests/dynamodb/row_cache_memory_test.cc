// The row cache's budget is only a bound if each row's charge is what the row really holds in
// memory. This binary counts every byte operator new hands out (as the allocator rounds it:
// malloc_usable_size) and checks the cache's charges against the bytes its rows hold, for the
// seed's two row shapes (a raw_metrics POST, an aggregate_metrics counter) built the three ways
// rows enter the cache: PutItem, UpdateItem creating the item, a load from the store; and the
// aggregates held packed (encoded) while they wait to be written.
//
// Its own executable: the counting operator new is global.
#include <doctest/doctest.h>

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "tests/dynamodb/fixture.h"

namespace {

std::atomic<long long> g_live_bytes{0};

}  // namespace

void* operator new(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  g_live_bytes += static_cast<long long>(malloc_usable_size(p));
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

using namespace emu;
using namespace emu::dynamodb;

namespace {

constexpr int kRows = 4000;

std::string uuid_like(int i) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-3f1c-4e2a-9b7d-%012d", i * 2654435761u, i);
  return text;
}

// A raw_metrics row as create_metrics writes it: uuid key, the POST's body, its expiry.
Item raw_row(int i) {
  Item item;
  item["uuid"] = AttributeValue::string(uuid_like(i));
  item["raw"] = AttributeValue::string(
      R"({"metricstimestamp":1624752000000,"appos":"android","appversion":"1.2.3",)"
      R"("osversion":"11","region":"ON","identifier":"ActiveUser","payload":[{"identifier":)"
      R"("ActiveUser","region":"ON","timestamp":1624752000000}]})");
  item["ttl"] = AttributeValue::number(std::to_string(1624852000 + i));
  return item;
}

// aggregate_metrics's UpdateItem (aggregate_update.cc, trimmed to its shape): 20 attributes.
UpdateItemRequest aggregate_update(int i) {
  UpdateItemRequest r;
  r.table_name = "aggregate_metrics";
  r.key["pk"] = AttributeValue::string("ActiveUser#ON#" + std::to_string(i));
  r.key["sk"] = AttributeValue::string("2021-06-27");
  r.update_expression =
      "SET appversion = :a, appos = :o, #region = :r, identifier = :i, osversion = :v, "
      "manufacturer = :m, model = :d, androidreleaseversion = :e, version = :n, #count = :c, "
      "pushnotification = :p, frameworkenabled = :f, #state = :s, #status = :t, "
      "hoursSinceExposureDetectedAt = :h, #date = :y, #duration = :u, withDate = :w, "
      "isUserExposed = :x, metricCount = if_not_exists(metricCount, :z) + :one";
  r.attributes.names =
      expr::Names{{"#region", "region"}, {"#count", "count"}, {"#state", "state"},
                  {"#status", "status"}, {"#date", "date"},   {"#duration", "duration"}};
  Item v;
  for (const char* name : {":a", ":o", ":r", ":i", ":v", ":m", ":d", ":e", ":c", ":p", ":f", ":s",
                           ":t", ":h", ":y", ":u", ":w", ":x"}) {
    v[name] = AttributeValue::string("");
  }
  v[":a"] = AttributeValue::string("1.2.3");
  v[":o"] = AttributeValue::string("android");
  v[":i"] = AttributeValue::string("ActiveUser");
  v[":n"] = AttributeValue::number("1");
  v[":z"] = AttributeValue::number("0");
  v[":one"] = AttributeValue::number("1");
  r.attributes.values = std::move(v);
  return r;
}

void make_table(test::Fixture& f, const char* name, const char* hash, const char* range) {
  CreateTableRequest r;
  r.table_name = name;
  r.attribute_definitions = {{hash, Type::kS}};
  r.key_schema = {{hash, "HASH"}};
  if (range != nullptr) {
    r.attribute_definitions.push_back({range, Type::kS});
    r.key_schema.push_back({range, "RANGE"});
  }
  r.billing_mode = BillingMode::kPayPerRequest;
  REQUIRE(f.db->create_table(r, f.now()).ok());
}

DatabaseOptions unbounded() {
  DatabaseOptions o;
  o.cache_bytes = RowCache::kUnbounded;
  o.write_through = false;
  return o;
}

// Bytes the rows of a pass hold (live bytes after minus before) against what the cache charged.
struct Measure {
  long long live_before, charged_before;
  explicit Measure(const Database& db)
      : live_before(g_live_bytes.load()),
        charged_before(static_cast<long long>(db.row_cache().used())) {}
  double ratio(const Database& db) const {
    const long long real = g_live_bytes.load() - live_before;
    const long long charged = static_cast<long long>(db.row_cache().used()) - charged_before;
    MESSAGE("real ", real / kRows, " B/row, charged ", charged / kRows, " B/row");
    return static_cast<double>(charged) / static_cast<double>(real);
  }
};

}  // namespace

TEST_CASE("a row's charge is within 10 % of the memory it holds, however it entered the cache") {
  const auto dir = std::filesystem::temp_directory_path() / "emu-row-cache-memory.sqlite";
  std::filesystem::remove(dir);
  test::Fixture f(dir.string(), unbounded());
  make_table(f, "raw_metrics", "uuid", nullptr);
  make_table(f, "aggregate_metrics", "pk", "sk");
  // Warm-up: statements, the expression cache and the maps reach their steady size.
  for (int i = 0; i < 64; ++i) {
    PutItemRequest put;
    put.table_name = "raw_metrics";
    put.item = raw_row(-1 - i);
    REQUIRE(f.db->put_item(put, f.now()).ok());
    REQUIRE(f.db->update_item(aggregate_update(-1 - i), f.now()).ok());
  }
  f.db->table("aggregate_metrics")->pack_dirty_rows();  // its encoding buffer, once
  f.db->flush();

  SUBCASE("PutItem of raw_metrics rows") {
    Measure m(*f.db);
    for (int i = 0; i < kRows; ++i) {
      PutItemRequest put;
      put.table_name = "raw_metrics";
      put.item = raw_row(i);
      REQUIRE(f.db->put_item(put, f.now()).ok());
    }
    f.db->flush();
    CHECK(m.ratio(*f.db) == doctest::Approx(1.0).epsilon(0.10));
  }
  SUBCASE("UpdateItem creating aggregate_metrics rows") {
    Measure m(*f.db);
    for (int i = 0; i < kRows; ++i) REQUIRE(f.db->update_item(aggregate_update(i), f.now()).ok());
    f.db->flush();
    CHECK(m.ratio(*f.db) == doctest::Approx(1.0).epsilon(0.10));
  }
  SUBCASE("aggregate_metrics rows held packed while they wait to be written") {
    Measure m(*f.db);
    for (int i = 0; i < kRows; ++i) REQUIRE(f.db->update_item(aggregate_update(i), f.now()).ok());
    f.db->table("aggregate_metrics")->pack_dirty_rows();
    CHECK(f.db->row_cache().packs() >= kRows);
    CHECK(m.ratio(*f.db) == doctest::Approx(1.0).epsilon(0.10));
    f.db->flush();
  }
  SUBCASE("rows loaded from the store") {
    for (int i = 0; i < kRows; ++i) REQUIRE(f.db->update_item(aggregate_update(i), f.now()).ok());
    f.db->flush();
    f.storage->commit();
    f.db.reset();  // the cache empties; the store keeps the rows
    f.db = std::make_unique<Database>(*f.storage, f.scheduler, unbounded());
    GetItemRequest warm;
    warm.table_name = "aggregate_metrics";
    warm.key = aggregate_update(-1).key;
    REQUIRE(f.db->get_item(warm, f.now()).ok());
    Measure m(*f.db);
    for (int i = 0; i < kRows; ++i) {
      GetItemRequest get;
      get.table_name = "aggregate_metrics";
      get.key = aggregate_update(i).key;
      const auto got = f.db->get_item(get, f.now());
      REQUIRE(got.ok());
      REQUIRE(got->item.has_value());
    }
    CHECK(m.ratio(*f.db) == doctest::Approx(1.0).epsilon(0.10));
  }
  f.db.reset();
  f.storage.reset();
  std::filesystem::remove(dir);
}
