// Shared test fixture: a Database over an in-memory (or file) SQLite store and a VirtualClock.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/dynamodb/model.h"
#include "emulator/dynamodb/value_json.h"

namespace emu::dynamodb::test {

// 2021-06-27T04:00:00Z, a day of the seed's busiest period.
constexpr Micros kStart = 1624766400LL * kMicrosPerSecond;

inline Item item_of(const char* json_text) {
  auto r = item_from_json(nlohmann::json::parse(json_text));
  EMU_ASSERT(r.ok());
  return *r;
}

// A stored row or index entry as a test sees it: its place and its item.
template <class Key>
struct StoredView {
  Key key;
  ItemPtr item;
  std::uint32_t size = 0;
};

// Every row of `table` in key order, as the store holds them after a flush.
inline std::vector<StoredView<KeyEnc>> stored_rows(Database& db, const std::string& table) {
  db.flush();
  auto reader = db.table(table)->read_rows({});
  std::vector<StoredView<KeyEnc>> out;
  while (const Row* row = reader.next()) out.push_back({reader.key(), row->item, row->size});
  return out;
}

// Every entry of index number `index` of `table`, in index order.
inline std::vector<StoredView<IndexKeyEnc>> stored_entries(Database& db, const std::string& table,
                                                           std::size_t index = 0) {
  db.flush();
  auto reader = db.table(table)->read_index(index, {});
  std::vector<StoredView<IndexKeyEnc>> out;
  while (const Row* row = reader.next()) out.push_back({reader.index_key(), row->item, row->size});
  return out;
}

struct Fixture {
  explicit Fixture(std::string path = ":memory:", DatabaseOptions options = {})
      : clock(kStart), scheduler(clock), storage(std::make_unique<Storage>(path, "OFF")) {
    db = std::make_unique<Database>(*storage, scheduler, options);
  }
  Micros now() const { return clock.now(); }

  // Simple table: hash "id" (S), optional range "sk" (S).
  void make_table(const std::string& name, bool range = false, bool stream = false) {
    CreateTableRequest r;
    r.table_name = name;
    r.attribute_definitions = {{"id", Type::kS}};
    r.key_schema = {{"id", "HASH"}};
    if (range) {
      r.attribute_definitions.push_back({"sk", Type::kS});
      r.key_schema.push_back({"sk", "RANGE"});
    }
    r.billing_mode = BillingMode::kPayPerRequest;
    if (stream)
      r.stream_specification = StreamSpecification{true, StreamViewType::kNewAndOldImages};
    EMU_ASSERT(db->create_table(r, now()).ok());
  }

  Result<PutItemResult> put(const std::string& table, const char* item_json) {
    PutItemRequest r;
    r.table_name = table;
    r.item = item_of(item_json);
    return db->put_item(r, now());
  }

  std::optional<Item> get(const std::string& table, const char* key_json) {
    GetItemRequest r;
    r.table_name = table;
    r.key = item_of(key_json);
    auto result = db->get_item(r, now());
    EMU_ASSERT(result.ok());
    return result->item;
  }

  VirtualClock clock;
  Scheduler scheduler;
  std::unique_ptr<Storage> storage;
  std::unique_ptr<Database> db;
};

}  // namespace emu::dynamodb::test
