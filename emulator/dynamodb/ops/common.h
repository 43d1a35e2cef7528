// Helpers shared by the operation files (ops/*.cc). Internal to the DynamoDB model.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "emulator/dynamodb/model.h"

namespace emu::dynamodb {

// Capacity units per AWS's rounding (aws-fidelity 3.2).
double write_units(std::size_t bytes);
double read_units(std::size_t bytes, bool consistent);

AwsError resource_not_found();                          // "Requested resource not found"
AwsError table_not_found(std::string_view table_name);  // "...: Table: X not found"
AwsError conditional_check_failed();
// A key attribute's value in a key (GetItem's Key, a start key): not empty, within the size
// limits. Its type is the caller's check.
Status check_key_value(const AttributeValue& v, const KeyAttribute& attr, bool is_hash);

// Expressions of one request, parsed (cached) and checked against its names and values.
struct PreparedExpressions {
  std::shared_ptr<const Result<expr::ParsedCondition>> condition;  // Condition or Filter
  std::shared_ptr<const Result<expr::ParsedCondition>> key_condition;
  std::shared_ptr<const Result<expr::ParsedUpdate>> update;
  std::shared_ptr<const Result<expr::ParsedProjection>> projection;
  std::vector<expr::Path> projection_paths;  // resolved
  expr::Bindings bindings;
  // The update's SET plan under these names, when it has that shape (owned by the memo).
  const expr::SetPlan* set_plan = nullptr;
};

// What a write does to one index's entry of the item: whether the item is in the index before
// and after, under the same index key, and whether its content changes.
struct IndexWrite {
  bool old_in = false;
  bool new_in = false;
  bool same_key = false;
  bool changed = true;
};

struct ExpressionTexts {
  const std::optional<std::string>* condition = nullptr;
  std::string_view condition_kind = "ConditionExpression";
  const std::optional<std::string>* key_condition = nullptr;
  const std::optional<std::string>* update = nullptr;
  const std::optional<std::string>* projection = nullptr;
};

class Ops {
 public:
  static Result<Table*> table(Database& db, std::string_view name, bool describe_style = false);
  static Status validate_key(const Table& table, const Item& key);
  static Status validate_item(const Table& table, const Item& item, std::size_t size,
                              std::size_t max_bytes, bool is_update);
  static Result<PreparedExpressions> prepare(Database& db, const ExpressionTexts& texts,
                                             const ExpressionAttributes& attributes);
  static bool memo_matches(const Database& db, const void* const* expressions,
                           const ExpressionAttributes& attributes, bool compare_values);
  // Full validation; `p` holds the parsed (cached) expressions already.
  static Result<PreparedExpressions> validate_expressions(const ExpressionTexts& texts,
                                                          const ExpressionAttributes& attributes,
                                                          PreparedExpressions p);
  static std::optional<AwsError> begin(Database& db, std::string_view operation,
                                       std::string_view table, Micros now);
  // Asks the governor for a write of `old_item` -> `new_item`; fills `consumed`.
  static std::optional<AwsError> charge_write(Database& db, const Table& table, const KeyEnc& key,
                                              const Item* old_item, std::size_t old_size,
                                              const Item* new_item, std::size_t new_size,
                                              ConsumedCapacity& consumed, Micros now);
  // The same for a write whose effect on each index is given (an item changed in place).
  static std::optional<AwsError> charge_write(
      Database& db, const Table& table, std::size_t old_size, std::size_t new_size,
      const std::function<IndexWrite(const IndexSchema&)>& effect, ConsumedCapacity& consumed,
      Micros now);
  // Asks the governor for a read of `units` from the table (index nullptr) or from `index`,
  // plus `fetch_units` read from the table for attributes a local index does not project.
  static std::optional<AwsError> charge_read(Database& db, const Table& table,
                                             const IndexSchema* index, double units,
                                             ConsumedCapacity& consumed, Micros now,
                                             double fetch_units = 0);
  // Stores the new state of one item (null = deleted), persists it and emits the stream record.
  // `row` is the item's current row (nullptr if none), as found by the caller.
  static void commit(Database& db, Table& table, const KeyEnc& key, const Row* row,
                     ItemPtr new_item, std::size_t new_size, Micros now, bool ttl_delete = false);
  // UpdateItem of an existing item the table alone holds, changed where it is stored instead
  // of copied (same checks, charges, errors and result as the general path); nullopt when the
  // update or the item does not allow it (the caller then takes the general path).
  static std::optional<Result<UpdateItemResult>> update_in_place(
      Database& db, Table& table, const UpdateItemRequest& request,
      const PreparedExpressions& prepared, const KeyEnc& key, const Row& row, Micros now);
  static std::optional<ConsumedCapacity> report(const ConsumedCapacity& consumed,
                                                ReturnConsumedCapacity mode);
  static Status check_return_values(ReturnValues rv, bool update_allowed);
  static Database::Counters& counters(Database& db, std::string_view table);
  static void set_condition_failure(Database& db, std::string_view table, const ItemPtr& old_item,
                                    bool wanted);
};

}  // namespace emu::dynamodb
