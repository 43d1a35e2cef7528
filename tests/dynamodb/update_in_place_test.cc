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
  Table& table() { return *f.db->table(kTable); }
  // The item the table holds for `sk` (the cached one: the same object the model changes).
  const ItemPtr* stored(const std::string& sk) {
    const Row* row = table().find(table().key_of(
        item_of(("{\"pk\":{\"S\":\"ON\"},\"sk\":{\"S\":\"" + sk + "\"}}").c_str())));
    return row ? &row->item : nullptr;
  }
  std::vector<test::StoredView<KeyEnc>> rows() { return test::stored_rows(*f.db, kTable); }
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
void check_same_contents(Database2& da, Database2& db) {
  const auto a = da.rows(), b = db.rows();
  REQUIRE(a.size() == b.size());
  std::int64_t total = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].key == b[i].key);
    CHECK(*a[i].item == *b[i].item);
    CHECK(a[i].size == item_size(*a[i].item));
    total += a[i].size;
  }
  CHECK(da.table().size_bytes() == total);
  CHECK(db.table().size_bytes() == total);
  CHECK(da.table().item_count() == static_cast<std::int64_t>(a.size()));
  REQUIRE(da.table().indexes().size() == db.table().indexes().size());
  for (std::size_t i = 0; i < da.table().indexes().size(); ++i) {
    const auto ea = test::stored_entries(*da.f.db, kTable, i);
    const auto eb = test::stored_entries(*db.f.db, kTable, i);
    REQUIRE(ea.size() == eb.size());
    std::int64_t index_total = 0;
    for (std::size_t j = 0; j < ea.size(); ++j) {
      CHECK(ea[j].key == eb[j].key);
      CHECK(*ea[j].item == *eb[j].item);
      CHECK(ea[j].size == item_size(*ea[j].item));
      index_total += ea[j].size;
    }
    CHECK(da.table().indexes()[i].stats.bytes == index_total);
    CHECK(db.table().indexes()[i].stats.bytes == index_total);
    CHECK(da.table().indexes()[i].stats.items == static_cast<std::int64_t>(ea.size()));
  }
}

// One update sent to a database that updates in place and to one that must copy (every item
// it stores is held elsewhere too), checked to come out the same.
struct InPlaceAndCopying {
  Database2 in_place, copying;
  std::vector<ItemPtr> held;  // keeps every item `copying` stored shared, so it copies

  Result<UpdateItemResult> run(const UpdateItemRequest& u) {
    for (const auto& r : copying.rows()) held.push_back(r.item);
    auto a = in_place.f.db->update_item(u, in_place.f.now());
    const auto b = copying.f.db->update_item(u, copying.f.now());
    check_same_outcome(a, b);
    return a;
  }
};

}  // namespace

TEST_CASE("UpdateItem in place answers, charges and stores as the copying path does") {
  InPlaceAndCopying pair;
  Database2& in_place = pair.in_place;
  Database2& copying = pair.copying;
  const std::vector<ItemPtr>& held = pair.held;
  auto run = [&pair](const UpdateItemRequest& u) { return pair.run(u); };
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
    CHECK(test::stored_entries(*in_place.f.db, kTable).front().key.hash ==
          test::stored_entries(*copying.f.db, kTable).front().key.hash);
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
  check_same_contents(in_place, copying);
  CHECK(in_place.f.db->state()["tables"] == copying.f.db->state()["tables"]);
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
