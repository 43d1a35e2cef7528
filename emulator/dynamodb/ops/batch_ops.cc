// BatchWriteItem (<= 25 puts/deletes) and BatchGetItem (<= 100 keys). Each write or read asks
// the governor on its own; refused ones come back in UnprocessedItems/UnprocessedKeys, and if
// every one is refused the call fails with the throttling error, as AWS does.
#include <set>

#include "emulator/dynamodb/ops/common.h"

namespace emu::dynamodb {

namespace {

constexpr std::size_t kMaxBatchWrites = 25;
constexpr std::size_t kMaxBatchGets = 100;

void add_capacity(std::vector<ConsumedCapacity>& all, const ConsumedCapacity& c) {
  for (auto& existing : all) {
    if (existing.table_name != c.table_name) continue;
    existing.capacity_units += c.capacity_units;
    existing.read_capacity_units += c.read_capacity_units;
    existing.write_capacity_units += c.write_capacity_units;
    existing.table_capacity_units += c.table_capacity_units;
    for (const auto& [k, v] : c.global_secondary_indexes) existing.global_secondary_indexes[k] += v;
    for (const auto& [k, v] : c.local_secondary_indexes) existing.local_secondary_indexes[k] += v;
    return;
  }
  all.push_back(c);
}

}  // namespace

Result<BatchWriteItemResult> Database::batch_write_item(const BatchWriteItemRequest& request,
                                                        Micros now) {
  std::size_t total = 0;
  for (const auto& [_, writes] : request.request_items) total += writes.size();
  if (total > kMaxBatchWrites) {
    return validation_error("Too many items requested for the BatchWriteItem call");
  }
  for (const auto& [name, writes] : request.request_items) {
    if (auto err = Ops::begin(*this, "BatchWriteItem", name, now)) return *err;
    auto table = Ops::table(*this, name);
    if (!table) return table.error();
    std::set<KeyEnc> seen;
    for (const auto& w : writes) {
      const Table& t = **table;
      if (w.is_put) {
        if (auto s =
                Ops::validate_item(t, w.item, item_size(w.item), options_.max_item_bytes, false);
            !s) {
          return s.error();
        }
      } else if (auto s = Ops::validate_key(t, w.item); !s) {
        return s.error();
      }
      if (!seen.insert(t.key_of(w.item)).second) {
        return validation_error("Provided list of item keys contains duplicates");
      }
    }
  }
  BatchWriteItemResult result;
  std::size_t refused = 0;
  std::optional<AwsError> last_error;
  for (const auto& [name, writes] : request.request_items) {
    Table& t = *tables_.find(name)->second;
    for (const auto& w : writes) {
      const KeyEnc key = t.key_of(w.item);
      const Row* row = t.find(key);
      const ItemPtr old_item = row ? row->item : nullptr;
      const std::size_t size = w.is_put ? item_size(w.item) : 0;
      ConsumedCapacity consumed;
      if (auto err = Ops::charge_write(*this, t, key, old_item.get(), row ? row->size : 0,
                                       w.is_put ? &w.item : nullptr, size, consumed, now)) {
        ++refused;
        last_error = err;
        auto& bucket = result.unprocessed_items;
        if (bucket.empty() || bucket.back().first != name)
          bucket.emplace_back(name, std::vector<WriteRequest>{});
        bucket.back().second.push_back(w);
        continue;
      }
      add_capacity(result.consumed_capacity, consumed);
      if (w.is_put) {
        Ops::commit(*this, t, key, row, std::make_shared<Item>(w.item), size, now);
      } else if (old_item) {
        Ops::commit(*this, t, key, row, nullptr, 0, now);
      }
    }
  }
  if (total > 0 && refused == total) return *last_error;
  if (request.return_consumed_capacity == ReturnConsumedCapacity::kNone) {
    result.consumed_capacity.clear();
  } else {
    for (auto& c : result.consumed_capacity) {
      c.indexes = request.return_consumed_capacity == ReturnConsumedCapacity::kIndexes;
    }
  }
  return result;
}

namespace {

// As AWS: each table's expressions and duplicate keys are checked before any table is looked
// up.
Result<std::vector<PreparedExpressions>> prepare_batch_get(Database& db,
                                                           const BatchGetItemRequest& request) {
  std::vector<PreparedExpressions> prepared;
  for (const auto& [name, ka] : request.request_items) {
    ExpressionTexts texts;
    texts.projection = &ka.projection_expression;
    ExpressionAttributes attributes{ka.names, std::nullopt, std::nullopt};
    auto p = Ops::prepare(db, texts, attributes);
    if (!p) return p.error();
    prepared.push_back(std::move(*p));
    for (std::size_t i = 0; i < ka.keys.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (ka.keys[i] == ka.keys[j]) {
          return validation_error("Provided list of item keys contains duplicates");
        }
      }
    }
  }
  return prepared;
}

// Then each table, and its keys against its key schema.
Status check_batch_get_keys(Database& db, const BatchGetItemRequest& request, Micros now) {
  for (const auto& [name, ka] : request.request_items) {
    if (auto err = Ops::begin(db, "BatchGetItem", name, now)) return *err;
    auto table = Ops::table(db, name);
    if (!table) return table.error();
    std::set<KeyEnc> seen;
    for (const auto& key : ka.keys) {
      if (auto s = Ops::validate_key(**table, key); !s) return s.error();
      if (!seen.insert((*table)->key_of(key)).second) {
        return validation_error("Provided list of item keys contains duplicates");
      }
    }
  }
  return ok_status();
}

}  // namespace

