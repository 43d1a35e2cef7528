// UpdateItem's in-place path (Ops::update_in_place): an item only its table holds is changed
// where it is stored instead of copied. Each case runs the same requests against a second
// database in which every stored item is also held by the test, which forces the general
// copy-and-replace path; both must answer, charge and store exactly the same.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "emulator/core/config.h"
#include "emulator/dynamodb/seed_tables.h"
#include "tests/dynamodb/fixture.h"

using namespace emu;
using namespace emu::dynamodb;
using emu::dynamodb::test::Fixture;
using emu::dynamodb::test::item_of;

namespace {

constexpr const char* kTable = "aggregate_metrics";

// The seed's aggregate update (aggregate_metrics/index.js) with the given values.
UpdateItemRequest aggregate_update(const std::string& sk, const std::string& identifier,
                                   const std::string& count) {
  UpdateItemRequest u;
  u.table_name = kTable;
  u.key = item_of(("{\"pk\":{\"S\":\"ON\"},\"sk\":{\"S\":\"" + sk + "\"}}").c_str());
  u.update_expression =
      "SET #region = :region, identifier = :identifier, version = :version, "
      "metricCount = if_not_exists(metricCount, :start) + :metricCount";
  u.attributes.names = expr::Names{{"#region", "region"}};
  u.attributes.values = item_of(("{\":region\":{\"S\":\"ON\"},\":identifier\":{\"S\":\"" +
                                 identifier + "\"},\":version\":{\"N\":\"6\"},"
                                 "\":start\":{\"N\":\"0\"},\":metricCount\":{\"N\":\"" + count +
                                 "\"}}")
                                    .c_str());
  u.return_consumed_capacity = ReturnConsumedCapacity::kIndexes;
  return u;
}

UpdateItemRequest set_one(const std::string& sk, const std::string& expression,
                          const std::string& values_json) {
  UpdateItemRequest u;
  u.table_name = kTable;
  u.key = item_of(("{\"pk\":{\"S\":\"ON\"},\"sk\":{\"S\":\"" + sk + "\"}}").c_str());
  u.update_expression = expression;
  u.attributes.values = item_of(values_json.c_str());
  u.return_consumed_capacity = ReturnConsumedCapacity::kIndexes;
  return u;
}

struct Database2 {
  explicit Database2(std::string path = ":memory:") : f(std::move(path)) {
    create_seed_tables(*f.db, Config::defaults(), f.now());
  }
  const Table& table() const { return *f.db->table(kTable); }
  const ItemPtr* stored(const std::string& sk) const {
    for (const auto& [key, row] : table().rows()) {
      if (row.item->at("sk").scalar() == sk) return &row.item;
    }
    return nullptr;
  }
  Fixture f;
};

void check_same_outcome(const Result<UpdateItemResult>& a, const Result<UpdateItemResult>& b) {
  REQUIRE(a.ok() == b.ok());
  if (!a.ok()) {
    CHECK(a.error().code == b.error().code);
    CHECK(a.error().message == b.error().message);
    return;
  }
  CHECK(a->attributes == b->attributes);
  REQUIRE(a->consumed_capacity.has_value() == b->consumed_capacity.has_value());
  if (!a->consumed_capacity) return;
  CHECK(a->consumed_capacity->capacity_units == b->consumed_capacity->capacity_units);
  CHECK(a->consumed_capacity->table_capacity_units == b->consumed_capacity->table_capacity_units);
  CHECK(a->consumed_capacity->global_secondary_indexes ==
        b->consumed_capacity->global_secondary_indexes);
}

// Same rows, same index entries, and sizes that are the sums of the stored items' sizes.
void check_same_contents(const Table& a, const Table& b) {
  REQUIRE(a.rows().size() == b.rows().size());
  std::int64_t total = 0;
  for (auto ia = a.rows().begin(), ib = b.rows().begin(); ia != a.rows().end(); ++ia, ++ib) {
    CHECK(ia->first == ib->first);
    CHECK(*ia->second.item == *ib->second.item);
    CHECK(ia->second.size == item_size(*ia->second.item));
    total += ia->second.size;
  }
  CHECK(a.size_bytes() == total);
  CHECK(b.size_bytes() == total);
  REQUIRE(a.indexes().size() == b.indexes().size());
  for (std::size_t i = 0; i < a.indexes().size(); ++i) {
    const auto& ea = a.indexes()[i].entries;
    const auto& eb = b.indexes()[i].entries;
    REQUIRE(ea.size() == eb.size());
    std::int64_t index_total = 0;
    for (auto ja = ea.begin(), jb = eb.begin(); ja != ea.end(); ++ja, ++jb) {
      CHECK(ja->first == jb->first);
      CHECK(*ja->second.item == *jb->second.item);
      CHECK(ja->second.size == item_size(*ja->second.item));
      index_total += ja->second.size;
    }
    CHECK(a.indexes()[i].size_bytes == index_total);
  }
}

}  // namespace

