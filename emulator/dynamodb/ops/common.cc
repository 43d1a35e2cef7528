#include "emulator/dynamodb/ops/common.h"

#include <cmath>

#include "emulator/core/errors.h"

namespace emu::dynamodb {

namespace {

constexpr std::size_t kMaxHashKeyBytes = 2048;
constexpr std::size_t kMaxRangeKeyBytes = 1024;
const std::string kInvalid = "One or more parameter values were invalid: ";

// `in_item`: the value is an item's (PutItem), whose message AWS words differently from a
// key's (GetItem, a start key).
Status check_key_piece(const AttributeValue& v, const KeyAttribute& attr, bool is_hash,
                       bool in_item) {
  if ((v.type() == Type::kS || v.type() == Type::kB) && v.scalar().empty()) {
    return validation_error(std::string(in_item ? "One or more parameter values are not valid. "
                                                : "One or more parameter values were invalid: ") +
                            "The AttributeValue for a key attribute cannot contain an empty " +
                            std::string(v.type() == Type::kS ? "string" : "binary") +
                            " value. Key: " + attr.name);
  }
  if (v.type() == Type::kN) return ok_status();
  if (is_hash && v.scalar().size() > kMaxHashKeyBytes) {
    return validation_error(kInvalid +
                            "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (!is_hash && v.scalar().size() > kMaxRangeKeyBytes) {
    return validation_error(
        kInvalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  return ok_status();
}

// The write units one index is charged for a write that does `w` to its entry.
double index_write_units(const IndexWrite& w, std::size_t old_size, std::size_t new_size) {
  if (!w.old_in && !w.new_in) return 0;
  if (!w.old_in) return write_units(new_size);
  if (!w.new_in) return write_units(old_size);
  // ASSUMPTION: index entries are charged at the full item size (exact for projection ALL).
  if (!w.same_key) return write_units(old_size) + write_units(new_size);
  if (!w.changed) return 0;
  return write_units(std::max(old_size, new_size));
}

// What writing `old_item` -> `new_item` (nullptr: none) does to `index`'s entry.
IndexWrite index_write(const IndexSchema& index, const Item* old_item, const Item* new_item) {
  IndexWrite w;
  w.old_in = old_item != nullptr && Table::in_index(index, *old_item);
  w.new_in = new_item != nullptr && Table::in_index(index, *new_item);
  w.same_key = w.old_in && w.new_in && Table::same_index_key(index, *old_item, *new_item);
  w.changed = !w.same_key || !(*old_item == *new_item);
  return w;
}

}  // namespace

double write_units(std::size_t bytes) {
  return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0));
}

double read_units(std::size_t bytes, bool consistent) {
  const double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

Status check_key_value(const AttributeValue& v, const KeyAttribute& attr, bool is_hash) {
  return check_key_piece(v, attr, is_hash, false);
}

AwsError resource_not_found() {
  return errors::dynamodb::kResourceNotFound("Requested resource not found");
}

AwsError table_not_found(std::string_view table_name) {
  return errors::dynamodb::kResourceNotFound(
      "Requested resource not found: Table: " + std::string(table_name) + " not found");
}

AwsError conditional_check_failed() {
  return errors::dynamodb::kConditionalCheckFailed("The conditional request failed");
}

Result<Table*> Ops::table(Database& db, std::string_view name, bool describe_style) {
  auto it = db.tables_.find(name);
  if (it == db.tables_.end()) return describe_style ? table_not_found(name) : resource_not_found();
  return it->second.get();
}

Status Ops::validate_key(const Table& table, const Item& key) {
  const auto& s = table.schema();
  const std::size_t wanted = s.range ? 2 : 1;
  const AwsError mismatch = validation_error("The provided key element does not match the schema");
  if (key.size() != wanted) return mismatch;
  auto h = key.find(s.hash.name);
  if (h == key.end() || h->second.type() != s.hash.type) return mismatch;
  if (auto st = check_key_piece(h->second, s.hash, true, false); !st) return st;
  if (s.range) {
    auto r = key.find(s.range->name);
    if (r == key.end() || r->second.type() != s.range->type) return mismatch;
    if (auto st = check_key_piece(r->second, *s.range, false, false); !st) return st;
  }
  return ok_status();
}

Status Ops::validate_item(const Table& table, const Item& item, std::size_t size,
                          std::size_t max_bytes, bool is_update) {
  const auto& s = table.schema();
  for (int i = 0; i < (s.range ? 2 : 1); ++i) {
    const KeyAttribute& attr = i == 0 ? s.hash : *s.range;
    auto it = item.find(attr.name);
    if (it == item.end()) {
      return validation_error(kInvalid + "Missing the key " + attr.name + " in the item");
    }
    if (it->second.type() != attr.type) {
      return validation_error(kInvalid + "Type mismatch for key " + attr.name +
                              " expected: " + std::string(type_name(attr.type)) +
                              " actual: " + std::string(type_name(it->second.type())));
    }
    if (auto st = check_key_piece(it->second, attr, i == 0, true); !st) return st;
  }
  for (const auto& index : s.indexes) {
    for (int i = 0; i < (index.range ? 2 : 1); ++i) {
      const KeyAttribute& attr = i == 0 ? index.hash : *index.range;
      auto it = item.find(attr.name);
      if (it != item.end() && it->second.type() != attr.type) {
        return validation_error(kInvalid + "Type mismatch for Index Key " + attr.name +
                                " Expected: " + std::string(type_name(attr.type)) +
                                " Actual: " + std::string(type_name(it->second.type())) +
                                " IndexName: " + index.definition.index_name);
      }
    }
  }
  if (size > max_bytes) {
    return validation_error(is_update ? "Item size to update has exceeded the maximum allowed size"
                                      : "Item size has exceeded the maximum allowed size");
  }
  return ok_status();
}

bool Ops::memo_matches(const Database& db, const void* const* expressions,
                       const ExpressionAttributes& attributes, bool compare_values) {
  const auto& memo = db.prepare_memo_;
  if (!memo.valid) return false;
  for (int i = 0; i < 4; ++i) {
    if (memo.expressions[i] != expressions[i]) return false;
  }
  if (memo.names.has_value() != attributes.names.has_value()) return false;
  if (memo.names && *memo.names != *attributes.names) return false;
  if (memo.has_values != attributes.values.has_value()) return false;
  if (!attributes.values) return true;
  if (compare_values) return memo.values && *memo.values == *attributes.values;
  if (memo.value_types.size() != attributes.values->size()) return false;
  // Values with the names last checked (a request refilled in place) need only their types
  // compared.
  const bool same_names = attributes.values->names_id() == memo.values_names_id;
  auto it = memo.value_types.begin();
  for (const auto& [key, value] : *attributes.values) {
    if ((!same_names && it->first != key) || it->second != value.type()) return false;
    ++it;
  }
  return true;
}

Result<PreparedExpressions> Ops::prepare(Database& db, const ExpressionTexts& texts,
                                         const ExpressionAttributes& attributes) {
  auto parsed = [](const std::optional<std::string>* text) {
    return text != nullptr && text->has_value();
  };
  PreparedExpressions fast;
  if (parsed(texts.update)) fast.update = db.cache_.update(**texts.update);
  if (parsed(texts.condition)) {
    fast.condition = db.cache_.condition(**texts.condition, texts.condition_kind);
  }
  if (parsed(texts.key_condition)) {
    fast.key_condition = db.cache_.condition(**texts.key_condition, "KeyConditionExpression");
  }
  if (parsed(texts.projection)) fast.projection = db.cache_.projection(**texts.projection);
  const void* expressions[4] = {fast.update.get(), fast.condition.get(), fast.key_condition.get(),
                                fast.projection.get()};
  std::shared_ptr<const void> holders[4] = {fast.update, fast.condition, fast.key_condition,
                                            fast.projection};
  const bool compare_values = fast.condition || fast.key_condition;
  auto& memo = db.prepare_memo_;
  if (!attributes.value_error && memo_matches(db, expressions, attributes, compare_values)) {
    if (attributes.values) memo.values_names_id = attributes.values->names_id();
    fast.bindings.names = attributes.names ? &*attributes.names : nullptr;
    fast.bindings.values = attributes.values ? &*attributes.values : nullptr;
    fast.set_plan = memo.set_plan ? &*memo.set_plan : nullptr;
    if (fast.projection) {
      for (const auto& path : fast.projection->value().expression.paths) {
        fast.projection_paths.push_back(expr::resolve(path, fast.bindings));
      }
    }
    return fast;
  }
  auto result = validate_expressions(texts, attributes, std::move(fast));
  if (!result) {
    memo.valid = false;
    return result;
  }
  memo.valid = true;
  std::copy(std::begin(expressions), std::end(expressions), memo.expressions);
  std::move(std::begin(holders), std::end(holders), memo.holders);
  memo.names = attributes.names;
  memo.has_values = attributes.values.has_value();
  memo.value_types.clear();
  memo.values.reset();
  memo.values_names_id = attributes.values ? attributes.values->names_id() : 0;
  if (attributes.values) {
    for (const auto& [key, value] : *attributes.values)
      memo.value_types.emplace_back(key, value.type());
    if (compare_values) memo.values = attributes.values;
  }
  memo.set_plan.reset();
  if (result->update && result->update->ok()) {
    memo.set_plan = expr::plan_sets(result->update->value().expression, result->bindings);
  }
  result->set_plan = memo.set_plan ? &*memo.set_plan : nullptr;
  return result;
}

namespace {

bool valid_placeholder(const std::string& key, char prefix) {
  bool ok = key.size() > 1 && key[0] == prefix;
  for (std::size_t i = 1; ok && i < key.size(); ++i) {
    ok = std::isalnum(static_cast<unsigned char>(key[i])) || key[i] == '_';
  }
  return ok;
}

// The checks on ExpressionAttributeNames/Values themselves, before any expression is read.
Status check_attribute_maps(const ExpressionTexts& texts, const ExpressionAttributes& attributes) {
  auto given = [](const std::optional<std::string>* t) { return t && t->has_value(); };
  const bool any_value_expr =
      given(texts.condition) || given(texts.key_condition) || given(texts.update);
  if (attributes.names && !any_value_expr && !given(texts.projection)) {
    return validation_error(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  if (attributes.values && !any_value_expr) {
    std::string which = "ConditionExpression is null";
    if (texts.update) {
      which = "UpdateExpression and ConditionExpression are null";
    } else if (texts.key_condition) {
      which = "KeyConditionExpression and FilterExpression are null";
    } else if (texts.condition_kind == "FilterExpression") {
      which = "FilterExpression is null";
    }
    return validation_error(
        "ExpressionAttributeValues can only be specified when using "
        "expressions: " +
        which);
  }
  // AWS checks the names map whole (empty, then each key) before the values map.
  if (attributes.names && attributes.names->empty()) {
    return validation_error("ExpressionAttributeNames must not be empty");
  }
  for (const auto& [k, _] : attributes.names ? *attributes.names : expr::Names{}) {
    if (!valid_placeholder(k, '#')) {
      return validation_error(
          "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + k + "\"");
    }
  }
  if (attributes.values && attributes.values->empty()) {
    return validation_error("ExpressionAttributeValues must not be empty");
  }
  if (attributes.values) {
    for (const auto& [k, _] : *attributes.values) {
      if (!valid_placeholder(k, ':')) {
        return validation_error(
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + k + "\"");
      }
    }
  }
  if (attributes.value_error) return *attributes.value_error;
  return ok_status();
}

}  // namespace

Result<PreparedExpressions> Ops::validate_expressions(const ExpressionTexts& texts,
                                                      const ExpressionAttributes& attributes,
                                                      PreparedExpressions p) {
  if (auto s = check_attribute_maps(texts, attributes); !s) return s.error();
  p.bindings.names = attributes.names ? &*attributes.names : nullptr;
  p.bindings.values = attributes.values ? &*attributes.values : nullptr;
  expr::Usage usage;
  if (texts.update && *texts.update) {
    if (!*p.update) return p.update->error();
    const auto& u = p.update->value();
    if (auto s = expr::check_placeholders(u.placeholders, p.bindings, "UpdateExpression", usage);
        !s) {
      return s.error();
    }
    if (auto s = expr::check_update(u.expression, p.bindings); !s) return s.error();
    if (!u.function_error.empty()) {
      return validation_error("Invalid UpdateExpression: " + u.function_error);
    }
  }
  // AWS reads a Query's KeyConditionExpression before its FilterExpression.
  const std::pair<const std::optional<std::string>*, std::string_view> conditions[] = {
      {texts.key_condition, "KeyConditionExpression"}, {texts.condition, texts.condition_kind}};
  for (const auto& [text, kind] : conditions) {
    if (!text || !*text) continue;
    const bool is_key = kind == "KeyConditionExpression";
    const auto parsed = is_key ? p.key_condition : p.condition;
    if (!*parsed) return parsed->error();
    const auto& condition = parsed->value();
    if (auto s =
            expr::check_condition(condition.root, condition.placeholders, p.bindings, kind, usage);
        !s) {
      return s.error();
    }
  }
  if (texts.projection && *texts.projection) {
    if (!*p.projection) return p.projection->error();
    const auto& pr = p.projection->value();
    if (auto s =
            expr::check_placeholders(pr.placeholders, p.bindings, "ProjectionExpression", usage);
        !s) {
      return s.error();
    }
    if (auto s = expr::check_projection(pr.expression, p.bindings); !s) return s.error();
    for (const auto& path : pr.expression.paths) {
      p.projection_paths.push_back(expr::resolve(path, p.bindings));
    }
  }
  if (auto s = expr::check_unused(p.bindings, usage); !s) return s.error();
  return p;
}

std::optional<AwsError> Ops::begin(Database& db, std::string_view operation, std::string_view table,
                                   Micros now) {
  db.condition_failure_item_.reset();
  db.last_fault_latency_ = 0;
  db.upkeep();
  return db.check_fault(operation, table, now);
}

std::optional<AwsError> Ops::charge_write(Database& db, const Table& table, const KeyEnc& key,
                                          const Item* old_item, std::size_t old_size,
                                          const Item* new_item, std::size_t new_size,
                                          ConsumedCapacity& consumed, Micros now) {
  return charge_write(
      db, table, old_size, new_size,
      [&](const IndexSchema& index) { return index_write(index, old_item, new_item); }, consumed,
      now);
}

std::optional<AwsError> Ops::charge_write(
    Database& db, const Table& table, std::size_t old_size, std::size_t new_size,
    const std::function<IndexWrite(const IndexSchema&)>& effect, ConsumedCapacity& consumed,
    Micros now) {
  const auto& name = table.schema().name;
  consumed.table_name = name;
  consumed.table_capacity_units = write_units(std::max(old_size, new_size));
  double total = consumed.table_capacity_units;
  // Local indexes write from the table's capacity (AWS: they have none of their own).
  double table_share = consumed.table_capacity_units;
  for (const auto& index : table.schema().indexes) {
    const double u = index_write_units(effect(index), old_size, new_size);
    if (u <= 0) continue;
    auto& by_index =
        index.local ? consumed.local_secondary_indexes : consumed.global_secondary_indexes;
    by_index[index.definition.index_name] = u;
    total += u;
    if (index.local) table_share += u;
  }
  consumed.capacity_units = consumed.write_capacity_units = total;
  if (db.governor_) {
    auto err = db.governor_->consume(name, "", Access::kWrite, table_share, now);
    for (auto it = consumed.global_secondary_indexes.begin();
         !err && it != consumed.global_secondary_indexes.end(); ++it) {
      err = db.governor_->consume(name, it->first, Access::kWrite, it->second, now);
    }
    if (err) {
      ++counters(db, name).throttled;
      return err;
    }
  }
  counters(db, name).write_units += total;
  return std::nullopt;
}

std::optional<AwsError> Ops::charge_read(Database& db, const Table& table, const IndexSchema* index,
                                         double units, ConsumedCapacity& consumed, Micros now,
                                         double fetch_units) {
  const auto& name = table.schema().name;
  consumed.table_name = name;
  const double total = units + fetch_units;
  consumed.capacity_units = consumed.read_capacity_units = total;
  if (!index) {
    consumed.table_capacity_units = units;
  } else {
    consumed.table_capacity_units = fetch_units;
    auto& by_index =
        index->local ? consumed.local_secondary_indexes : consumed.global_secondary_indexes;
    by_index[index->definition.index_name] = units;
  }
  if (db.governor_) {
    // A local index, and the table fetches made through it, read the table's capacity.
    const std::string_view governed =
        index && !index->local ? std::string_view(index->definition.index_name) : "";
    if (auto err = db.governor_->consume(name, governed, Access::kRead, total, now)) {
      ++counters(db, name).throttled;
      return err;
    }
  }
  counters(db, name).read_units += total;
  return std::nullopt;
}

namespace {

// The stream record for old -> new, or nullopt for a no-op write.
std::optional<StreamRecord> make_record(const Table& table, const Stream& stream,
                                        const ItemPtr& old_item, const ItemPtr& new_item,
                                        std::size_t new_size, Micros now, bool ttl_delete) {
  if (!old_item && !new_item) return std::nullopt;
  if (old_item && new_item && *old_item == *new_item) return std::nullopt;
  StreamRecord record;
  record.event = !old_item   ? EventName::kInsert
                 : !new_item ? EventName::kRemove
                             : EventName::kModify;
  record.created = now;
  record.keys = std::make_shared<Item>(table.key_item(new_item ? *new_item : *old_item));
  const auto view = stream.view_type();
  const bool want_new =
      view == StreamViewType::kNewImage || view == StreamViewType::kNewAndOldImages;
  const bool want_old =
      view == StreamViewType::kOldImage || view == StreamViewType::kNewAndOldImages;
  std::size_t size = item_size(*record.keys);
  if (want_new && new_item) {
    record.new_image = new_item;
    size += new_size;
  }
  if (want_old && old_item) {
    record.old_image = old_item;
    size += item_size(*old_item);
  }
  record.ttl_delete = ttl_delete;
  record.size_bytes = static_cast<std::uint32_t>(size);
  return record;
}

}  // namespace

void Ops::commit(Database& db, Table& table, const KeyEnc& key, const Row* row, ItemPtr new_item,
                 std::size_t new_size, Micros now, bool ttl_delete) {
  (void)db;
  const ItemPtr old_item = row ? row->item : nullptr;
  Stream* stream = table.stream();
  std::uint64_t insert_seq = 0;
  if (stream != nullptr && stream->enabled()) {
    auto record = make_record(table, *stream, old_item, new_item, new_size, now, ttl_delete);
    if (record) {
      const StreamRecord& stored = stream->append(std::move(*record));
      // Its image is the row's new content: stored as a pointer to the row (persist.h).
      if (stored.event == EventName::kInsert && stored.new_image == new_item) {
        insert_seq = stored.sequence;
      }
    }
  }
  table.write(key, std::move(new_item), static_cast<std::uint32_t>(new_size), insert_seq);
}

std::optional<ConsumedCapacity> Ops::report(const ConsumedCapacity& consumed,
                                            ReturnConsumedCapacity mode) {
  if (mode == ReturnConsumedCapacity::kNone) return std::nullopt;
  ConsumedCapacity out = consumed;
  out.indexes = mode == ReturnConsumedCapacity::kIndexes;
  return out;
}

Status Ops::check_return_values(ReturnValues rv, bool update_allowed) {
  if (!update_allowed && rv != ReturnValues::kNone && rv != ReturnValues::kAllOld) {
    return validation_error("Return values set to invalid value");
  }
  return ok_status();
}

Database::Counters& Ops::counters(Database& db, std::string_view table) {
  auto it = db.counters_.find(table);
  if (it == db.counters_.end())
    it = db.counters_.emplace(std::string(table), Database::Counters{}).first;
  return it->second;
}

void Ops::set_condition_failure(Database& db, std::string_view table, const ItemPtr& old_item,
                                bool wanted) {
  ++counters(db, table).conditional_failures;
  if (wanted && old_item) db.condition_failure_item_ = *old_item;
}

}  // namespace emu::dynamodb