Result<BatchGetItemResult> Database::batch_get_item(const BatchGetItemRequest& request,
                                                    Micros now) {
  std::size_t total = 0;
  for (const auto& [_, ka] : request.request_items) total += ka.keys.size();
  if (total > kMaxBatchGets) {
    return validation_error("Too many items requested for the BatchGetItem call");
  }
  auto prepared = prepare_batch_get(*this, request);
  if (!prepared) return prepared.error();
  if (auto s = check_batch_get_keys(*this, request, now); !s) return s.error();
  BatchGetItemResult result;
  std::size_t refused = 0;
  std::optional<AwsError> last_error;
  for (std::size_t i = 0; i < request.request_items.size(); ++i) {
    const auto& [name, ka] = request.request_items[i];
    // Bindings point into `request`, which outlives this loop.
    (*prepared)[i].bindings.names = ka.names ? &*ka.names : nullptr;
    Table& t = *tables_.find(name)->second;
    std::vector<Item> found;
    for (const auto& key : ka.keys) {
      const Row* row = t.find(t.key_of(key));
      ConsumedCapacity consumed;
      const double units = read_units(row ? row->size : 0, ka.consistent_read);
      if (auto err = Ops::charge_read(*this, t, nullptr, units, consumed, now)) {
        ++refused;
        last_error = err;
        auto& bucket = result.unprocessed_keys;
        if (bucket.empty() || bucket.back().first != name) {
          KeysAndAttributes rest = ka;
          rest.keys.clear();
          bucket.emplace_back(name, std::move(rest));
        }
        bucket.back().second.keys.push_back(key);
        continue;
      }
      add_capacity(result.consumed_capacity, consumed);
      if (!row) continue;
      found.push_back((*prepared)[i].projection
                          ? expr::project(*row->item, (*prepared)[i].projection_paths)
                          : *row->item);
    }
    result.responses.emplace_back(name, std::move(found));
  }
  if (total > 0 && refused == total) return *last_error;
  if (request.return_consumed_capacity == ReturnConsumedCapacity::kNone) {
    result.consumed_capacity.clear();
  } else {
    for (auto& c : result.consumed_capacity) {
      c.indexes = request.return_consumed_capacity == ReturnConsumedCapacity::kIndexes;
    }
  }
  return result;
}

}  // namespace emu::dynamodb