TEST_CASE("UpdateItem in place answers, charges and stores as the copying path does") {
  Database2 in_place, copying;
  std::vector<ItemPtr> held;  // keeps every item `copying` stored shared, so it copies
  auto run = [&](const UpdateItemRequest& u) {
    for (const auto& [_, row] : copying.table().rows()) held.push_back(row.item);
    const auto a = in_place.f.db->update_item(u, in_place.f.now());
    const auto b = copying.f.db->update_item(u, copying.f.now());
    check_same_outcome(a, b);
    return a;
  };
  auto u = aggregate_update("k1", "installed", "3");
  u.return_values = ReturnValues::kAllNew;
  REQUIRE(run(u).ok());  // creates the row: the general path in both
  const Item* first = in_place.stored("k1")->get();
  u.return_values = ReturnValues::kNone;
  REQUIRE(run(u).ok());
  u.return_values = ReturnValues::kUpdatedNew;
  const auto updated = run(u);
  REQUIRE(updated.ok());
  CHECK(updated->attributes->at("metricCount").scalar() == "9");
  CHECK(updated->attributes->count("pk") == 0);  // only the paths the update names
  // The in-place database kept the very item; the copying one replaced it each time.
  CHECK(in_place.stored("k1")->get() == first);
  CHECK(copying.stored("k1")->get() != held.front().get());

  SUBCASE("a no-op update charges the table and not the index") {
    const auto r = run(set_one("k1", "SET version = :v", R"({":v":{"N":"6"}})"));
    CHECK(r->consumed_capacity->table_capacity_units == 1);
    CHECK(r->consumed_capacity->global_secondary_indexes.empty());
  }
  SUBCASE("new attributes, growth past 1 KB, and shrinking again") {
    const std::string big(1500, 'x');
    auto r = run(set_one("k1", "SET note = :v", "{\":v\":{\"S\":\"" + big + "\"}}"));
    CHECK(r->consumed_capacity->table_capacity_units == 2);
    CHECK(r->consumed_capacity->global_secondary_indexes.at("IdentifierIndex") == 2);
    r = run(set_one("k1", "SET note = :v", R"({":v":{"S":"short"}})"));
    CHECK(r->consumed_capacity->table_capacity_units == 2);  // the larger (old) image
    CHECK(in_place.stored("k1")->get() == first);
  }
  SUBCASE("changing the index key moves the entry (the general path)") {
    REQUIRE(run(aggregate_update("k1", "exposed", "1")).ok());
    CHECK(in_place.table().indexes()[0].entries.begin()->first.hash ==
          copying.table().indexes()[0].entries.begin()->first.hash);
    CHECK(in_place.stored("k1")->get()->at("identifier").scalar() == "exposed");
  }
  SUBCASE("failures change nothing") {
    auto failing = aggregate_update("k1", "installed", "5");
    failing.condition_expression = "metricCount > :big";
    (*failing.attributes.values)[":big"] = AttributeValue::number("100");
    CHECK(run(failing).error().code == "ConditionalCheckFailedException");
    CHECK(run(set_one("k1", "SET metricCount = identifier + :n", R"({":n":{"N":"1"}})"))
              .error()
              .message == "An operand in the update expression has an incorrect data type");
    const std::string huge(409600, 'x');
    CHECK(run(set_one("k1", "SET note = :v", "{\":v\":{\"S\":\"" + huge + "\"}}"))
              .error()
              .message == "Item size to update has exceeded the maximum allowed size");
    CHECK(in_place.stored("k1")->get()->at("metricCount").scalar() == "9");
    failing.condition_expression = "attribute_exists(pk) AND metricCount < :big";
    REQUIRE(run(failing).ok());
    CHECK(in_place.stored("k1")->get()->at("metricCount").scalar() == "14");
  }
  SUBCASE("ALL_OLD and UPDATED_OLD answer with the old item") {
    u.return_values = ReturnValues::kUpdatedOld;
    CHECK(run(u)->attributes->at("metricCount").scalar() == "9");
    u.return_values = ReturnValues::kAllOld;
    CHECK(run(u)->attributes->at("metricCount").scalar() == "12");
  }
  check_same_contents(in_place.table(), copying.table());
  CHECK(in_place.f.db->state() == copying.f.db->state());
}

TEST_CASE("an item shared outside its table is copied, never changed under its holder") {
  Database2 d;
  REQUIRE(d.f.db->update_item(aggregate_update("k1", "installed", "2"), d.f.now()).ok());
  const ItemPtr held = *d.stored("k1");
  REQUIRE(d.f.db->update_item(aggregate_update("k1", "installed", "2"), d.f.now()).ok());
  CHECK(held->at("metricCount").scalar() == "2");
  CHECK(d.stored("k1")->get()->at("metricCount").scalar() == "4");
  CHECK(d.stored("k1")->get() != held.get());
}

TEST_CASE("a throttled in-place update changes nothing") {
  class Refuse : public ThroughputGovernor {
   public:
    std::optional<AwsError> consume(std::string_view, std::string_view, Access, double,
                                    Micros) override {
      return AwsError::client("ProvisionedThroughputExceededException", "exceeded");
    }
  } refuse;
  Database2 d;
  REQUIRE(d.f.db->update_item(aggregate_update("k1", "installed", "2"), d.f.now()).ok());
  d.f.db->set_governor(&refuse);
  const auto r = d.f.db->update_item(aggregate_update("k1", "installed", "2"), d.f.now());
  CHECK(r.error().code == "ProvisionedThroughputExceededException");
  d.f.db->set_governor(nullptr);
  CHECK(d.stored("k1")->get()->at("metricCount").scalar() == "2");
  CHECK(d.f.db->state()["tables"][kTable]["throttled_requests"] == 1);
}

TEST_CASE("in-place updates are written through and survive a restart") {
  int anchor = 0;  // its address names the directory (unique among concurrent test runs)
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ddb-in-place-" + std::to_string(reinterpret_cast<std::uintptr_t>(&anchor)));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "emulator.db").string();
  {
    Database2 d(path);
    const Item* first = nullptr;
    for (int i = 0; i < 4; ++i) {
      // Two rows, each written through after every update (the store keeps no reference).
      REQUIRE(d.f.db->update_item(aggregate_update("k1", "installed", "5"), d.f.now()).ok());
      REQUIRE(d.f.db->update_item(aggregate_update("k2", "installed", "1"), d.f.now()).ok());
      if (i == 0) first = d.stored("k1")->get();
    }
    CHECK(d.stored("k1")->get() == first);
    d.f.storage->commit();
  }
  {
    Database2 again(path);
    CHECK(again.stored("k1")->get()->at("metricCount").scalar() == "20");
    CHECK(again.stored("k2")->get()->at("metricCount").scalar() == "4");
    CHECK(again.table().size_bytes() == static_cast<std::int64_t>(
                                            item_size(**again.stored("k1")) +
                                            item_size(**again.stored("k2"))));
  }
  std::filesystem::remove_all(dir);
}
